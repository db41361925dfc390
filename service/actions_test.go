package service

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/milestone"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// agree checks that the action the model lists and the command it names agree: offered when
// the command takes it, and refused by the command with the model's reason.
func agree(t *testing.T, what string, as Actions, name string, err error) {
	t.Helper()
	a, ok := as.Find(name)
	switch {
	case !ok:
		t.Errorf("%s: the model does not list %q at all", what, name)
	case a.Allowed && err != nil:
		t.Errorf("%s: the model allows %q, the command refuses it: %v", what, name, err)
	case !a.Allowed && err == nil:
		t.Errorf("%s: the model refuses %q (%s), the command took it", what, name, a.Reason)
	case !a.Allowed && reason(err) != a.Reason:
		t.Errorf("%s: the model says %q, the command %q", what, a.Reason, reason(err))
	}
}

// TestTheActionsAndTheCommandsAgree walks a challenge from its phase 1 contracts to its outcome.
// At each step, what the model says the programme or a supplier may do is what the command then
// does: refused with the same words, or taken.
func TestTheActionsAndTheCommandsAgree(t *testing.T) {
	p := newPeople(t)
	ctx := testdb.Fixture()
	k, _ := offered(t, p)
	admin := as(p.officer)
	comp1 := k.QueryCompetition().OnlyX(ctx)
	ch := comp1.QueryChallenge().OnlyX(ctx)
	ch = p.db.Challenge.UpdateOne(ch).SetStage(domain.ChallengePhase1Contracts).SaveX(ctx)
	p.db.Contract.UpdateOneID(k.ID).SetStatus(domain.ContractActive).ExecX(ctx)

	// Phase 2 is not set up while the gate has a phase 1 contract to decide.
	actions, err := p.svc.ChallengeActions(admin, ch)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.svc.StartCompetitionSetup(admin, ch.ID)
	agree(t, "an undecided phase 1 contract", actions, "setup", err)
	wantRefused(t, "setting up phase 2 early", err, "the stage gate has still to decide Acme's phase 1 contract (active")

	// Nor when the gate stopped everyone.
	p.db.Contract.UpdateOneID(k.ID).SetStatus(domain.ContractStopped).ExecX(ctx)
	actions, _ = p.svc.ChallengeActions(admin, ch)
	_, err = p.svc.StartCompetitionSetup(admin, ch.ID)
	agree(t, "every supplier stopped", actions, "setup", err)

	// Once it continued Acme, phase 2 is set up.
	p.db.Contract.UpdateOneID(k.ID).SetStatus(domain.ContractContinued).ExecX(ctx)
	actions, _ = p.svc.ChallengeActions(admin, ch)
	comp2, err := p.svc.StartCompetitionSetup(admin, ch.ID)
	agree(t, "Acme continued", actions, "setup", err)

	// In phase 2, Acme may start a bid; a supplier the gate never continued may not.
	comp2 = p.db.Competition.UpdateOne(comp2).SetStatus(domain.CompetitionOpen).SetOpenedAt(time.Now()).SetClosesAt(time.Now().Add(time.Hour)).
		SetPot(domain.Pounds(500_000)).SetMaxContract(domain.Pounds(500_000)).SetEligibleOrganisations([]int{p.acme.ID}).SaveX(ctx)
	binsight := p.db.Organisation.Create().SetName("Binsight").SaveX(ctx)
	dev := p.db.Person.Create().SetName("dev").SetEmail("dev@binsight.example").SetRoles([]string{string(authz.Supplier)}).SetOrganisationID(binsight.ID).SaveX(ctx)
	stranger := as(authz.Viewer{PersonID: dev.ID, Email: dev.Email, Roles: []authz.Role{authz.Supplier}, OrganisationID: binsight.ID})
	actions, err = p.svc.CompetitionActions(stranger, comp2)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.svc.StartBid(stranger, comp2.ID)
	agree(t, "a supplier the gate never continued", actions, "start-bid", err)
	wantRefused(t, "a stranger's phase 2 bid", err, "phase 2 is open only to the phase 1 suppliers the stage gate continued")
	actions, _ = p.svc.CompetitionActions(as(p.supplier), comp2)
	_, err = p.svc.StartBid(as(p.supplier), comp2.ID)
	agree(t, "the continued supplier", actions, "start-bid", err)

	// The programme amends the questions only with a week left to the deadline: the page says
	// so rather than offering a form the command would refuse.
	comp2 = p.db.Competition.UpdateOne(comp2).SetScheme(domain.DefaultScheme()).SaveX(ctx)
	changed := append([]domain.Question(nil), comp2.Scheme.Criteria...)
	for i := range changed {
		changed[i].Text, changed[i].WordLimit = "Say how your idea meets the challenge, and who benefits.", 500
	}
	actions, _ = p.svc.CompetitionActions(admin, comp2)
	_, err = p.svc.AmendCompetition(admin, AmendCompetition{ID: comp2.ID, Questions: changed, Reason: "Clearer"})
	amend, _ := actions.Find("amend")
	const tooLate = "an amendment leaves bidders at least 7 days before the deadline"
	if amend.Allowed || err == nil || !strings.HasPrefix(amend.Reason, tooLate) || !strings.HasPrefix(reason(err), tooLate) {
		t.Errorf("amending an hour before the deadline: the model %+v, the command %v", amend, err)
	}
	comp2 = p.db.Competition.UpdateOne(comp2).SetClosesAt(time.Now().Add(8 * 24 * time.Hour)).SaveX(ctx)
	actions, _ = p.svc.CompetitionActions(admin, comp2)
	_, err = p.svc.AmendCompetition(admin, AmendCompetition{ID: comp2.ID, Questions: changed, Reason: "Clearer"})
	agree(t, "amending with eight days left", actions, "amend", err)

	// The outcome waits for the final gate's decision on every phase 2 contract.
	ch = p.db.Challenge.UpdateOne(ch).SetStage(domain.ChallengePhase2Contracts).SaveX(ctx)
	b2 := p.db.Bid.Create().SetCompetitionID(comp2.ID).SetOrganisationID(binsight.ID).SetTitle("Phase 2").SetStatus(domain.BidFunded).
		SetAmount(domain.Pounds(400_000)).SaveX(ctx)
	p.db.Contract.Create().SetBidID(b2.ID).SetCompetitionID(comp2.ID).SetOrganisationID(binsight.ID).SetPhase(2).
		SetValue(domain.Pounds(400_000)).SetAwardedValue(domain.Pounds(400_000)).SetStatus(domain.ContractReported).ExecX(ctx)
	actions, _ = p.svc.ChallengeActions(admin, ch)
	err = p.svc.CompleteChallenge(admin, CompleteChallenge{ID: ch.ID, Outcome: "adopted", Lesson: domain.Lesson{WhatWorked: "a", WhatFailed: "b", Why: "c"}})
	agree(t, "an undecided phase 2 contract", actions, "complete", err)
	wantRefused(t, "the outcome too soon", err, "the final gate has still to decide Binsight's phase 2 contract")
}

// TestAContractsActionsAndItsCommandsAgree: on an offered contract and then a running one, what
// the model offers the supplier, the programme and the challenge owner is what each command does.
func TestAContractsActionsAndItsCommandsAgree(t *testing.T) {
	p := newPeople(t)
	k, _ := offered(t, p)
	supplier, admin, owner := as(p.supplier), as(p.officer), as(p.owner)
	actionsFor := func(ctx context.Context) Actions {
		t.Helper()
		v, err := p.svc.ContractView(ctx, k.ID)
		if err != nil {
			t.Fatal(err)
		}
		return p.svc.ContractActions(ctx, v)
	}
	report := domain.PhaseReport{}
	for _, s := range domain.ReportSections {
		report[s.Key] = "Written."
	}

	// Offered: the supplier accepts it before it reports.
	acts := actionsFor(supplier)
	agree(t, "an offered contract's report", acts, "report", p.svc.SubmitReport(supplier, k.ID, report))
	_, err := p.svc.AcceptContract(supplier, k.ID)
	agree(t, "accepting the offer", acts, "accept", err)

	// Running: the midpoint review waits for the supplier's progress update.
	midpoint := MidpointReview{ContractID: k.ID, RAG: "green", Note: "On track"}
	acts = actionsFor(owner)
	_, err = p.svc.ReviewMidpoint(owner, midpoint)
	agree(t, "the midpoint review before the progress update", acts, "review-midpoint", err)
	acts = actionsFor(supplier)
	_, err = p.svc.SubmitProgress(supplier, k.ID, "Half the sensors are in.")
	agree(t, "the progress update", acts, "progress", err)
	acts = actionsFor(owner)
	_, err = p.svc.ReviewMidpoint(owner, midpoint)
	agree(t, "the midpoint review after it", acts, "review-midpoint", err)

	// A milestone: the supplier submits its deliverable, the owner accepts it, finance pays.
	v, err := p.svc.ContractView(admin, k.ID)
	if err != nil || len(v.Milestones) == 0 {
		t.Fatalf("the contract's milestones: %v", err)
	}
	m := v.Milestones[0]
	milestoneActions := func(ctx context.Context) Actions {
		t.Helper()
		now, err := p.db.Milestone.Get(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		kNow, err := p.db.Contract.Get(ctx, k.ID)
		if err != nil {
			t.Fatal(err)
		}
		return p.svc.MilestoneActions(ctx, kNow, now)
	}
	if acts := milestoneActions(owner); len(acts) != 0 {
		t.Errorf("a planned milestone offers its owner %+v, want nothing until its deliverable is in", acts)
	}
	acts = milestoneActions(supplier)
	_, err = p.svc.SubmitDeliverable(supplier, Deliverable{MilestoneID: m.ID, Note: "Sensors installed."})
	agree(t, "submitting the deliverable", acts, "submit-deliverable", err)
	if acts := milestoneActions(admin); len(acts) != 0 {
		t.Errorf("a submitted deliverable offers the programme %+v: its review is the owner's", acts)
	}
	acts = milestoneActions(owner)
	_, err = p.svc.ReviewDeliverable(owner, Review{MilestoneID: m.ID, Decision: ReviewAccept})
	agree(t, "accepting the deliverable", acts, "review", err)
	finance := as(p.finance)
	acts = milestoneActions(finance)
	_, err = p.svc.RecordPayment(finance, m.ID)
	agree(t, "paying the milestone", acts, "pay", err)
	if acts := milestoneActions(finance); len(acts) != 0 {
		t.Errorf("a paid milestone offers %+v, want nothing", acts)
	}

	// Running, nothing scheduled: no recording, no recommendation, no gate yet.
	acts = actionsFor(admin)
	_, err = p.svc.RecordShowAndTell(admin, ShowAndTellRecord{ContractID: k.ID, Attended: "Olu", Notes: "Shown"})
	agree(t, "recording a show-and-tell never scheduled", acts, "record-show-and-tell", err)
	err = p.svc.RecordGateDecision(admin, RecordGateDecision{ContractID: k.ID, Outcome: "continue", Rationale: "Good"})
	agree(t, "the gate before its evidence", acts, "gate", err)
	wantRefused(t, "the gate before its evidence", err, "the gate needs")
	_, err = p.svc.ScheduleShowAndTell(admin, ShowAndTellSlot{ContractID: k.ID, At: time.Now().Add(time.Hour), Place: "Room 1",
		PresentationMinutes: domain.PresentationMinutes, QuestionsMinutes: domain.QuestionsMinutes})
	agree(t, "scheduling the show-and-tell", acts, "schedule-show-and-tell", err)
	acts = actionsFor(owner)
	_, err = p.svc.RecommendAtGate(owner, Recommendation{ContractID: k.ID, Outcome: "continue", Reason: "Strong"})
	agree(t, "recommending before the show-and-tell is held", acts, "recommend", err)

	// Scheduled: it may be recorded, with when it was held.
	acts = actionsFor(admin)
	_, err = p.svc.RecordShowAndTell(admin, ShowAndTellRecord{ContractID: k.ID, HeldAt: time.Now().Add(-time.Minute), Attended: "Olu", Notes: "Shown"})
	agree(t, "recording the show-and-tell", acts, "record-show-and-tell", err)
	acts = actionsFor(owner)
	_, err = p.svc.RecommendAtGate(owner, Recommendation{ContractID: k.ID, Outcome: "continue", Reason: "Strong"})
	agree(t, "recommending after it", acts, "recommend", err)
}

// TestABidsActionsAndItsCommandsAgree: an incomplete draft is not offered for submission, with
// the submit's own words; after the deadline nothing is offered, for the deadline's reason.
func TestABidsActionsAndItsCommandsAgree(t *testing.T) {
	p := newPeople(t)
	ctx := testdb.Fixture()
	comp := openCompetition(t, p)
	supplier := as(p.supplier)
	b, err := p.svc.CreateBid(supplier, CreateBid{CompetitionID: comp.ID})
	if err != nil {
		t.Fatal(err)
	}
	acts := BidActions(b, comp, time.Now())
	_, err = p.svc.SubmitBid(supplier, b.ID)
	agree(t, "an incomplete draft", acts, "submit", err)

	comp = p.db.Competition.UpdateOne(comp).SetClosesAt(time.Now().Add(-time.Minute)).SaveX(ctx)
	acts = BidActions(b, comp, time.Now())
	_, err = p.svc.SubmitBid(supplier, b.ID)
	agree(t, "a draft after the deadline", acts, "submit", err)
	wantRefused(t, "a draft after the deadline", err, "the deadline was")
}

// An assessor's actions on a bid given to them agree with the commands: while the competition
// is in assessment they may accept, decline and score; once it is decided, none, each refused
// with the model's words; once they have answered, accepting is no longer theirs to do.
func TestAnAssignmentsActionsAndItsCommandsAgree(t *testing.T) {
	x := newAssessing(t)
	ctx := as(x.assessor)
	fx := testdb.Fixture()
	y, err := x.svc.Assessing(ctx, x.assigned.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"accept", "decline", "score"} {
		if !AssignmentActions(y).Allows(name) {
			t.Errorf("in assessment, %q is not allowed: %+v", name, AssignmentActions(y))
		}
	}

	// Decided: nothing more to do with the bid, and each command says why.
	x.db.Competition.UpdateOneID(x.comp.ID).SetStatus(domain.CompetitionDecided).ExecX(fx)
	y, _ = x.svc.Assessing(ctx, x.assigned.ID)
	actions := AssignmentActions(y)
	_, err = x.svc.AcceptAssignment(ctx, x.assigned.ID)
	agree(t, "a decided competition", actions, "accept", err)
	_, err = x.svc.DeclineAssignment(ctx, x.assigned.ID, Decline{Reason: "I advised the supplier last year"})
	agree(t, "a decided competition", actions, "decline", err)
	_, err = x.svc.SaveAssessmentDraft(ctx, x.assigned.ID, domain.DraftAnswers{})
	agree(t, "a decided competition", actions, "score", err)

	// Back in assessment, the assessor accepts; accepting is then done, declining still open.
	x.db.Competition.UpdateOneID(x.comp.ID).SetStatus(domain.CompetitionAssessment).ExecX(fx)
	y, _ = x.svc.Assessing(ctx, x.assigned.ID)
	_, err = x.svc.AcceptAssignment(ctx, x.assigned.ID)
	agree(t, "in assessment", AssignmentActions(y), "accept", err)
	y, _ = x.svc.Assessing(ctx, x.assigned.ID)
	actions = AssignmentActions(y)
	if _, ok := actions.Find("accept"); ok {
		t.Errorf("accepting is still offered once accepted: %+v", actions)
	}
	_, err = x.svc.DeclineAssignment(ctx, x.assigned.ID, Decline{Capacity: true, Reason: "No time this month after all"})
	agree(t, "accepted", actions, "decline", err)
}

// A person's actions agree with the commands: nobody deactivates themselves, a deactivated
// person's roles stay as they were, and only an admin has any actions on people: a programme
// officer runs competitions but changes nobody's roles.
func TestAPersonsActionsAndTheirCommandsAgree(t *testing.T) {
	p := newPeople(t)
	fx := testdb.Fixture()
	admin := as(p.admin)
	me := p.db.Person.GetX(fx, p.admin.PersonID)
	_, err := p.svc.DeactivatePerson(admin, me.ID)
	agree(t, "yourself", PersonActions(admin, me), "deactivate", err)

	other := p.db.Person.GetX(fx, p.owner.PersonID)
	if PersonActions(as(p.owner), other) != nil || PersonActions(as(p.officer), other) != nil {
		t.Error("a challenge owner or a programme officer has actions on people")
	}
	if _, err := p.svc.ChangePerson(as(p.officer), other.ID, PersonInput{Roles: []string{string(authz.Assessor)}, OrganisationID: p.council.ID}); err == nil {
		t.Error("a programme officer changed a person's roles")
	}
	actions := PersonActions(admin, other)
	_, err = p.svc.DeactivatePerson(admin, other.ID)
	agree(t, "another person", actions, "deactivate", err)
	other = p.db.Person.GetX(fx, other.ID)
	actions = PersonActions(admin, other)
	if _, ok := actions.Find("deactivate"); ok {
		t.Errorf("a deactivated person is offered for deactivation again: %+v", actions)
	}
	_, err = p.svc.ChangePerson(admin, other.ID, PersonInput{Roles: []string{string(authz.ChallengeOwner)}, OrganisationID: p.council.ID})
	agree(t, "a deactivated person", actions, "change", err)
}

// TestAScoresActionsAndItsCommandsAgree moderates two assessors' scores of a bid, one of whom
// declared a conflict with it. At each step, what the panel sheet says the programme may do to
// each score (exclude, include, send back) is what the command then does: refused with the
// same words, or taken.
func TestAScoresActionsAndItsCommandsAgree(t *testing.T) {
	p := newPeople(t)
	fx := testdb.Fixture()
	admin := as(p.officer)
	comp := openCompetition(t, p)
	p.db.Competition.UpdateOne(comp).SetStatus(domain.CompetitionAssessment).SetScheme(domain.DefaultScheme()).ExecX(fx)
	b := testdb.Written(p.db.Bid.Create().SetCompetitionID(comp.ID).SetOrganisationID(p.acme.ID), comp.Scheme, domain.Pounds(40_000)).
		SetStatus(domain.BidSubmitted).SaveX(fx)
	ids := map[string]int{}
	for _, name := range []string{"amara", "chen"} {
		a := p.db.Person.Create().SetName(name).SetEmail(name + "@panel.example").SetRoles([]string{"assessor"}).SetOrganisationID(p.council.ID).SaveX(fx)
		scores := map[string]domain.CriterionScore{}
		for _, q := range domain.DefaultScheme().Criteria {
			scores[q.Key] = domain.CriterionScore{Score: 7, Comment: "Because"}
		}
		ids[name] = p.db.Assessment.Create().SetBidID(b.ID).SetAssessorID(a.ID).SetScores(scores).SetInScope(true).SetFund(true).
			SetPercent(70).SaveX(fx).ID
		if name == "chen" {
			p.db.Assignment.Create().SetCompetitionID(comp.ID).SetBidID(b.ID).SetAssessorID(a.ID).SetStatus("declined").
				SetDeclinedReason("Former employer").ExecX(fx)
		}
	}
	actionsOf := func(name string) Actions {
		t.Helper()
		sheet, err := p.svc.Panel(admin, comp.ID)
		if err != nil {
			t.Fatal(err)
		}
		for assessor, id := range sheet.Rows[0].IDs {
			if id == ids[name] {
				return ScoreActions(admin, sheet.Rows[0].Bid, sheet.Rows[0].Moderation[assessor])
			}
		}
		t.Fatalf("no score of %s on the sheet", name)
		return nil
	}
	try := func(step, name, action string) {
		t.Helper()
		as := actionsOf(name)
		var err error
		switch action {
		case "exclude":
			_, err = p.svc.ExcludeScore(admin, ids[name], "Scored another bid's answers by mistake")
		case "include":
			_, err = p.svc.IncludeScore(admin, ids[name])
		case "send-back":
			_, err = p.svc.SendBack(admin, ids[name], "Look at the value score again.")
		}
		agree(t, step+": "+name+"'s score", as, action, err)
	}
	try("in the mean", "amara", "include")
	try("in the mean", "amara", "exclude")
	try("excluded", "amara", "exclude")
	try("excluded", "amara", "send-back")
	try("excluded", "amara", "include")
	try("included again", "amara", "send-back")
	try("sent back", "amara", "send-back")
	try("sent back", "amara", "include")
	if got := actionsOf("amara").Get("include").Reason; !strings.Contains(got, "when the assessor submits them again") {
		t.Errorf("including a score sent back: %q", got)
	}
	for _, action := range []string{"exclude", "include", "send-back"} {
		try("conflicted", "chen", action)
	}
	if got := actionsOf("chen").Get("include").Reason; !strings.Contains(got, "conflict of interest") {
		t.Errorf("including a conflicted score: %q", got)
	}
	p.db.Competition.UpdateOne(comp).SetStatus(domain.CompetitionDecided).ExecX(fx)
	try("decided", "amara", "exclude")
	if ScoreActions(as(p.owner), &ent.Bid{}, domain.ScoreModeration{Competition: domain.CompetitionAssessment}) != nil {
		t.Error("the challenge owner is offered moderation")
	}
}

// TestNobodyPaysForWhatTheyAccepted: a person who is both a challenge owner and in finance
// accepts a deliverable; the model refuses them its payment, with why, and so does the command;
// another person in finance pays it.
func TestNobodyPaysForWhatTheyAccepted(t *testing.T) {
	p := newPeople(t)
	ctx := testdb.Fixture()
	k, _ := offered(t, p)
	supplier := as(p.supplier)
	if _, err := p.svc.AcceptContract(supplier, k.ID); err != nil {
		t.Fatal(err)
	}
	// The owner also holds the finance role.
	p.db.Person.UpdateOneID(p.ownerID).SetRoles([]string{string(authz.ChallengeOwner), string(authz.Finance)}).ExecX(ctx)
	both := p.owner
	both.Roles = []authz.Role{authz.ChallengeOwner, authz.Finance}
	m := p.db.Milestone.Query().Where(milestone.ContractID(k.ID)).Order(ent.Asc(milestone.FieldNumber)).FirstX(ctx)
	if _, err := p.svc.SubmitDeliverable(supplier, Deliverable{MilestoneID: m.ID, Note: "The study."}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.svc.ReviewDeliverable(as(both), Review{MilestoneID: m.ID, Decision: ReviewAccept}); err != nil {
		t.Fatal(err)
	}
	actionsOf := func(v authz.Viewer) Actions {
		now := p.db.Milestone.GetX(ctx, m.ID)
		return p.svc.MilestoneActions(as(v), p.db.Contract.GetX(ctx, k.ID), now)
	}
	acts := actionsOf(both)
	_, err := p.svc.RecordPayment(as(both), m.ID)
	agree(t, "paying for what one accepted", acts, "pay", err)
	if a := acts.Get("pay"); !strings.Contains(a.Reason, "someone else in finance") {
		t.Errorf("the reason: %q", a.Reason)
	}
	acts = actionsOf(p.finance)
	_, err = p.svc.RecordPayment(as(p.finance), m.ID)
	agree(t, "another in finance paying", acts, "pay", err)
}
