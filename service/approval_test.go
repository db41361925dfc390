package service

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/auditevent"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// TestAFundingDecisionIsProposedThenApprovedByAnother: the programme proposes a decision from
// the panel sheet, with what it funds and its total; nobody approves their own proposal; an
// approval within a limit below the total is recorded and waits for a second; nobody approves
// twice; a refusal needs a reason and sends it back, and the programme may propose again. At
// each step the model and the command agree.
func TestAFundingDecisionIsProposedThenApprovedByAnother(t *testing.T) {
	p := newPeople(t)
	fx := testdb.Fixture()
	comp := openCompetition(t, p)
	scheme := domain.DefaultScheme()
	scheme.MinAssessors = 1
	p.db.Competition.UpdateOne(comp).SetStatus(domain.CompetitionAssessment).SetScheme(scheme).ExecX(fx)
	b := testdb.Written(p.db.Bid.Create().SetCompetitionID(comp.ID).SetOrganisationID(p.acme.ID), scheme, domain.Pounds(40_000)).
		SetStatus(domain.BidSubmitted).SaveX(fx)
	assessor := p.db.Person.Create().SetName("amara").SetEmail("amara@panel.example").SetRoles([]string{"assessor"}).SetOrganisationID(p.council.ID).SaveX(fx)
	scores := map[string]domain.CriterionScore{}
	for _, q := range scheme.Criteria {
		scores[q.Key] = domain.CriterionScore{Score: 8, Comment: "Good"}
	}
	p.db.Assessment.Create().SetBidID(b.ID).SetAssessorID(assessor.ID).SetScores(scores).SetInScope(true).SetFund(true).SetPercent(80).ExecX(fx)
	approver := func(name string, role authz.Role, limit domain.Money, more ...authz.Role) authz.Viewer {
		roles := append([]authz.Role{role}, more...)
		var names []string
		for _, r := range roles {
			names = append(names, string(r))
		}
		x := p.db.Person.Create().SetName(name).SetEmail(name + "@example.org").SetRoles(names).SetDelegatedLimit(limit).SetOrganisationID(p.council.ID).SaveX(fx)
		return authz.Viewer{PersonID: x.ID, Email: x.Email, Roles: roles}
	}
	grace := approver("grace", authz.PanelChair, domain.Pounds(20_000))
	omar := approver("omar", authz.BudgetHolder, domain.Pounds(20_000))
	// The proposer is also a panel chair, with a limit that would cover it.
	p.db.Person.UpdateOneID(p.officer.PersonID).SetRoles([]string{"programme_officer", "panel_chair"}).SetDelegatedLimit(domain.Pounds(1_000_000)).ExecX(fx)
	priya := p.officer
	priya.Roles = []authz.Role{authz.ProgrammeOfficer, authz.PanelChair}

	actions := func(v authz.Viewer) Actions {
		t.Helper()
		c := p.db.Competition.GetX(fx, comp.ID)
		as, err := p.svc.CompetitionActions(as(v), c)
		if err != nil {
			t.Fatal(err)
		}
		return as
	}
	approve := func(v authz.Viewer, yes bool, why string) error {
		return p.svc.ApproveDecision(as(v), Approval{CompetitionID: comp.ID, Approve: yes, Reason: why})
	}
	acts := actions(grace)
	agree(t, "approving before any proposal", acts, "approve-decision", approve(grace, true, ""))

	acts = actions(priya)
	proposal, err := p.svc.ProposeDecision(as(priya), Decision{CompetitionID: comp.ID})
	agree(t, "proposing", acts, "decide", err)
	if err != nil {
		t.Fatal(err)
	}
	if proposal.Total != b.Amount || len(proposal.Funded) != 1 || proposal.Funded[0] != b.ID || proposal.ProposedBy != priya.Email {
		t.Fatalf("the proposal: %+v", proposal)
	}
	acts = actions(priya)
	_, err = p.svc.ProposeDecision(as(priya), Decision{CompetitionID: comp.ID})
	agree(t, "proposing twice", acts, "decide", err)
	agree(t, "approving one's own proposal", acts, "approve-decision", approve(priya, true, ""))
	if a := acts.Get("approve-decision"); !strings.Contains(a.Reason, "you proposed this decision") {
		t.Errorf("one's own proposal: %q", a.Reason)
	}

	acts = actions(grace)
	agree(t, "approving within a lower limit", acts, "approve-decision", approve(grace, true, "Good value."))
	c := p.db.Competition.GetX(fx, comp.ID)
	if c.Status != domain.CompetitionAssessment || c.FundingProposal == nil || c.FundingProposal.Approved() ||
		!strings.Contains(c.FundingProposal.Waiting(), "waiting for a second approval") {
		t.Fatalf("one approval below the total: %s %+v", c.Status, c.FundingProposal)
	}
	acts = actions(grace)
	agree(t, "approving twice", acts, "approve-decision", approve(grace, true, ""))

	var ps domain.Problems
	if err := approve(omar, false, " "); !errors.As(err, &ps) || ps.For("reason") == "" {
		t.Errorf("a refusal without a reason: %v", err)
	}
	acts = actions(omar)
	agree(t, "refusing with a reason", acts, "refuse-decision", approve(omar, false, "The second bid deserves a look."))
	if c := p.db.Competition.GetX(fx, comp.ID); c.FundingProposal != nil || c.Status != domain.CompetitionAssessment {
		t.Errorf("after the refusal: %s %+v", c.Status, c.FundingProposal)
	}
	for _, action := range []string{"competition.decision_proposed", "competition.decision_approved", "competition.decision_refused"} {
		if n := p.db.AuditEvent.Query().Where(auditevent.Action(action)).CountX(fx); n != 1 {
			t.Errorf("%d %s events, want 1", n, action)
		}
	}
	ev := p.db.AuditEvent.Query().Where(auditevent.Action("competition.decision_refused")).OnlyX(fx)
	if ev.Actor != omar.Email || !strings.Contains(ev.Reason, "second bid") {
		t.Errorf("the refusal's record: %s %q", ev.Actor, ev.Reason)
	}
	acts = actions(priya)
	_, err = p.svc.ProposeDecision(as(priya), Decision{CompetitionID: comp.ID})
	agree(t, "proposing again after a refusal", acts, "decide", err)
	var r *Refusal
	if err := approve(p.supplier, true, ""); !errors.As(err, &r) || r.Kind != Forbidden {
		t.Errorf("a supplier approving: %v", err)
	}
}

// TestDelegatedLimitsAreSetByTheProgrammeAndAudited: an administrator gives a panel chair a
// limit, recorded in the audit trail; a limit for someone who approves nothing, or below £0, is
// refused by name, and nothing is written.
func TestDelegatedLimitsAreSetByTheProgrammeAndAudited(t *testing.T) {
	p := newPeople(t)
	fx := testdb.Fixture()
	admin := as(p.admin)
	chair, err := p.svc.AddPerson(admin, PersonInput{Name: "Grace Hall", Email: "grace@example.org", Roles: []string{"panel_chair"},
		DelegatedLimit: domain.Pounds(250_000)})
	if err != nil {
		t.Fatal(err)
	}
	if chair.DelegatedLimit != domain.Pounds(250_000) {
		t.Errorf("the chair's limit: %s", chair.DelegatedLimit)
	}
	changed, err := p.svc.ChangePerson(admin, chair.ID, PersonInput{Roles: []string{"panel_chair"}, DelegatedLimit: domain.Pounds(500_000)})
	if err != nil || changed.DelegatedLimit != domain.Pounds(500_000) {
		t.Fatalf("raising the limit: %v %+v", err, changed)
	}
	ev := p.db.AuditEvent.Query().Where(auditevent.Action("person.changed"), auditevent.RecordID(chair.ID)).OnlyX(fx)
	if !strings.Contains(string(ev.After), "50000000") || !strings.Contains(string(ev.Before), "25000000") {
		t.Errorf("the change's record: %s → %s", ev.Before, ev.After)
	}
	for name, in := range map[string]PersonInput{
		"a limit for a finance officer": {Name: "Sam", Email: "sam@example.org", Roles: []string{"finance"}, DelegatedLimit: domain.Pounds(1)},
		"a limit below £0":              {Name: "Omar", Email: "omar@example.org", Roles: []string{"budget_holder"}, DelegatedLimit: -1},
	} {
		var ps domain.Problems
		if _, err := p.svc.AddPerson(admin, in); !errors.As(err, &ps) || ps.For("delegated_limit_pence") == "" {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := p.db.Person.Query().Where().CountX(fx); n != 7 {
		t.Errorf("%d people, want the six and the chair", n)
	}
}

// TestARetriedProposalOrApprovalIsAnsweredAsTheFirst: a proposal or an approval whose answer
// was lost (a crash after it committed) and that is sent again with the same Idempotency-Key
// is answered as the first was, not refused by the state the first left; the same person's new
// request is still refused.
func TestARetriedProposalOrApprovalIsAnsweredAsTheFirst(t *testing.T) {
	p := newPeople(t)
	fx := testdb.Fixture()
	comp := openCompetition(t, p)
	scheme := domain.DefaultScheme()
	scheme.MinAssessors = 1
	p.db.Competition.UpdateOne(comp).SetStatus(domain.CompetitionAssessment).SetScheme(scheme).ExecX(fx)
	b := testdb.Written(p.db.Bid.Create().SetCompetitionID(comp.ID).SetOrganisationID(p.acme.ID), scheme, domain.Pounds(40_000)).
		SetStatus(domain.BidSubmitted).SaveX(fx)
	scores := map[string]domain.CriterionScore{}
	for _, q := range scheme.Criteria {
		scores[q.Key] = domain.CriterionScore{Score: 8, Comment: "Good"}
	}
	p.db.Assessment.Create().SetBidID(b.ID).SetAssessorID(p.ownerID).SetScores(scores).SetInScope(true).SetFund(true).SetPercent(80).ExecX(fx)
	x := p.db.Person.Create().SetName("omar").SetEmail("omar@example.org").SetRoles([]string{"budget_holder"}).
		SetDelegatedLimit(domain.Pounds(1)).SetOrganisationID(p.council.ID).SaveX(fx)
	omar := authz.Viewer{PersonID: x.ID, Email: x.Email, Roles: []authz.Role{authz.BudgetHolder}}
	keyed := func(v authz.Viewer, key string) context.Context { return workflows.WithCommandKey(as(v), key) }

	first, err := p.svc.ProposeDecision(keyed(p.officer, "propose-1"), Decision{CompetitionID: comp.ID})
	if err != nil {
		t.Fatal(err)
	}
	again, err := p.svc.ProposeDecision(keyed(p.officer, "propose-1"), Decision{CompetitionID: comp.ID})
	if err != nil || !again.ProposedAt.Equal(first.ProposedAt) {
		t.Errorf("the proposal retried: %v %+v", err, again)
	}
	if _, err := p.svc.ProposeDecision(keyed(p.officer, "propose-2"), Decision{CompetitionID: comp.ID}); err == nil {
		t.Error("a new proposal while one waits was taken")
	}
	approve := func(key string) error {
		return p.svc.ApproveDecision(keyed(omar, key), Approval{CompetitionID: comp.ID, Approve: true, Reason: "Fine."})
	}
	if err := approve("approve-1"); err != nil {
		t.Fatal(err)
	}
	if err := approve("approve-1"); err != nil {
		t.Errorf("the approval retried: %v", err)
	}
	if err := approve("approve-2"); err == nil || !strings.Contains(err.Error(), "you approved it already") {
		t.Errorf("a second approval by the same person: %v", err)
	}
	if got := p.db.Competition.GetX(fx, comp.ID).FundingProposal; len(got.Approvals) != 1 {
		t.Errorf("approvals recorded: %+v", got.Approvals)
	}
}
