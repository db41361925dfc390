package domain

import (
	"fmt"
	"strings"
	"time"
)

// The stage gate, as GovTech Catalyst runs it: each supplier reports on its phase in a set
// structure and presents at a show-and-tell; the challenge's owner recommends; the programme
// first decides whether the challenge goes on to phase 2 at all, then continues or stops each
// supplier. A stop and a no-go record their lessons, and so does the final outcome.

// ReportSection is one part of the end-of-phase report.
type ReportSection struct {
	Key, Title, Hint string
}

// ReportSections are the parts GovTech Catalyst asks its suppliers to report on, in order.
var ReportSections = []ReportSection{
	{"summary", "Summary", "What the phase found, in a few sentences"},
	{"problem", "Your understanding of the problem", "What you now understand the problem to be"},
	{"hypothesis", "Your original hypothesis", "What you set out to show"},
	{"testing", "How you tested it, and the evidence", "The tests you ran and what they showed"},
	{"learnt", "What you learnt", ""},
	{"changes", "Changes you made", "To the approach, the product or the plan"},
	{"barriers", "Barriers", "What stood in the way, and what would remove it"},
	{"user_needs", "User needs", "The needs you found, and how you found them"},
	{"next_steps", "Next steps and the biggest risks", ""},
	{"standards", "How you applied the Service Standard and the Technology Code of Practice", ""},
}

// PhaseReport is a supplier's end-of-phase report, section by section (by ReportSections key).
type PhaseReport map[string]string

// Clean checks each section and returns the report as it is to be stored: every section is
// needed, because the gate reads each.
func (r PhaseReport) Clean() (PhaseReport, Problems) {
	var ps Problems
	out := PhaseReport{}
	for _, s := range ReportSections {
		t := ReportSectionText
		t.Field, t.Label = "report-"+s.Key, lower(s.Title)
		if s.Key == "summary" {
			t.Field, t.Label = "summary", "the summary"
		}
		out[s.Key] = t.CleanAll(r[s.Key], &ps)
	}
	for k := range r {
		if !isSection(k) {
			ps.Add("report", "The report has no section %q: the sections are %s", k, sectionKeys())
		}
	}
	return out, ps
}

func isSection(k string) bool {
	for _, s := range ReportSections {
		if s.Key == k {
			return true
		}
	}
	return false
}

func sectionKeys() string {
	var ks []string
	for _, s := range ReportSections {
		ks = append(ks, s.Key)
	}
	return strings.Join(ks, ", ")
}

// Show-and-tell defaults: half an hour of presentation and three quarters of questions.
const (
	PresentationMinutes = 30
	QuestionsMinutes    = 45
)

// CheckShowAndTellLength says what is wrong with a show-and-tell's parts, in minutes.
func CheckShowAndTellLength(presentation, questions int) Problems {
	var ps Problems
	if presentation < 5 || presentation > 180 {
		ps.Add("presentation_minutes", "The presentation takes from 5 to 180 minutes")
	}
	if questions < 0 || questions > 180 {
		ps.Add("questions_minutes", "Questions take from 0 to 180 minutes")
	}
	return ps
}

// ChallengeGo is the challenge-level decision at the phase 1 gate: does the challenge go on to
// phase 2 at all.
type ChallengeGo string

const (
	// GateGo: the challenge goes on; each supplier is then continued or stopped.
	GateGo ChallengeGo = "go"
	// GateNoGo: the challenge stops here; every contract stops and the challenge closes.
	GateNoGo ChallengeGo = "no_go"
)

// Values lists the decisions, for the database enum.
func (ChallengeGo) Values() []string { return stringsOf([]ChallengeGo{GateGo, GateNoGo}) }

// Label is the decision as a person reads it.
func (g ChallengeGo) Label() string {
	switch g {
	case GateGo:
		return "Go: the challenge goes on to phase 2"
	case GateNoGo:
		return "No-go: the challenge stops after phase 1"
	}
	return string(g)
}

// GateCriterion is one of the programme's criteria for a challenge going on to phase 2.
type GateCriterion struct{ Key, Text string }

// GateCriteria are the programme's criteria at the challenge-level gate.
var GateCriteria = []GateCriterion{
	{"success", "Phase 2 has a high chance of success"},
	{"budget", "The budget for phase 2 is there"},
	{"standards", "The work meets the Service Standard and the Technology Code of Practice"},
}

// CheckChallengeGo checks a challenge-level decision: a go needs every criterion met, and
// either needs its rationale.
func CheckChallengeGo(g ChallengeGo, met map[string]bool, rationale string) Problems {
	var ps Problems
	switch g {
	case GateGo:
		var missing []string
		for _, c := range GateCriteria {
			if !met[c.Key] {
				missing = append(missing, lower(c.Text))
			}
		}
		if len(missing) > 0 {
			ps.Add("criteria", "A go needs every criterion met; not met: %s", strings.Join(missing, "; "))
		}
	case GateNoGo:
	default:
		ps.Add("decision", "Choose go or no-go")
	}
	for k := range met {
		if !isCriterion(k) {
			ps.Add("criteria", "There is no criterion %q", k)
		}
	}
	GateRationale.CleanAll(rationale, &ps)
	return ps
}

func isCriterion(k string) bool {
	for _, c := range GateCriteria {
		if c.Key == k {
			return true
		}
	}
	return false
}

// Lesson is what a stop, a no-go or an outcome teaches: what worked, what failed, and why.
type Lesson struct {
	WhatWorked string `json:"what_worked"`
	WhatFailed string `json:"what_failed"`
	Why        string `json:"why"`
}

// Clean checks each part of the lesson, all of which are needed: the register shares failure
// as well as success.
func (l Lesson) Clean() (Lesson, Problems) {
	var ps Problems
	out := Lesson{WhatWorked: LessonWorked.CleanAll(l.WhatWorked, &ps), WhatFailed: LessonFailed.CleanAll(l.WhatFailed, &ps), Why: LessonWhy.CleanAll(l.Why, &ps)}
	return out, ps
}

// LessonKind is what a lesson was learnt from.
type LessonKind string

const (
	// LessonStop: the gate stopped a supplier.
	LessonStop LessonKind = "stop"
	// LessonNoGo: the challenge-level gate stopped the challenge.
	LessonNoGo LessonKind = "no_go"
	// LessonOutcome: the challenge's final outcome.
	LessonOutcome LessonKind = "outcome"
)

// Values lists the kinds, for the database enum.
func (LessonKind) Values() []string {
	return stringsOf([]LessonKind{LessonStop, LessonNoGo, LessonOutcome})
}

// Label is the kind as a person reads it.
func (k LessonKind) Label() string {
	switch k {
	case LessonStop:
		return "A supplier stopped at the gate"
	case LessonNoGo:
		return "A challenge stopped at the gate"
	case LessonOutcome:
		return "A challenge's outcome"
	}
	return string(k)
}

// GateEvidence is what the gate has before deciding one supplier.
type GateEvidence struct {
	Phase           int
	ChallengeGo     ChallengeGo // phase 1: the challenge-level decision, "" until made
	Reported        bool
	ShowAndTellHeld bool
	Recommended     bool // the owner's recommendation is recorded
}

// Missing names the evidence still to come, in the order it is gathered.
func (e GateEvidence) Missing() []string {
	var out []string
	if e.Phase == 1 && e.ChallengeGo == "" {
		out = append(out, "the challenge-level go or no-go")
	}
	if !e.Reported {
		out = append(out, "the end-of-phase report")
	}
	if !e.ShowAndTellHeld {
		out = append(out, "the show-and-tell, held and recorded")
	}
	if !e.Recommended {
		out = append(out, "the challenge owner's recommendation")
	}
	return out
}

// CheckGateEvidence refuses a supplier's gate decision while evidence is missing, naming it;
// after a no-go there is nothing left to decide but the stop it made.
func CheckGateEvidence(e GateEvidence) error {
	if e.Phase == 1 && e.ChallengeGo == GateNoGo {
		return refuse("contract", "record a gate outcome for", "", "the challenge-level gate decided no-go, which stopped every contract")
	}
	if missing := e.Missing(); len(missing) > 0 {
		return &TransitionError{Record: "contract", Action: "record a gate outcome for", Kind: ErrEvidenceMissing,
			Reason: fmt.Sprintf("the gate needs %s first", strings.Join(missing, ", "))}
	}
	return nil
}

// CheckPhaseTwoSetUp says whether phase 2's competition may be set up: once the stage gate has
// decided every phase 1 contract (undecided names each one still waiting, as a person reads
// it), and only if it continued at least one supplier, since only those may bid.
func CheckPhaseTwoSetUp(undecided []string, continued int) error {
	if len(undecided) > 0 {
		return &TransitionError{Record: "challenge", Action: "set up the phase 2 competition for", From: string(ChallengePhase1Contracts),
			Kind: ErrEvidenceMissing, Reason: "the stage gate has still to decide " + strings.Join(undecided, "; ")}
	}
	if continued == 0 {
		return refuse("challenge", "set up the phase 2 competition for", string(ChallengePhase1Contracts),
			"the stage gate continued no supplier, and only those it continues may bid in phase 2")
	}
	return nil
}

// CheckComplete says whether a challenge's outcome may be recorded: after phase 2, once the
// final gate has decided every phase 2 contract (undecided names each one still waiting).
func CheckComplete(stage ChallengeStage, undecided []string) error {
	if _, err := stage.Complete(); err != nil {
		return err
	}
	if len(undecided) > 0 {
		return &TransitionError{Record: "challenge", Action: "complete", From: string(stage), Kind: ErrEvidenceMissing,
			Reason: "the final gate has still to decide " + strings.Join(undecided, "; ")}
	}
	return nil
}

// CheckShowAndTellHeld says whether a show-and-tell scheduled for scheduledAt may be recorded
// as held at heldAt: only once that time has come. One brought forward is recorded with the time
// it was really held.
func CheckShowAndTellHeld(scheduledAt, heldAt, now time.Time) error {
	switch {
	case heldAt.After(now):
		return Problems{{Field: "held_at", Message: fmt.Sprintf(
			"A show-and-tell can be recorded only once it has been held: this one is scheduled for %s. If it was held earlier, enter when", FormatTime(scheduledAt))}}
	}
	return nil
}

// CheckChallengeGate says whether the challenge-level gate may be decided: while phase 1
// contracts run, and once. A no-go may be sent again with the same decision, since it stops each
// contract in turn and a retry finishes what a failure part way left.
func CheckChallengeGate(stage ChallengeStage, decided *ChallengeGo, decision ChallengeGo) error {
	if decided != nil && (*decided != GateNoGo || decision != GateNoGo) {
		return refuse("challenge", "decide the gate for", string(stage), "the challenge-level gate has decided already: "+strings.ToLower(decided.Label()))
	}
	if stage != ChallengePhase1Contracts {
		return refuse("challenge", "decide the gate for", string(stage), "the challenge-level gate comes while phase 1 contracts run; the challenge is "+stage.Label())
	}
	return nil
}
