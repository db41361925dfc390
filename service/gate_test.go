package service

import (
	"errors"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/notice"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// The gate's evidence gathers step by step: the challenge's go (every criterion met, with a
// rationale), the show-and-tell scheduled and held, then the owner's recommendation; each step
// refuses what comes too soon, and the evidence names what is still missing.
func TestTheGateGathersItsEvidence(t *testing.T) {
	p := newPeople(t)
	k, _ := offered(t, p)
	admin, owner, supplier := as(p.officer), as(p.owner), as(p.supplier)
	ctx := testdb.Fixture()
	if _, err := p.svc.AcceptContract(supplier, k.ID); err != nil {
		t.Fatal(err)
	}
	ch := k.QueryCompetition().QueryChallenge().OnlyX(ctx)
	p.db.Challenge.UpdateOne(ch).SetStage(domain.ChallengePhase1Contracts).ExecX(ctx)
	v, _ := p.svc.ContractView(admin, k.ID)
	if got := len(v.Evidence.Missing()); got != 4 {
		t.Errorf("a new contract misses %d pieces of evidence, want 4: %v", got, v.Evidence.Missing())
	}

	// The challenge-level go needs every criterion and a rationale; a no-go its lesson.
	_, err := p.svc.DecideChallengeGate(owner, ChallengeGate{ChallengeID: ch.ID, Decision: "go"})
	var r *Refusal
	if !errors.As(err, &r) || r.Kind != Forbidden {
		t.Errorf("the owner deciding the gate alone: %v, want forbidden", err)
	}
	_, err = p.svc.DecideChallengeGate(admin, ChallengeGate{ChallengeID: ch.ID, Decision: "go", Criteria: []string{"success", "budget"}, Rationale: "Promising"})
	wantRefused(t, "a go without the standards", err, "not met: the work meets the Service Standard")
	_, err = p.svc.DecideChallengeGate(admin, ChallengeGate{ChallengeID: ch.ID, Decision: "no_go", Rationale: "No data"})
	wantProblems(t, err, "what_worked", "what_failed", "why")
	if _, err := p.svc.DecideChallengeGate(admin, ChallengeGate{ChallengeID: ch.ID, Decision: "go", Criteria: []string{"success", "budget", "standards"}, Rationale: "Promising"}); err != nil {
		t.Fatal(err)
	}
	_, err = p.svc.DecideChallengeGate(admin, ChallengeGate{ChallengeID: ch.ID, Decision: "no_go", Rationale: "On reflection", Lesson: domain.Lesson{WhatWorked: "a", WhatFailed: "b", Why: "c"}})
	wantRefused(t, "a second decision", err, "decided already")

	// The show-and-tell: in the future, then held; the owner recommends only after it.
	_, err = p.svc.ScheduleShowAndTell(admin, ShowAndTellSlot{ContractID: k.ID, At: time.Now().Add(-time.Hour), Place: "Room 1", PresentationMinutes: 30, QuestionsMinutes: 45})
	wantRefused(t, "a show-and-tell in the past", err, "The show-and-tell must be in the future")
	if _, err := p.svc.ScheduleShowAndTell(admin, ShowAndTellSlot{ContractID: k.ID, At: time.Now().Add(24 * time.Hour), Place: "Room 1",
		PresentationMinutes: domain.PresentationMinutes, QuestionsMinutes: domain.QuestionsMinutes, Attendees: "Olu, the programme team"}); err != nil {
		t.Fatal(err)
	}
	if n := p.db.Notice.Query().Where(notice.RecipientID(p.supplierID), notice.Template(string(domain.NoticeShowAndTellScheduled))).CountX(ctx); n != 1 {
		t.Errorf("the supplier was told of its show-and-tell %d times, want once", n)
	}
	_, err = p.svc.RecommendAtGate(owner, Recommendation{ContractID: k.ID, Outcome: "continue", Reason: "Strong"})
	wantRefused(t, "a recommendation before the show-and-tell", err, "has not been held")
	_, err = p.svc.RecordShowAndTell(admin, ShowAndTellRecord{ContractID: k.ID})
	wantProblems(t, err, "attended", "notes")
	// Not before its time: scheduled for tomorrow, it cannot be recorded as held now, nor as held
	// at a time still to come; brought forward, it is recorded with when it was really held.
	_, err = p.svc.RecordShowAndTell(admin, ShowAndTellRecord{ContractID: k.ID, Attended: "Olu, Priya", Notes: "A working demo"})
	wantProblems(t, err, "held_at")
	_, err = p.svc.RecordShowAndTell(admin, ShowAndTellRecord{ContractID: k.ID, HeldAt: time.Now().Add(time.Hour), Attended: "Olu, Priya", Notes: "A working demo"})
	wantProblems(t, err, "held_at")
	held := time.Now().Add(-time.Hour).Truncate(time.Second)
	st, err := p.svc.RecordShowAndTell(admin, ShowAndTellRecord{ContractID: k.ID, HeldAt: held, Attended: "Olu, Priya", Notes: "A working demo"})
	if err != nil {
		t.Fatal(err)
	}
	if st.HeldAt == nil || !st.HeldAt.Equal(held) {
		t.Errorf("the show-and-tell is recorded as held at %v, want %v", st.HeldAt, held)
	}
	_, err = p.svc.RecommendAtGate(owner, Recommendation{ContractID: k.ID, Outcome: "complete", Reason: "Strong"})
	wantProblems(t, err, "recommendation")
	// The recommendation is the owner's own: the programme officer cannot enter it for them.
	_, err = p.svc.RecommendAtGate(admin, Recommendation{ContractID: k.ID, Outcome: "continue", Reason: "Strong"})
	wantRefused(t, "the programme recommending for the owner", err, "only the challenge's owner, or a delegate they named, can do this")
	if _, err := p.svc.RecommendAtGate(owner, Recommendation{ContractID: k.ID, Outcome: "continue", Reason: "Strong"}); err != nil {
		t.Fatal(err)
	}
	v, _ = p.svc.ContractView(admin, k.ID)
	if m := v.Evidence.Missing(); len(m) != 1 || m[0] != "the end-of-phase report" {
		t.Errorf("evidence still missing: %v, want only the report", m)
	}
	err = p.svc.RecordGateDecision(admin, RecordGateDecision{ContractID: k.ID, Outcome: "continue", Rationale: "Good"})
	wantRefused(t, "the gate before the report", err, "the gate needs the end-of-phase report first")
	// A stop needs its lesson before anything else is judged.
	err = p.svc.RecordGateDecision(admin, RecordGateDecision{ContractID: k.ID, Outcome: "stop", Rationale: "Not feasible"})
	wantProblems(t, err, "what_worked", "what_failed", "why")
}
