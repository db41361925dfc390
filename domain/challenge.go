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

// The intake's text fields, beyond the title, public body, problem and user need.
var (
	ChallengeWhoHasIt   = Text{Field: "who_has_it", Label: "who has the problem", Max: 5000, MultiLine: true, Optional: true}
	ChallengeEvidence   = Text{Field: "evidence", Label: "the evidence", Max: 10000, MultiLine: true, Optional: true}
	ChallengeCommitment = Text{Field: "commitment", Label: "the commitment to buy or adopt what works", Max: 5000, MultiLine: true, Optional: true}
	SponsorName         = Text{Field: "sponsor_name", Label: "the senior sponsor's name", Max: 200, Optional: true}
	SponsorRole         = Text{Field: "sponsor_role", Label: "the senior sponsor's role", Max: 200, Optional: true}
)

// MaxChallengeBudget is the most a public body may put into one phase of a challenge.
const MaxChallengeBudget = MaxPot

// ChallengeIntake is what a challenge owner tells the programme about a challenge. A draft may
// be saved with any of it missing; submission needs all of it.
type ChallengeIntake struct {
	Title, PublicBody, Problem, WhoHasIt, Evidence, UserNeed string
	Fields                                                   []string
	BudgetPhase1, BudgetPhase2                               Money
	Commitment, SponsorName, SponsorRole                     string
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

// CheckBudgets names the problems with a challenge's phase budgets, if any.
func CheckBudgets(phase1, phase2 Money, problems *Problems) {
	for field, m := range map[string]Money{"budget_phase1_pence": phase1, "budget_phase2_pence": phase2} {
		if m < 0 || m > MaxChallengeBudget {
			problems.Add(field, "a phase's budget must be from £0 to %s", MaxChallengeBudget)
		}
	}
}

// Missing names every answer a challenge needs before it can be submitted, in the order the
// form asks them: the programme screens what the owner tells it, so nothing may be left out.
func (c ChallengeIntake) Missing() Problems {
	var ps Problems
	need := func(field, v, what string) {
		if v == "" {
			ps.Add(field, "%s", what)
		}
	}
	need("title", c.Title, "Give the challenge a title")
	need("public_body", c.PublicBody, "Say which public body has the challenge")
	need("problem", c.Problem, "Describe the problem")
	need("who_has_it", c.WhoHasIt, "Say who has the problem")
	need("evidence", c.Evidence, "Give the evidence for the problem")
	need("user_need", c.UserNeed, "Describe the user need")
	if len(c.Fields) == 0 {
		ps.Add("fields", "Choose at least one field the challenge is in")
	}
	if c.BudgetPhase1 <= 0 {
		ps.Add("budget_phase1_pence", "Say how much the public body can put into phase 1")
	}
	need("commitment", c.Commitment, "Say how the public body will buy or adopt what works")
	need("sponsor_name", c.SponsorName, "Name the senior sponsor")
	need("sponsor_role", c.SponsorRole, "Give the senior sponsor's role")
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
		Reason: plural(missing, "screening criterion has", "screening criteria have") + " not been judged yet: screen the challenge first"}
}

func plural(n int, one, many string) string {
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
