package service

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/ent/notice"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// selected is a challenge selected into a £300,000 round that already has a £250,000 pot open.
func selected(t *testing.T, p *people) *ent.Challenge {
	t.Helper()
	ctx := testdb.Fixture()
	r := p.db.Round.Create().SetName("Round 1").SetBudget(domain.Pounds(300_000)).SetStartsAt(time.Now()).SetEndsAt(time.Now().Add(300 * 24 * time.Hour)).SaveX(ctx)
	other := p.db.Challenge.Create().SetTitle("Potholes").SetPublicBody("Anytown").SetProblem("P").SetStage(domain.ChallengePhase1Open).
		SetRoundID(r.ID).SetOwnerID(p.ownerID).SaveX(ctx)
	p.db.Competition.Create().SetChallengeID(other.ID).SetPhase(1).SetStatus(domain.CompetitionOpen).SetOpenedAt(time.Now()).
		SetClosesAt(time.Now().Add(time.Hour)).SetPot(domain.Pounds(250_000)).SetMaxContract(domain.Pounds(50_000)).SetScheme(domain.DefaultScheme()).ExecX(ctx)
	return p.db.Challenge.Create().SetTitle("Missed bins").SetPublicBody("Anytown").SetProblem("P").SetStage(domain.ChallengeSelected).
		SetRoundID(r.ID).SetOwnerID(p.ownerID).SetFields([]string{string(domain.Fields[0])}).SaveX(ctx)
}

func wantProblems(t *testing.T, err error, fields ...string) {
	t.Helper()
	var ps domain.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("want problems with %v, got %v", fields, err)
	}
	for _, f := range fields {
		if ps.For(f) == "" {
			t.Errorf("no problem with %s in %v", f, ps)
		}
	}
}

func TestACompetitionIsSetUpTaskByTask(t *testing.T) {
	p := newPeople(t)
	ch := selected(t, p)
	ctx := as(p.officer)
	c, err := p.svc.StartCompetitionSetup(ctx, ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	again, err := p.svc.StartCompetitionSetup(ctx, ch.ID)
	if err != nil || again.ID != c.ID || c.Status != domain.CompetitionDraft {
		t.Fatalf("second start gave %v %v; want the same draft %d", again, err, c.ID)
	}
	// Nobody outside the programme and the challenge's owner sees a draft.
	if _, err := p.svc.DB.Competition.Get(as(p.supplier), c.ID); !ent.IsNotFound(err) {
		t.Errorf("a supplier read the draft: %v", err)
	}
	if _, err := p.svc.DB.Competition.Get(as(p.owner), c.ID); err != nil {
		t.Errorf("its owner cannot read the draft: %v", err)
	}
	if tasks := SetupOf(c).Tasks(); tasks[0].Status != domain.TaskInProgress || tasks[2].Status != domain.TaskNotStarted {
		t.Errorf("fresh tasks: %+v", tasks)
	}
	if err := p.svc.CompetitionReadiness(ctx, c); err == nil {
		t.Error("an empty setup is ready to open")
	}

	// Each task is checked as it is saved, and a refused save writes nothing.
	_, err = p.svc.EditCompetition(ctx, EditCompetition{ID: c.ID, Money: &CompetitionMoney{PotPence: int64(domain.Pounds(100_000)), MaxContractPence: int64(domain.Pounds(60_000)), MaxContracts: 2}})
	wantProblems(t, err, "pot_pence", "max_contract_pence") // the round has £50,000 left; phase 1 is capped at £50,000
	q := domain.Question{Title: "Innovation", Text: "What is new?", WordLimit: 0, Weight: 30, Max: 10}
	_, err = p.svc.EditCompetition(ctx, EditCompetition{ID: c.ID, Questions: &[]domain.Question{q}})
	wantProblems(t, err, "questions[0].word_limit")
	soon := time.Now().Add(2 * time.Hour)
	_, err = p.svc.EditCompetition(ctx, EditCompetition{ID: c.ID, Dates: &CompetitionDates{ClosesAt: soon, ClarificationClosesAt: soon.Add(time.Hour)}})
	wantProblems(t, err, "closes_at", "clarification_closes_at")
	ten := 10
	_, err = p.svc.EditCompetition(ctx, EditCompetition{ID: c.ID, Assessment: &CompetitionAssessment{AssessorsPerBid: 3, AssessmentDays: 10,
		ModerationBand: 20, Threshold: 70, Selection: domain.TopDown, ReminderDays: &ten, InterviewWeight: 95}})
	wantProblems(t, err, "reminder_days", "interview_weight") // a reminder as long as the period; an interview that is nearly all
	if n := p.db.AuditEvent.Query().CountX(testdb.Fixture()); n != 1 {
		t.Errorf("%d audit events after refused saves, want only the start", n)
	}

	opens, closes := time.Now().Add(48*time.Hour), time.Now().Add(30*24*time.Hour)
	q.WordLimit = 500
	pf := domain.Question{Title: "Eligibility", Text: "Can you start by the date?", WordLimit: 100, PassFail: true}
	edits := []EditCompetition{
		{ID: c.ID, Details: &CompetitionDetails{Summary: "Fewer missed bins", Scope: "Household waste only", Fields: []string{string(domain.Fields[0])}}},
		{ID: c.ID, Dates: &CompetitionDates{OpensAt: opens, ClosesAt: closes, ClarificationClosesAt: closes.Add(-7 * 24 * time.Hour)}},
		{ID: c.ID, Money: &CompetitionMoney{PotPence: int64(domain.Pounds(50_000)), MaxContractPence: int64(domain.Pounds(25_000)), MaxContracts: 2}},
		{ID: c.ID, Questions: &[]domain.Question{q, pf}},
		{ID: c.ID, Assessment: &CompetitionAssessment{AssessorsPerBid: 4, AssessmentDays: 10, ModerationBand: 20, Threshold: 70, Selection: domain.Portfolio,
			InterviewWeight: 25}},
	}
	for _, e := range edits {
		if c, err = p.svc.EditCompetition(ctx, e); err != nil {
			t.Fatalf("%+v: %v", e, err)
		}
	}
	for _, task := range SetupOf(c).Tasks() {
		if task.Status != domain.TaskCompleted {
			t.Errorf("%s is %s: %v", task.Label, task.Status, task.Missing)
		}
	}
	if c.Scheme.Criteria[0].Key != "q1" || c.Scheme.Criteria[1].Key != "q2" || c.Scheme.MinAssessors != 4 {
		t.Errorf("questions %+v, min assessors %d", c.Scheme.Criteria, c.Scheme.MinAssessors)
	}
	if c.ReminderDays != domain.DefaultReminderDays || c.Scheme.InterviewWeight != 25 {
		t.Errorf("reminder %d days, interview weight %d; want the default 2 and 25", c.ReminderDays, c.Scheme.InterviewWeight)
	}
	if err := p.svc.CompetitionReadiness(ctx, c); err != nil {
		t.Errorf("a complete setup is not ready: %v", err)
	}

	// Once open, the setup is fixed: changes go through an extension.
	p.db.Competition.UpdateOneID(c.ID).SetStatus(domain.CompetitionOpen).ExecX(testdb.Fixture())
	_, err = p.svc.EditCompetition(ctx, EditCompetition{ID: c.ID, Details: &CompetitionDetails{Summary: "x", Scope: "y"}})
	var te *domain.TransitionError
	if !errors.As(err, &te) {
		t.Errorf("editing an open competition: %v", err)
	}
}

func TestClarificationsArePrivateUntilPublishedToEveryBidder(t *testing.T) {
	p := newPeople(t)
	fx := testdb.Fixture()
	ch := selected(t, p)
	binsight := p.db.Organisation.Create().SetName("Binsight").SaveX(fx)
	ben := p.db.Person.Create().SetName("ben").SetEmail("ben@binsight.example").SetRoles([]string{"supplier"}).SetOrganisationID(binsight.ID).SaveX(fx)
	comp := p.db.Competition.Create().SetChallengeID(ch.ID).SetPhase(1).SetStatus(domain.CompetitionOpen).SetOpenedAt(time.Now()).
		SetClosesAt(time.Now().Add(48 * time.Hour)).SetClarificationClosesAt(time.Now().Add(24 * time.Hour)).
		SetPot(domain.Pounds(50_000)).SetMaxContract(domain.Pounds(25_000)).SetScheme(domain.DefaultScheme()).SaveX(fx)
	p.db.Bid.Create().SetCompetitionID(comp.ID).SetOrganisationID(binsight.ID).SetTitle("Draft").SetAmount(domain.Pounds(20_000)).ExecX(fx)

	_, err := p.svc.AskClarification(as(p.supplier), AskClarification{CompetitionID: comp.ID, Question: "  "})
	wantProblems(t, err, "question")
	cl, err := p.svc.AskClarification(as(p.supplier), AskClarification{CompetitionID: comp.ID, Question: "Can Acme bid with a partner?"})
	if err != nil {
		t.Fatal(err)
	}
	if rows, _ := p.svc.Clarifications(as(p.owner), comp.ID); len(rows) != 0 {
		t.Errorf("the challenge owner read an unpublished question: %v", rows)
	}
	if _, err := p.svc.PublishClarification(as(p.officer), PublishClarification{ID: cl.ID, Question: "May a supplier bid with a partner?"}); err == nil {
		t.Error("published without an answer")
	}
	if _, err := p.svc.PublishClarification(as(p.officer), PublishClarification{ID: cl.ID, Question: "May a supplier bid with a partner?",
		Answer: "Yes, as the lead of a consortium."}); err != nil {
		t.Fatal(err)
	}
	rows, err := p.svc.Clarifications(as(p.owner), comp.ID)
	if err != nil || len(rows) != 1 || rows[0].PublishedQuestion != "May a supplier bid with a partner?" {
		t.Errorf("after publishing, the public reads %v (%v)", rows, err)
	}
	// The bidder and the asker are told; the programme cannot read who was told while bids are
	// sealed, because that says who is bidding.
	told := p.db.Notice.Query().Where(notice.Template(string(domain.NoticeClarificationPublished))).AllX(fx)
	if len(told) != 2 || !(told[0].RecipientID == p.supplierID && told[1].RecipientID == ben.ID || told[1].RecipientID == p.supplierID && told[0].RecipientID == ben.ID) {
		t.Errorf("notices: %v", told)
	}
	if n, _ := p.db.Notice.Query().Where(notice.Template(string(domain.NoticeClarificationPublished))).Count(as(p.officer)); n != 0 {
		t.Errorf("the programme reads %d notices that say who bids in a sealed competition", n)
	}
	// After the last day for questions, none are taken.
	p.db.Competition.UpdateOneID(comp.ID).SetClarificationClosesAt(time.Now().Add(-time.Minute)).ExecX(fx)
	_, err = p.svc.AskClarification(as(p.supplier), AskClarification{CompetitionID: comp.ID, Question: "One more?"})
	var te *domain.TransitionError
	if !errors.As(err, &te) {
		t.Errorf("a question after the last day: %v", err)
	}
}

func TestAnAmendmentAsksBiddersToConfirmAgain(t *testing.T) {
	p := newPeople(t)
	fx := testdb.Fixture()
	ch := selected(t, p)
	qs := []domain.Question{{Key: "q1", Title: "Innovation", Text: "What is new?", WordLimit: 500, Weight: 30, Max: 10}}
	scheme := domain.DefaultScheme()
	scheme.Criteria = qs
	comp := p.db.Competition.Create().SetChallengeID(ch.ID).SetPhase(1).SetStatus(domain.CompetitionOpen).SetOpenedAt(time.Now()).
		SetClosesAt(time.Now().Add(48 * time.Hour)).SetPot(domain.Pounds(50_000)).SetMaxContract(domain.Pounds(25_000)).SetScheme(scheme).SaveX(fx)
	// Two days before the deadline is too late to amend: bidders are left at least seven.
	late := slices.Clone(scheme.Criteria)
	late[0].Text += " (say how)"
	if _, err := p.svc.AmendCompetition(as(p.officer), AmendCompetition{ID: comp.ID, Questions: late, Reason: "Clearer"}); err == nil ||
		!strings.Contains(err.Error(), "extend the deadline for everyone to") {
		t.Errorf("amending two days before the deadline: %v", err)
	}
	comp = p.db.Competition.UpdateOne(comp).SetClosesAt(time.Now().Add(8 * 24 * time.Hour)).SaveX(fx)
	submitted := time.Now().Add(-time.Hour)
	b := p.db.Bid.Create().SetCompetitionID(comp.ID).SetOrganisationID(p.acme.ID).SetTitle("Sensors").SetAmount(domain.Pounds(20_000)).
		SetStatus(domain.BidSubmitted).SetSubmittedAt(submitted).SetReceipt("R-1").SaveX(fx)

	rescored := []domain.Question{qs[0]}
	rescored[0].Weight = 50
	_, err := p.svc.AmendCompetition(as(p.officer), AmendCompetition{ID: comp.ID, Questions: rescored, Reason: "Clearer"})
	wantProblems(t, err, "questions[0]")
	_, err = p.svc.AmendCompetition(as(p.officer), AmendCompetition{ID: comp.ID, Questions: qs, Reason: "Clearer"})
	wantProblems(t, err, "questions")
	_, err = p.svc.AmendCompetition(as(p.officer), AmendCompetition{ID: comp.ID, Questions: qs})
	wantProblems(t, err, "reason")

	reworded := []domain.Question{qs[0]}
	reworded[0].Text = "What is new, and who has tried it before?"
	amended, err := p.svc.AmendCompetition(as(p.officer), AmendCompetition{ID: comp.ID, Questions: reworded, Reason: "Suppliers asked what we meant by new"})
	if err != nil {
		t.Fatal(err)
	}
	if amended.Scheme.Criteria[0].Text != reworded[0].Text || amended.AmendedAt.IsZero() {
		t.Errorf("amended %+v at %s", amended.Scheme.Criteria, amended.AmendedAt)
	}
	if !domain.NeedsConfirmation(b.SubmittedAt, b.ConfirmedAt, amended.AmendedAt) {
		t.Error("a bid submitted before the amendment needs no confirmation")
	}
	if n := p.db.Notice.Query().Where(notice.RecipientID(p.supplierID), notice.Template(string(domain.NoticeCompetitionAmended))).CountX(fx); n != 1 {
		t.Errorf("the bidder was told %d times", n)
	}
	confirmed, err := p.svc.ConfirmBid(as(p.supplier), b.ID)
	if err != nil || confirmed.ConfirmedAt == nil || domain.NeedsConfirmation(confirmed.SubmittedAt, confirmed.ConfirmedAt, amended.AmendedAt) {
		t.Fatalf("confirmed: %v %v", confirmed, err)
	}
	// After the deadline, nothing is confirmed.
	p.db.Competition.UpdateOneID(comp.ID).SetClosesAt(time.Now().Add(-time.Minute)).ExecX(fx)
	var te *domain.TransitionError
	if _, err := p.svc.ConfirmBid(as(p.supplier), b.ID); !errors.As(err, &te) {
		t.Errorf("a confirmation after the deadline: %v", err)
	}
}

// The submit path uses each supplier's own deadline: after the closing time, a supplier given
// an extension still submits; another does not.
func TestTheSubmitPathUsesEachSuppliersOwnDeadline(t *testing.T) {
	p := newPeople(t)
	fx := testdb.Fixture()
	ch := selected(t, p)
	binsight := p.db.Organisation.Create().SetName("Binsight").SaveX(fx)
	ben := p.db.Person.Create().SetName("ben").SetEmail("ben@binsight.example").SetRoles([]string{"supplier"}).SetOrganisationID(binsight.ID).SaveX(fx)
	comp := p.db.Competition.Create().SetChallengeID(ch.ID).SetPhase(1).SetStatus(domain.CompetitionOpen).SetOpenedAt(time.Now().Add(-48 * time.Hour)).
		SetClosesAt(time.Now().Add(-time.Minute)).SetPot(domain.Pounds(50_000)).SetMaxContract(domain.Pounds(25_000)).SetScheme(domain.DefaultScheme()).
		SetExtensions([]domain.Extension{{OrganisationID: p.acme.ID, ClosesAt: time.Now().Add(time.Hour), Reason: "Flooded office"}}).SaveX(fx)
	mine := testdb.Written(p.db.Bid.Create().SetCompetitionID(comp.ID).SetOrganisationID(p.acme.ID), comp.Scheme, domain.Pounds(20_000)).SaveX(fx)
	theirs := testdb.Written(p.db.Bid.Create().SetCompetitionID(comp.ID).SetOrganisationID(binsight.ID), comp.Scheme, domain.Pounds(20_000)).SaveX(fx)

	if b, err := p.svc.SubmitBid(as(p.supplier), mine.ID); err != nil || b.Status != domain.BidSubmitted {
		t.Errorf("the supplier with an extension: %v %v", b, err)
	}
	benV := authz.Viewer{PersonID: ben.ID, Email: ben.Email, Roles: []authz.Role{authz.Supplier}, OrganisationID: binsight.ID}
	var te *domain.TransitionError
	if _, err := p.svc.SubmitBid(as(benV), theirs.ID); !errors.As(err, &te) || te.Kind != domain.ErrCompetitionClosed {
		t.Errorf("the supplier without one: %v", err)
	}
}

// The whole setup in one request is checked by the rule the task list applies before it opens,
// and a refused request writes nothing: no draft, no audit event.
func TestTheOneRequestSetupAppliesTheTaskListsRule(t *testing.T) {
	p := newPeople(t)
	ch := selected(t, p)
	ctx := as(p.officer)
	soon := time.Now().Add(time.Hour)
	_, err := p.svc.OpenCompetition(ctx, OpenCompetition{ChallengeID: ch.ID, Dates: CompetitionDates{ClosesAt: soon},
		Questions: domain.DefaultScheme().Criteria})
	wantProblems(t, err, "summary", "scope", "clarification_closes_at", "closes_at", "questions[0].text", "questions[0].word_limit")
	var ps domain.Problems
	if errors.As(err, &ps); !strings.Contains(ps.For("closes_at"), "at least a day after") {
		t.Errorf("a competition open for an hour: %q, want the task list's words", ps.For("closes_at"))
	}
	if n := p.db.Competition.Query().Where(competition.ChallengeID(ch.ID)).CountX(testdb.Fixture()); n != 0 {
		t.Errorf("a refused setup left %d competitions", n)
	}
	if n := p.db.AuditEvent.Query().CountX(testdb.Fixture()); n != 0 {
		t.Errorf("a refused setup wrote %d audit events", n)
	}
	// The same rule, with the deployment's shorter open period.
	ps = nil
	p.svc.ShortestOpen = domain.MinOpenPeriod
	_, err = p.svc.OpenCompetition(ctx, OpenCompetition{ChallengeID: ch.ID, Dates: CompetitionDates{ClosesAt: soon}})
	if errors.As(err, &ps); ps.For("closes_at") != "" {
		t.Errorf("an hour is refused where the shortest open period is %s: %q", domain.MinOpenPeriod, ps.For("closes_at"))
	}
}
