package service

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// openCompetition is an open phase 1 competition closing in an hour, capped at £50,000 per
// contract, with a word-limited question and a declaration.
func openCompetition(t *testing.T, p *people) *ent.Competition {
	t.Helper()
	ch := selected(t, p)
	scheme := domain.DefaultScheme()
	scheme.Criteria[0].WordLimit = 5
	scheme.Criteria = append(scheme.Criteria, domain.Criterion{Key: "insured", Title: "Insurance", Text: "Do you hold public liability insurance?", PassFail: true})
	return p.db.Competition.Create().SetChallengeID(ch.ID).SetPhase(1).SetStatus(domain.CompetitionOpen).SetOpenedAt(time.Now().Add(-time.Hour)).
		SetClosesAt(time.Now().Add(time.Hour)).SetPot(domain.Pounds(100_000)).SetMaxContract(domain.Pounds(50_000)).SetScheme(scheme).SaveX(testdb.Fixture())
}

func ptr[T any](v T) *T { return &v }

func taskOf(t *testing.T, b *ent.Bid, comp *ent.Competition, key string) domain.BidTask {
	t.Helper()
	task, ok := ContentOf(b).Task(RulesOf(comp), key)
	if !ok {
		t.Fatalf("no task %s", key)
	}
	return task
}

// A supplier writes a bid task by task; each task says what it still needs, in words, and
// submitting is refused until nothing is missing.
func TestABidIsWrittenTaskByTask(t *testing.T) {
	p := newPeople(t)
	comp := openCompetition(t, p)
	ctx := as(p.supplier)
	b, err := p.svc.StartBid(ctx, comp.ID)
	if err != nil {
		t.Fatal(err)
	}
	again, err := p.svc.StartBid(ctx, comp.ID)
	if err != nil || again.ID != b.ID {
		t.Fatalf("starting again gave %v %v; want the same draft", again, err)
	}
	if tasks := ContentOf(b).Tasks(RulesOf(comp)); tasks[0].Status != domain.TaskNotStarted || len(tasks) != 9 {
		t.Fatalf("a new bid's tasks: %+v", tasks)
	}
	save := func(task string, version int, in BidAnswers) (*ent.Bid, error) {
		return p.svc.SaveBidTask(ctx, SaveBidTask{BidID: b.ID, Task: task, Version: version, BidAnswers: in})
	}
	// A title alone: saved, and the task is in progress with what it still needs.
	b, err = save(domain.TaskAbout, 0, BidAnswers{Title: ptr("Sensors"), Summary: ptr(""), Fields: &[]string{}})
	if err != nil {
		t.Fatal(err)
	}
	if task := taskOf(t, b, comp, domain.TaskAbout); task.Status != domain.TaskInProgress || task.Problems.For("summary") == "" || task.Problems.For("fields") == "" {
		t.Errorf("about after a title alone: %+v", task)
	}
	// A field not in the list is never stored.
	if _, err := save(domain.TaskAbout, 1, BidAnswers{Fields: &[]string{"Astrology"}}); err == nil {
		t.Error("an unknown field was saved")
	}
	// Words are counted as the page counts them: six words over a limit of five.
	b, err = save(domain.QuestionTask("challenge_fit"), 0, BidAnswers{Answers: map[string]string{"challenge_fit": "one two\u00a0three\tfour\nfive six"}})
	if err != nil {
		t.Fatal(err)
	}
	if msg := taskOf(t, b, comp, domain.QuestionTask("challenge_fit")).Problems.For("answer-challenge_fit"); !strings.Contains(msg, "has 6 words") || !strings.Contains(msg, "cut 1") {
		t.Errorf("over the word limit: %q", msg)
	}
	// An answer cannot be saved through another task, nor to a question that is not there.
	if _, err := save(domain.TaskFinances, 0, BidAnswers{Answers: map[string]string{"innovation": "x"}}); err == nil {
		t.Error("an answer was saved through finances")
	}
	if _, err := save(domain.QuestionTask("nope"), 0, BidAnswers{Answers: map[string]string{"nope": "x"}}); err == nil {
		t.Error("an answer to no question was saved")
	}
	// The price with VAT is checked against the cap: £41,667 + 20% is £50,000.40.
	b, err = save(domain.TaskFinances, 0, BidAnswers{NetPricePence: ptr(int64(41_667_00)), VATRate: ptr(2000)})
	if err != nil {
		t.Fatal(err)
	}
	if msg := taskOf(t, b, comp, domain.TaskFinances).Problems.For("price"); !strings.Contains(msg, "£50,000.40") || b.Amount != 50_000_40 {
		t.Errorf("over the cap: %q, total %s", msg, b.Amount)
	}
	b, err = save(domain.TaskFinances, 1, BidAnswers{NetPricePence: ptr(int64(41_666_67)), VATRate: ptr(2000)})
	if err != nil || b.Amount != 50_000_00 || len(taskOf(t, b, comp, domain.TaskFinances).Problems) != 0 {
		t.Fatalf("at the cap, rounded half up: %v %v", b, err)
	}
	if _, err := save(domain.TaskFinances, 2, BidAnswers{VATRate: ptr(1750)}); err == nil {
		t.Error("a VAT rate of 17.5% was saved")
	}
	// Milestones must add up to the price without VAT.
	b, err = save(domain.TaskMilestones, 0, BidAnswers{Milestones: &[]domain.Milestone{
		{Deliverable: "Discovery", SuccessCriteria: "Users met", Month: 1, Amount: 20_000_00},
		{Deliverable: "Trial", SuccessCriteria: "Sensors fitted", Month: 4, Amount: 20_000_00}}})
	if err != nil {
		t.Fatal(err)
	}
	ms := taskOf(t, b, comp, domain.TaskMilestones).Problems
	if ms.For("milestone-2-month") == "" {
		t.Errorf("a month past the 3-month term: %v", ms)
	}
	b, err = save(domain.TaskMilestones, 1, BidAnswers{Milestones: &[]domain.Milestone{
		{Deliverable: "Discovery", SuccessCriteria: "Users met", Month: 1, Amount: 20_000_00},
		{Deliverable: "Trial", SuccessCriteria: "Sensors fitted", Month: 3, Amount: 20_000_00}}})
	if err != nil {
		t.Fatal(err)
	}
	if msg := taskOf(t, b, comp, domain.TaskMilestones).Problems.For("milestones"); !strings.Contains(msg, "£1,666.67 short") {
		t.Errorf("milestones short of the price: %q", msg)
	}
	// Submitting now is refused, naming every task's problem, and nothing is sealed.
	_, err = p.svc.SubmitBid(ctx, b.ID)
	var ps domain.Problems
	if !errors.As(err, &ps) || ps.For("answer-challenge_fit") == "" || ps.For("declaration-insured") == "" || ps.For("milestones") == "" {
		t.Fatalf("an unfinished submit: %v", err)
	}
	if got := p.db.Bid.GetX(testdb.Fixture(), b.ID); got.Status != domain.BidDraft || got.Receipt != nil {
		t.Fatalf("an unfinished bid was sealed: %s", got.Status)
	}
	// Fix everything, and it is submitted with a receipt whose hash covers what was written.
	steps := []struct {
		task    string
		version int
		in      BidAnswers
	}{
		{domain.TaskAbout, 1, BidAnswers{Summary: ptr("Sensors on bin lorries"), Fields: &[]string{string(domain.Fields[0])}}},
		{domain.QuestionTask("challenge_fit"), 1, BidAnswers{Answers: map[string]string{"challenge_fit": "It fits the problem."}}},
		{domain.QuestionTask("innovation"), 0, BidAnswers{Answers: map[string]string{"innovation": "New."}}},
		{domain.QuestionTask("feasibility"), 0, BidAnswers{Answers: map[string]string{"feasibility": "Done before."}}},
		{domain.QuestionTask("value"), 0, BidAnswers{Answers: map[string]string{"value": "Cheap."}}},
		{domain.TaskMilestones, 2, BidAnswers{Milestones: &[]domain.Milestone{
			{Deliverable: "Discovery", SuccessCriteria: "Users met", Month: 1, Amount: 20_000_00},
			{Deliverable: "Trial", SuccessCriteria: "Sensors fitted", Month: 3, Amount: 21_666_67}}}},
		{domain.TaskDeclarations, 0, BidAnswers{Declarations: map[string]bool{"insured": true}}},
	}
	for _, s := range steps {
		if b, err = save(s.task, s.version, s.in); err != nil {
			t.Fatalf("%s: %v", s.task, err)
		}
	}
	sealed, err := p.svc.SubmitBid(ctx, b.ID)
	if err != nil || sealed.Status != domain.BidSubmitted || sealed.Receipt == nil {
		t.Fatalf("a finished bid: %v %v", sealed, err)
	}
	if sealed.ContentHash != ContentHash(p.db.Bid.Query().WithDocuments().OnlyX(testdb.Fixture())) {
		t.Error("the receipt's hash is not the hash of the sealed form")
	}
	// Submitting twice gives the same receipt.
	twice, err := p.svc.SubmitBid(ctx, b.ID)
	if err != nil || *twice.Receipt != *sealed.Receipt {
		t.Errorf("a second submit: %v %v", twice, err)
	}
	// A keyed submit keeps its answer with its effect; a second one under the key, which ran
	// before it could see that answer, is told the key was answered, and keeps nothing.
	keyed := func() (context.Context, error) {
		kctx := WithKeyed(ctx, KeyedRequest{Principal: "dana", Key: "k", Method: "POST", Path: "/submit", BodyHash: "h"}, nil)
		AnswerKeyedWith(kctx, func(b *ent.Bid) (Answer, error) { return JSONAnswer(200, map[string]string{"receipt": *b.Receipt}) })
		_, err := p.svc.SubmitBid(kctx, b.ID)
		return kctx, err
	}
	if kctx, err := keyed(); err != nil || !AnsweredInCommand(kctx) {
		t.Fatalf("a keyed submit: %v, answer kept with it: %v", err, AnsweredInCommand(kctx))
	}
	if kctx, err := keyed(); !errors.Is(err, ErrKeyAnswered) || AnsweredInCommand(kctx) {
		t.Errorf("a keyed submit whose key was answered meanwhile: %v", err)
	}
	kept, err := p.svc.KeyedAnswer(ctx, KeyedRequest{Principal: "dana", Key: "k"})
	if err != nil || kept == nil || kept.Status != 200 || !strings.Contains(string(kept.Body), *sealed.Receipt) {
		t.Errorf("the kept answer: %+v %v", kept, err)
	}
	// A sealed bid takes no saves.
	if _, err := save(domain.TaskAbout, 2, BidAnswers{Title: ptr("Changed")}); !errors.Is(err, domain.ErrInvalidTransition) {
		t.Errorf("a save to a sealed bid: %v", err)
	}
}

// Two people of one organisation saving one task: the second, made on the version before the
// first's save, is refused with who saved it, and nothing of theirs is overwritten.
func TestConcurrentEditsOfOneTaskConflict(t *testing.T) {
	p := newPeople(t)
	comp := openCompetition(t, p)
	b, err := p.svc.StartBid(as(p.supplier), comp.ID)
	if err != nil {
		t.Fatal(err)
	}
	colleague := p.db.Person.Create().SetName("dev").SetEmail("dev@example.org").SetRoles([]string{"supplier"}).SetOrganisationID(p.acme.ID).SaveX(testdb.Fixture())
	devV := p.supplier
	devV.PersonID, devV.Email = colleague.ID, colleague.Email
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, v := range []context.Context{as(p.supplier), as(devV)} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = p.svc.SaveBidTask(v, SaveBidTask{BidID: b.ID, Task: domain.TaskAbout, Version: 0,
				BidAnswers: BidAnswers{Title: ptr([]string{"Dana's title", "Dev's title"}[i])}})
		}()
	}
	wg.Wait()
	var refusal *Refusal
	ok, refused := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.As(err, &refusal) && refusal.Kind == Stale && strings.Contains(refusal.Detail, "@example.org saved"):
			refused++
		default:
			t.Errorf("a save: %v", err)
		}
	}
	if ok != 1 || refused != 1 {
		t.Fatalf("%d saved, %d refused; want one of each", ok, refused)
	}
	// Another task is not held up by the first's version.
	if _, err := p.svc.SaveBidTask(as(devV), SaveBidTask{BidID: b.ID, Task: domain.TaskFinances, Version: 0,
		BidAnswers: BidAnswers{NetPricePence: ptr(int64(100))}}); err != nil {
		t.Errorf("another task: %v", err)
	}
}

// Before the deadline a submitted bid can be reopened (its receipt no longer stands) and
// resubmitted, or withdrawn; after it, nothing changes and the refusal says why. A submit one
// second after the supplier's deadline is refused with nothing written; one second before it
// is accepted.
func TestReopenWithdrawAndTheDeadline(t *testing.T) {
	p := newPeople(t)
	comp := openCompetition(t, p)
	fx := testdb.Fixture()
	ctx := as(p.supplier)
	b := testdb.Written(p.db.Bid.Create().SetCompetitionID(comp.ID).SetOrganisationID(p.acme.ID), comp.Scheme, domain.Pounds(40_000)).SaveX(fx)
	sealed, err := p.svc.SubmitBid(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	reopened, err := p.svc.ReopenBid(ctx, b.ID)
	if err != nil || reopened.Status != domain.BidDraft || reopened.Receipt != nil {
		t.Fatalf("reopened: %v %v", reopened, err)
	}
	if v, err := (&Service{DB: p.db}).VerifyReceipt(ctx, *sealed.Receipt, sealed.ContentHash); err != nil || v.Matches {
		t.Errorf("a reopened bid's old receipt still verifies: %+v %v", v, err)
	}
	if _, err := p.svc.SaveBidTask(ctx, SaveBidTask{BidID: b.ID, Task: domain.TaskAbout, Version: -1, BidAnswers: BidAnswers{Title: ptr("Better sensors")}}); err != nil {
		t.Fatal(err)
	}
	again, err := p.svc.SubmitBid(ctx, b.ID)
	if err != nil || again.Receipt == nil || *again.Receipt == *sealed.Receipt {
		t.Fatalf("resubmitted: %v %v", again, err)
	}
	withdrawn, err := p.svc.WithdrawBid(ctx, b.ID)
	if err != nil || withdrawn.Status != domain.BidWithdrawn {
		t.Fatalf("withdrawn: %v %v", withdrawn, err)
	}
	if n, _ := p.svc.BidsReceived(ctx, comp.ID); n != 0 {
		t.Errorf("a withdrawn bid counts as received: %d", n)
	}
	if _, err := p.svc.ReopenBid(ctx, b.ID); err != nil {
		t.Fatalf("reopening a withdrawn bid: %v", err)
	}

	// The deadline, to the second, on the server's clock.
	p.db.Competition.UpdateOneID(comp.ID).SetClosesAt(time.Now().Add(-time.Second)).ExecX(fx)
	_, err = p.svc.SubmitBid(ctx, b.ID)
	var te *domain.TransitionError
	if !errors.As(err, &te) || te.Kind != domain.ErrCompetitionClosed || !strings.Contains(te.Reason, "the deadline was") {
		t.Fatalf("a submit a second late: %v", err)
	}
	if got := p.db.Bid.GetX(fx, b.ID); got.Status != domain.BidDraft || got.Receipt != nil {
		t.Errorf("a late submit wrote %s", got.Status)
	}
	for name, do := range map[string]func() error{
		"save": func() error {
			_, err := p.svc.SaveBidTask(ctx, SaveBidTask{BidID: b.ID, Task: domain.TaskAbout, Version: -1, BidAnswers: BidAnswers{Title: ptr("x")}})
			return err
		},
		"withdraw": func() error { _, err := p.svc.WithdrawBid(ctx, b.ID); return err },
	} {
		if err := do(); !errors.As(err, &te) || te.Kind != domain.ErrCompetitionClosed {
			t.Errorf("%s after the deadline: %v", name, err)
		}
	}
	p.db.Competition.UpdateOneID(comp.ID).SetClosesAt(time.Now().Add(time.Second)).ExecX(fx)
	if b, err := p.svc.SubmitBid(ctx, b.ID); err != nil || b.Status != domain.BidSubmitted {
		t.Errorf("a submit a second early: %v %v", b, err)
	}
}

// What is due next follows a bid through its competition: the deadline of a draft, a
// confirmation after an amendment, the wait for the outcome, then a contract's milestones.
func TestDueNextFollowsTheBid(t *testing.T) {
	now := time.Now()
	comp := &ent.Competition{ID: 7, Status: domain.CompetitionOpen, ClosesAt: now.Add(time.Hour)}
	b := &ent.Bid{ID: 3, Status: domain.BidDraft}
	b.Edges.Competition = comp
	first := func() string {
		due := DueNext(b, now)
		if len(due) == 0 {
			return ""
		}
		return due[0].What
	}
	if got := first(); got != "Finish and submit your bid" || !DueNext(b, now)[0].When.Equal(comp.ClosesAt) {
		t.Errorf("a draft: %q", got)
	}
	submitted := now.Add(-time.Hour)
	b.Status, b.SubmittedAt, comp.AmendedAt = domain.BidSubmitted, &submitted, now.Add(-time.Minute)
	if got := first(); !strings.HasPrefix(got, "Confirm your bid") {
		t.Errorf("after an amendment: %q", got)
	}
	comp.Status = domain.CompetitionAssessment
	if got := first(); !strings.HasPrefix(got, "Wait for the outcome") {
		t.Errorf("in assessment: %q", got)
	}
	b.Status, comp.Status = domain.BidFunded, domain.CompetitionDecided
	released := now.Add(-time.Hour)
	comp.FeedbackReleasedAt = &released
	b.Milestones = []domain.Milestone{{Deliverable: "Map", Month: 1, Amount: 100}, {Deliverable: "Report", Month: 3, Amount: 200}}

	// An offered contract: the supplier accepts it, on the contract's page.
	k := &ent.Contract{ID: 5, Status: domain.ContractOffered, Value: 360}
	b.Edges.Contract = k
	due := DueNext(b, now)
	if len(due) != 1 || !due[0].Yours || due[0].Link != "/contracts/5#accept" || !strings.Contains(due[0].What, "£3.60 including VAT") {
		t.Errorf("an offered contract: %+v", due)
	}
	if st := nowStage(Stages(b)); st != "Contract" {
		t.Errorf("an offered contract's timeline is now at %q", st)
	}

	// A running contract: what is paid is not due, what is submitted waits on the owner, what
	// is to do has the contract's own amount (VAT included) and due day, and the report is
	// written on the contract's page.
	start, end := now.AddDate(0, -2, 0), now.AddDate(0, 1, 0)
	k.Status, k.StartsOn, k.EndsOn = domain.ContractActive, &start, &end
	k.Edges.Milestones = []*ent.Milestone{
		{Number: 1, Deliverable: "Survey", Month: 1, Amount: 120, Status: domain.MilestonePaid},
		{Number: 2, Deliverable: "Map", Month: 2, Amount: 120, Status: domain.MilestoneSubmitted},
		{Number: 3, Deliverable: "Trial", Month: 3, Amount: 120, Status: domain.MilestonePlanned},
	}
	due = DueNext(b, now)
	var whats []string
	for _, d := range due {
		whats = append(whats, d.What)
		if strings.Contains(d.What, "Survey") {
			t.Errorf("a paid milestone is listed as due: %q", d.What)
		}
	}
	if len(due) != 4 {
		t.Fatalf("a running contract: %q", whats)
	}
	if due[0].Yours || !strings.Contains(due[0].What, "review your deliverable for milestone 2, Map (£1.20 including VAT)") {
		t.Errorf("a submitted milestone: %+v", due[0])
	}
	if d := due[1]; !d.Yours || d.Link != "/contracts/5#milestone-3" || !d.Day || !d.When.Equal(domain.MilestoneDue(start, end, 3)) || !strings.Contains(d.What, "Trial (£1.20 including VAT)") {
		t.Errorf("a milestone to do: %+v", d)
	}
	if d := due[2]; !d.Yours || d.Link != "/contracts/5#midpoint" {
		t.Errorf("the progress update: %+v", d)
	}
	if d := due[3]; !d.Yours || d.Link != "/contracts/5#report" || !d.When.Equal(end) {
		t.Errorf("the report: %+v", d)
	}
	if StandingOf(due) != StandingYours || nowStage(Stages(b)) != "Work and report" {
		t.Errorf("a running contract stands %q, now at %q", StandingOf(due), nowStage(Stages(b)))
	}

	// Reported with everything submitted: it waits on others.
	reported := now
	k.Status, k.ReportedAt, k.ProgressAt = domain.ContractReported, &reported, &reported
	k.Edges.Milestones[2].Status = domain.MilestoneSubmitted
	if due := DueNext(b, now); StandingOf(due) != StandingWaiting || nowStage(Stages(b)) != "Stage gate" {
		t.Errorf("a reported contract: %+v %q", due, StandingOf(due))
	}
	// Decided and paid: history.
	k.Status = domain.ContractContinued
	for _, m := range k.Edges.Milestones {
		m.Status = domain.MilestonePaid
	}
	if due := DueNext(b, now); StandingOf(due) != StandingDone || nowStage(Stages(b)) != "" {
		t.Errorf("a finished contract: %+v, now at %q", due, nowStage(Stages(b)))
	}
}

func nowStage(ss []Stage) string {
	for _, s := range ss {
		if s.Now {
			return s.Label
		}
	}
	return ""
}
