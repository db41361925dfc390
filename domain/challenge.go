package domain

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Field is an area of public service a challenge, a competition, a supplier or an assessor's
// expertise belongs to. One list serves them all, so they can be matched.
type Field string

// Fields are the areas, in the order a form offers them.
var Fields = []Field{
	"Health and social care", "Transport", "Environment and climate", "Housing and planning",
	"Local services", "Education and skills", "Justice and policing", "Defence and security",
	"Energy", "Digital and data", "Agriculture and food", "Culture and heritage",
}

// Valid reports whether f is one of the fields.
func (f Field) Valid() bool { return slices.Contains(Fields, f) }

// The intake's text answers, beyond the title, public body, problem and user need (text.go).
var (
	ChallengeWhoHasIt   = Text{Field: "who_has_it", Label: "who has the problem", Max: 5000, MultiLine: true, Optional: true}
	ChallengeEvidence   = Text{Field: "evidence", Label: "the evidence", Max: 10000, MultiLine: true, Optional: true}
	ChallengeCommitment = Text{Field: "commitment", Label: "the commitment to buy or adopt what works", Max: 5000, MultiLine: true, Optional: true}
	SponsorName         = Text{Field: "sponsor_name", Label: "the senior sponsor's name", Max: 200, Optional: true}
	SponsorRole         = Text{Field: "sponsor_role", Label: "the senior sponsor's role", Max: 200, Optional: true}
)

// AnswerKind is how a question of the intake is answered.
type AnswerKind string

const (
	AnswerLine      AnswerKind = "line"      // a line of text
	AnswerParagraph AnswerKind = "paragraph" // text of several lines, up to its limit
	AnswerFields    AnswerKind = "fields"    // one or more of the Fields
	AnswerMoney     AnswerKind = "money"     // an amount of money, typed as people type it
)

// IntakeQuestion is one question the challenge intake asks: its answer's rule (a text answer's
// Text; Field names the answer everywhere), how the form asks it, its name on the check page,
// and what the owner is told while it is unanswered ("" if it may stay empty).
type IntakeQuestion struct {
	Text
	Kind      AnswerKind
	Section   string // the form's heading it sits under
	Ask, Hint string
	Short     string
	Need      string
}

// IsText reports whether the answer is text.
func (q IntakeQuestion) IsText() bool { return q.Kind == AnswerLine || q.Kind == AnswerParagraph }

// IntakeQuestions are what a challenge owner is asked, in the form's order. This is the one
// declaration of the intake: the service's checks, the API's document, the form, the check page
// and what is missing are all drawn from it. A new text answer is added here, in the challenge's
// schema, where the service reads it (intake), and in the API's request and answer.
var IntakeQuestions = []IntakeQuestion{
	{Text: ChallengeTitle, Kind: AnswerLine, Section: "The problem", Ask: "Title",
		Hint: "A short name for the challenge, such as ‘Predict where potholes will form’", Short: "Title", Need: "Give the challenge a title"},
	{Text: ChallengePublicBody, Kind: AnswerLine, Section: "The problem", Ask: "Public body",
		Hint: "The organisation that has the problem", Short: "Public body", Need: "Say which public body has the challenge"},
	{Text: ChallengeProblem, Kind: AnswerParagraph, Section: "The problem", Ask: "What is the problem?",
		Hint: "What goes wrong today, and what it costs", Short: "The problem", Need: "Describe the problem"},
	{Text: ChallengeWhoHasIt, Kind: AnswerParagraph, Section: "The problem", Ask: "Who has the problem?",
		Hint: "The people or services affected, and how many", Short: "Who has it", Need: "Say who has the problem"},
	{Text: ChallengeEvidence, Kind: AnswerParagraph, Section: "The problem", Ask: "What is the evidence for it?",
		Hint: "Figures, complaints, reports or research that show the problem is real", Short: "Evidence", Need: "Give the evidence for the problem"},
	{Text: ChallengeUserNeed, Kind: AnswerParagraph, Section: "The problem", Ask: "What do users need?",
		Hint: "For example: As a resident I need my bins emptied on the day I was told", Short: "User need", Need: "Describe the user need"},
	{Text: Text{Field: "fields", Label: "the fields"}, Kind: AnswerFields, Section: "The problem", Ask: "Which fields is it in?",
		Hint: "Select all that apply", Short: "Fields", Need: "Choose at least one field the challenge is in"},
	{Text: Text{Field: "budget_phase1_pence", Label: "the phase 1 budget"}, Kind: AnswerMoney, Section: "Money and commitment",
		Ask: "What can your organisation put into phase 1?", Hint: "Feasibility: usually up to £50,000 a contract for about 5 contracts, including VAT",
		Short: "Phase 1 budget", Need: "Say how much the public body can put into phase 1"},
	{Text: Text{Field: "budget_phase2_pence", Label: "the phase 2 budget"}, Kind: AnswerMoney, Section: "Money and commitment",
		Ask: "What can your organisation put into phase 2?", Hint: "Prototypes: usually up to £500,000 a contract for up to 2 contracts, including VAT. Leave it empty if you do not know yet",
		Short: "Phase 2 budget"},
	{Text: ChallengeCommitment, Kind: AnswerParagraph, Section: "Money and commitment", Ask: "How will you buy or adopt what works?",
		Hint: "Your route to market: how a successful solution will be bought or used after phase 2", Short: "How it will be bought or adopted",
		Need: "Say how the public body will buy or adopt what works"},
	{Text: SponsorName, Kind: AnswerLine, Section: "Senior sponsor", Ask: "Sponsor's name",
		Hint: "The senior person who will champion the challenge", Short: "Senior sponsor", Need: "Name the senior sponsor"},
	{Text: SponsorRole, Kind: AnswerLine, Section: "Senior sponsor", Ask: "Sponsor's role",
		Hint: "For example: Director of Place", Short: "Sponsor's role", Need: "Give the senior sponsor's role"},
}

// MaxChallengeBudget is the most a public body may put into one phase of a challenge.
const MaxChallengeBudget = MaxPot

// ChallengeIntake is what a challenge owner tells the programme about a challenge. A draft may
// be saved with any of it missing; submission needs all of it.
type ChallengeIntake struct {
	Texts                      map[string]string // by the question's field
	Fields                     []string
	BudgetPhase1, BudgetPhase2 Money
}

// CheckFields names the problem with a list of fields, if any.
func CheckFields(fields []string, problems *Problems) {
	for _, f := range fields {
		if !Field(f).Valid() {
			problems.Add("fields", "%q is not one of the fields: choose from the list", f)
			return
		}
	}
}

// CheckBudget names the problem with one phase's budget (field names the phase), if any.
func CheckBudget(field string, m Money, problems *Problems) {
	if m < 0 || m > MaxChallengeBudget {
		problems.Add(field, "a phase's budget must be from £0 to %s", MaxChallengeBudget)
	}
}

// Budget is the budget a money question (its field) names.
func (c ChallengeIntake) Budget(field string) Money {
	if field == "budget_phase2_pence" {
		return c.BudgetPhase2
	}
	return c.BudgetPhase1
}

// Missing names every answer a challenge needs before it can be submitted, in the order the
// form asks them: the programme screens what the owner tells it, so nothing may be left out.
func (c ChallengeIntake) Missing() Problems {
	var ps Problems
	for _, q := range IntakeQuestions {
		var empty bool
		switch q.Kind {
		case AnswerFields:
			empty = len(c.Fields) == 0
		case AnswerMoney:
			empty = c.Budget(q.Field) <= 0
		default:
			empty = c.Texts[q.Field] == ""
		}
		if empty && q.Need != "" {
			ps.Add(q.Field, "%s", q.Need)
		}
	}
	return ps
}

// RoundName is a funding round's name.
var RoundName = Text{Field: "name", Label: "the round's name", Max: 200}

// Round is a funding round as the programme team sets it up.
type Round struct {
	Name             string
	Budget           Money
	StartsAt, EndsAt time.Time
}

// Problems names every problem with the round.
func (r Round) Problems() Problems {
	var ps Problems
	RoundName.CleanAll(r.Name, &ps)
	if r.Budget <= 0 || r.Budget > MaxPot*10 {
		ps.Add("budget_pence", "the round's budget must be more than £0 and at most %s", MaxPot*10)
	}
	switch {
	case r.StartsAt.IsZero() || r.EndsAt.IsZero():
		ps.Add("starts_at", "give the dates the round starts and ends")
	case !r.EndsAt.After(r.StartsAt):
		ps.Add("ends_at", "the round must end after it starts")
	case r.EndsAt.Sub(r.StartsAt) > 3*366*24*time.Hour:
		ps.Add("ends_at", "a round lasts at most three years")
	}
	return ps
}

// Planned is what a challenge's public body plans to put into both its phases.
func (c ChallengeIntake) Planned() Money { return c.BudgetPhase1 + c.BudgetPhase2 }

// RoundMoney is a funding round's budget and what is held against it. It is the one rule for a
// round's money, which the rounds page, the API, the selection form and the check before a
// competition opens all use: a competition that has opened holds its whole pot (committed); a
// selected challenge still running plans its budget for each phase that has no open competition
// yet (planned); what is not committed is left to open competitions with.
type RoundMoney struct {
	Budget, Committed, Planned Money
}

// ChallengeMoney is one challenge of a round as its money counts: its stage, its plan for each
// phase, and the pots of its competitions that have opened, by phase.
type ChallengeMoney struct {
	Stage  ChallengeStage
	Plan   [2]Money // phase 1, phase 2
	Opened [2]Money
	// HasOpened says which phases have an opened competition (a pot may be £0 in a test).
	HasOpened [2]bool
}

// Add counts a challenge against the round.
func (m *RoundMoney) Add(c ChallengeMoney) {
	for phase := range 2 {
		m.Committed += c.Opened[phase]
		if !c.HasOpened[phase] && !c.Stage.Final() {
			m.Planned += c.Plan[phase]
		}
	}
}

// Left is what the round can still commit: its budget less what is committed.
func (m RoundMoney) Left() Money { return max(m.Budget-m.Committed, 0) }

// Over says whether more is committed than the budget: the check before opening prevents it,
// so it shows only a budget lowered after the fact.
func (m RoundMoney) Over() bool { return m.Committed > m.Budget }

// PlansExceedLeft says whether the plans of its running challenges need more than is left.
func (m RoundMoney) PlansExceedLeft() bool { return m.Planned > m.Left() }

// The screening's text fields.
var (
	ScreeningCriterionText = Text{Field: "text", Label: "the criterion", Max: 500}
	ScreeningNote          = Text{Field: "note", Label: "the note", Max: 2000, MultiLine: true, Optional: true}
)

// ScreeningResult is the programme's judgement of a challenge against one criterion.
type ScreeningResult struct {
	CriterionID int
	Met         *bool
	Note        string
}

// CheckScreened says whether a challenge may be selected, given the criteria in force and those
// it has been screened against: every one, met or not. A programme with no criteria screens
// nothing.
func CheckScreened(criteria []int, screened []int) error {
	missing := 0
	for _, c := range criteria {
		if !slices.Contains(screened, c) {
			missing++
		}
	}
	if missing == 0 {
		return nil
	}
	return &TransitionError{Record: "challenge", Action: "select", From: string(ChallengeSubmitted), Kind: ErrEvidenceMissing,
		Reason: Plural(missing, "screening criterion has", "screening criteria have") + " not been judged yet: screen the challenge first"}
}

// Plural counts things in words: "1 person", "2 people".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// PersonRecord is a person as the programme team records them.
type PersonRecord struct {
	Name, Email string
	Roles       []string
	// Organisation is the organisation's kind: "" for none, "public" or "supplier".
	Organisation string
	Expertise    []string
}

// ValidEmail says whether an address is in the right format to send to: something, an @, and
// a domain, with no spaces or angle brackets, at most 254 characters.
func ValidEmail(email string) bool {
	email = strings.TrimSpace(email)
	at := strings.LastIndex(email, "@")
	return at >= 1 && at < len(email)-1 && !strings.ContainsAny(email, " \t\r\n<>\"") && len(email) <= 254
}

// Problems names every problem with the record: a challenge owner belongs to a public body, a
// supplier to a supplier, and every role is one Catalyst knows.
func (p PersonRecord) Problems(validRole func(string) bool) Problems {
	var ps Problems
	PersonName.CleanAll(p.Name, &ps)
	if !ValidEmail(p.Email) {
		ps.Add("email", "enter an email address in the right format, like name@example.gov.uk")
	}
	if len(p.Roles) == 0 {
		ps.Add("roles", "choose at least one role")
	}
	for _, r := range p.Roles {
		switch {
		case !validRole(r):
			ps.Add("roles", "%q is not a role: choose from admin, challenge_owner, assessor, supplier", r)
		case r == "challenge_owner" && p.Organisation != "public":
			ps.Add("organisation_id", "a challenge owner belongs to a public body: choose theirs")
		case r == "supplier" && p.Organisation != "supplier":
			ps.Add("organisation_id", "a supplier belongs to a supplier organisation: choose theirs")
		}
	}
	CheckFields(p.Expertise, &ps)
	for i := range ps {
		if ps[i].Field == "fields" {
			ps[i].Field = "expertise"
		}
	}
	return ps
}
