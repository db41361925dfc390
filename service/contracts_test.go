package service

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/milestone"
	"github.com/catalyst-sbri/catalyst/ent/notice"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// offered is a £40,000 phase 1 contract offered to Acme with two milestones of £20,000.
func offered(t *testing.T, p *people) (*ent.Contract, []*ent.Milestone) {
	t.Helper()
	ctx := testdb.Fixture()
	comp := openCompetition(t, p)
	b := p.db.Bid.Create().SetCompetitionID(comp.ID).SetOrganisationID(p.acme.ID).SetTitle("Sensors").
		SetStatus(domain.BidFunded).SetAmount(domain.Pounds(40_000)).SaveX(ctx)
	k := p.db.Contract.Create().SetBidID(b.ID).SetCompetitionID(comp.ID).SetOrganisationID(p.acme.ID).SetPhase(1).
		SetValue(domain.Pounds(40_000)).SetAwardedValue(domain.Pounds(40_000)).SetStatus(domain.ContractOffered).SaveX(ctx)
	p.db.Competition.UpdateOne(comp).SetFeedbackReleasedAt(time.Now()).ExecX(ctx)
	var ms []*ent.Milestone
	for i, d := range []string{"Discovery", "The trial"} {
		ms = append(ms, p.db.Milestone.Create().SetContractID(k.ID).SetNumber(i+1).SetDeliverable(d).SetMonth(i*2+1).
			SetAmount(domain.Pounds(20_000)).SaveX(ctx))
	}
	return k, ms
}

func wantRefused(t *testing.T, what string, err error, words string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), words) {
		t.Errorf("%s: %v, want a refusal saying %q", what, err, words)
	}
}

func TestAContractIsAcceptedDeliveredAndPaid(t *testing.T) {
	p := newPeople(t)
	k, ms := offered(t, p)
	admin, owner, supplier := as(p.officer), as(p.owner), as(p.supplier)

	// Before signing the programme may change the milestones, but never beyond the value.
	_, err := p.svc.AdjustContract(supplier, ContractTerms{ContractID: k.ID, TermWeeks: 12})
	var r *Refusal
	if !errors.As(err, &r) || r.Kind != Forbidden {
		t.Errorf("the supplier adjusting its own terms: %v, want forbidden", err)
	}
	over := []domain.Milestone{{Deliverable: "Discovery", Month: 1, Amount: domain.Pounds(25_000)}, {Deliverable: "The trial", Month: 3, Amount: domain.Pounds(20_000)}}
	_, err = p.svc.AdjustContract(admin, ContractTerms{ContractID: k.ID, TermWeeks: 12, Milestones: over})
	wantProblems(t, err, "milestones")
	wantRefused(t, "milestones over the value", err, "£5,000.00 more than the contract's value of £40,000.00")
	three := []domain.Milestone{{Deliverable: "Discovery", Month: 1, Amount: domain.Pounds(10_000)},
		{Deliverable: "A trial", Month: 2, Amount: domain.Pounds(15_000)}, {Deliverable: "The report", Month: 3, Amount: domain.Pounds(15_000)}}
	v, err := p.svc.AdjustContract(admin, ContractTerms{ContractID: k.ID, TermWeeks: 10, Milestones: three})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Milestones) != 3 || v.Planned() != domain.Pounds(40_000) || v.Contract.TermWeeks != 10 {
		t.Fatalf("adjusted: %d milestones worth %s over %d weeks", len(v.Milestones), v.Planned(), v.Contract.TermWeeks)
	}
	ms = v.Milestones

	// Nothing is delivered before the supplier accepts; accepting starts it today.
	_, err = p.svc.SubmitDeliverable(supplier, Deliverable{MilestoneID: ms[0].ID, Note: "Early"})
	wantRefused(t, "a deliverable before acceptance", err, "has not accepted the contract yet")
	if _, err := p.svc.AcceptContract(admin, k.ID); !errors.As(err, &r) || r.Kind != Forbidden {
		t.Errorf("the programme accepting for the supplier: %v, want forbidden", err)
	}
	v, err = p.svc.AcceptContract(supplier, k.ID)
	if err != nil {
		t.Fatal(err)
	}
	start := domain.StartOfDay(time.Now())
	if v.Contract.Status != domain.ContractActive || !v.Contract.StartsOn.Equal(start) || !v.Contract.EndsOn.Equal(start.AddDate(0, 0, 69)) {
		t.Errorf("accepted: %s from %v to %v", v.Contract.Status, v.Contract.StartsOn, v.Contract.EndsOn)
	}
	if due := v.Due(ms[0]); due == nil || !due.Equal(start.AddDate(0, 1, -1)) {
		t.Errorf("milestone 1 due %v, want the end of the contract's first month", due)
	}
	_, err = p.svc.AdjustContract(admin, ContractTerms{ContractID: k.ID, TermWeeks: 12, Milestones: three})
	wantRefused(t, "terms changed after signing", err, "its terms and milestones are fixed")
	_, err = p.svc.AcceptContract(supplier, k.ID)
	wantRefused(t, "accepted twice", err, "accepted already")

	// The supplier delivers; the owner asks for changes with a reason, then accepts.
	_, err = p.svc.SubmitDeliverable(supplier, Deliverable{MilestoneID: ms[0].ID, Note: " "})
	wantProblems(t, err, "note")
	if _, err := p.svc.SubmitDeliverable(supplier, Deliverable{MilestoneID: ms[0].ID, Note: "The discovery report"}); err != nil {
		t.Fatal(err)
	}
	told := p.db.Notice.Query().Where(notice.RecipientID(p.ownerID), notice.Template(string(domain.NoticeDeliverableSubmitted))).CountX(testdb.Fixture())
	if told != 1 {
		t.Errorf("the owner was told of the deliverable %d times, want once", told)
	}
	if _, err := p.svc.ReviewDeliverable(as(p.other), Review{MilestoneID: ms[0].ID, Decision: ReviewAccept}); err == nil {
		t.Error("another challenge's owner accepted the deliverable")
	}
	_, err = p.svc.ReviewDeliverable(owner, Review{MilestoneID: ms[0].ID, Decision: ReviewChanges})
	wantProblems(t, err, "reason")
	if _, err := p.svc.ReviewDeliverable(owner, Review{MilestoneID: ms[0].ID, Decision: ReviewChanges, Reason: "Add the user research"}); err != nil {
		t.Fatal(err)
	}
	_, err = p.svc.RecordPayment(as(p.finance), ms[0].ID)
	wantRefused(t, "paying what is not accepted", err, "only an accepted milestone is paid")
	if _, err := p.svc.SubmitDeliverable(supplier, Deliverable{MilestoneID: ms[0].ID, Note: "With the user research"}); err != nil {
		t.Fatal(err)
	}
	m, err := p.svc.ReviewDeliverable(owner, Review{MilestoneID: ms[0].ID, Decision: ReviewAccept})
	if err != nil {
		t.Fatal(err)
	}
	if m.PaymentDue == nil || !m.PaymentDue.Equal(start.AddDate(0, 0, 30)) {
		t.Errorf("payment due %v, want 30 days after acceptance", m.PaymentDue)
	}
	v, _ = p.svc.ContractView(admin, k.ID)
	if v.Spent != domain.Pounds(10_000) || v.Paid != 0 || v.OverduePayments() != 0 {
		t.Errorf("after acceptance: spent %s, paid %s, %d overdue", v.Spent, v.Paid, v.OverduePayments())
	}
	v.Now = time.Now().AddDate(0, 0, 31)
	if v.OverduePayments() != 1 {
		t.Error("a payment 31 days after acceptance is not flagged overdue")
	}

	// Only finance records the payment, once: not the owner, not the programme team.
	for _, who := range []authz.Viewer{p.owner, p.officer} {
		if _, err := p.svc.RecordPayment(as(who), ms[0].ID); !errors.As(err, &r) || r.Kind != Forbidden {
			t.Errorf("%s recording a payment: %v, want forbidden", who.Email, err)
		}
	}
	if _, err := p.svc.RecordPayment(as(p.finance), ms[0].ID); err != nil {
		t.Fatal(err)
	}
	_, err = p.svc.RecordPayment(as(p.finance), ms[0].ID)
	wantRefused(t, "paid twice", err, "this one is paid")
	v, _ = p.svc.ContractView(supplier, k.ID)
	if v.Spent != domain.Pounds(10_000) || v.Paid != domain.Pounds(10_000) {
		t.Errorf("after payment: spent %s, paid %s", v.Spent, v.Paid)
	}
	paid := p.db.Notice.Query().Where(notice.RecipientID(p.supplierID), notice.Template(string(domain.NoticePaymentMade))).CountX(testdb.Fixture())
	if paid != 1 {
		t.Errorf("the supplier was told of the payment %d times, want once", paid)
	}
}

// A stop at the gate closes the contract at its spend so far: the milestone accepted stays
// payable, the others are cancelled, and nothing more can be delivered or accepted.
func TestAStopClosesTheContractAtItsSpendSoFar(t *testing.T) {
	p := newPeople(t)
	k, ms := offered(t, p)
	owner, supplier := as(p.owner), as(p.supplier)
	if _, err := p.svc.AcceptContract(supplier, k.ID); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if _, err := p.svc.SubmitDeliverable(supplier, Deliverable{MilestoneID: m.ID, Note: "Done"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.svc.ReviewDeliverable(owner, Review{MilestoneID: ms[0].ID, Decision: ReviewAccept}); err != nil {
		t.Fatal(err)
	}
	acts := &activities.Activities{DB: p.db}
	ctx := testdb.Fixture()
	if err := acts.RecordReport(ctx, activities.RecordReportInput{ContractID: k.ID, Summary: "It did not work", Actor: authz.Actor{Who: "person:2"}}); err != nil {
		t.Fatal(err)
	}
	if err := acts.RecordGateDecision(ctx, activities.RecordGateDecisionInput{ContractID: k.ID, Outcome: domain.GateStop, Rationale: "Not feasible", Actor: authz.Actor{Who: "person:1"}}); err != nil {
		t.Fatal(err)
	}
	v, err := p.svc.ContractView(supplier, k.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Contract.Value != domain.Pounds(20_000) || v.Awarded() != domain.Pounds(40_000) || v.Spent != domain.Pounds(20_000) {
		t.Errorf("stopped: worth %s of %s awarded, spent %s; want £20,000.00 of £40,000.00", v.Contract.Value, v.Awarded(), v.Spent)
	}
	if got := p.db.Milestone.Query().Where(milestone.StatusEQ(domain.MilestoneCancelled)).CountX(ctx); got != 1 {
		t.Errorf("%d milestones cancelled, want the one not accepted", got)
	}
	_, err = p.svc.ReviewDeliverable(owner, Review{MilestoneID: ms[1].ID, Decision: ReviewAccept})
	wantRefused(t, "accepting after the stop", err, "no further milestone is payable")
	_, err = p.svc.SubmitDeliverable(supplier, Deliverable{MilestoneID: ms[1].ID, Note: "Again"})
	wantRefused(t, "delivering after the stop", err, "no further milestone is payable")
	// The work accepted before the stop is still paid.
	if _, err := p.svc.RecordPayment(as(p.finance), ms[0].ID); err != nil {
		t.Errorf("paying the milestone accepted before the stop: %v", err)
	}
}
