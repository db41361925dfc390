package activities

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// effects counts what an activity may write: a second run that adds to any of them had a
// second effect.
func effects(t *testing.T, db *ent.Client) string {
	t.Helper()
	ctx := authz.AsSystem(context.Background(), "test")
	counts := []int{
		db.AuditEvent.Query().CountX(ctx), db.Notice.Query().CountX(ctx), db.Email.Query().CountX(ctx),
		db.OutboxMessage.Query().CountX(ctx), db.Contract.Query().CountX(ctx), db.Milestone.Query().CountX(ctx),
		db.Assessment.Query().CountX(ctx), db.Assignment.Query().CountX(ctx), db.GateDecision.Query().CountX(ctx),
		db.Lesson.Query().CountX(ctx), db.Competition.Query().CountX(ctx), db.AlertNotice.Query().CountX(ctx),
	}
	return fmt.Sprint(counts)
}

// TestEverySideEffectTwiceIsOnce runs each activity that writes twice, as Temporal may after a
// timeout or a crash: the second run succeeds (or is refused as the first run's state
// demands) and adds nothing. SendEmail, DeliverWebhook and KeepContractTime have their own.
func TestEverySideEffectTwiceIsOnce(t *testing.T) {
	actor := authz.Actor{Who: "person:1"}
	scored := func(assessor int) domain.Assessment {
		a := domain.Assessment{AssessorID: assessor, Scores: map[string]domain.CriterionScore{}, InScope: true, Fund: true}
		for _, c := range domain.DefaultScheme().Criteria {
			a.Scores[c.Key] = domain.CriterionScore{Score: 8, Comment: "Clear evidence"}
		}
		return a
	}
	// contract is an active phase 1 contract of Acme's bid.
	contract := func(p *panel) *ent.Contract {
		return p.db.Contract.Create().SetBidID(p.bidAcme.ID).SetCompetitionID(p.comp.ID).SetOrganisationID(p.acme.ID).
			SetPhase(1).SetValue(domain.Pounds(40_000)).SetAwardedValue(domain.Pounds(40_000)).SetStatus(domain.ContractActive).SaveX(testdb.Fixture())
	}
	openComp := func(p *panel, closes time.Time) *ent.Competition {
		ch := p.db.Challenge.Create().SetTitle("Potholes").SetPublicBody("Anytown").SetProblem("P").
			SetStage(domain.ChallengePhase1Open).SaveX(testdb.Fixture())
		return p.db.Competition.Create().SetChallengeID(ch.ID).SetPhase(1).SetStatus(domain.CompetitionOpen).
			SetOpenedAt(time.Now().Add(-time.Hour)).SetClosesAt(closes).SetPot(domain.Pounds(100_000)).
			SetMaxContract(domain.Pounds(50_000)).SetScheme(domain.DefaultScheme()).SaveX(testdb.Fixture())
	}
	cases := []struct {
		name string
		// run is the activity, set up by prepare on a fresh panel.
		prepare func(t *testing.T, p *panel, a *Activities) func() error
	}{
		{"SetChallengeStage", func(t *testing.T, p *panel, a *Activities) func() error {
			ch := p.db.Challenge.Create().SetTitle("Bins").SetPublicBody("Anytown").SetProblem("P").SetStage(domain.ChallengeSubmitted).SaveX(testdb.Fixture())
			return func() error {
				return a.SetChallengeStage(context.Background(), SetChallengeStageInput{ChallengeID: ch.ID, To: domain.ChallengeSelected, Actor: actor})
			}
		}},
		{"RecordAssessment", func(t *testing.T, p *panel, a *Activities) func() error {
			return func() error {
				_, err := a.RecordAssessment(context.Background(), RecordAssessmentInput{CompetitionID: p.comp.ID, BidID: p.bidAcme.ID,
					AssessorID: p.acmeAssessorIDs[0], Assessment: scored(p.acmeAssessorIDs[0]), Actor: actor})
				return err
			}
		}},
		{"DecideCompetition", func(t *testing.T, p *panel, a *Activities) func() error {
			for _, b := range []*ent.Bid{p.bidAcme, p.bidBin} {
				for _, id := range p.standing(t, b) {
					if _, err := a.RecordAssessment(context.Background(), RecordAssessmentInput{CompetitionID: p.comp.ID, BidID: b.ID,
						AssessorID: id, Assessment: scored(id), Actor: actor}); err != nil {
						t.Fatal(err)
					}
				}
			}
			return func() error {
				_, err := a.DecideCompetition(context.Background(), DecideCompetitionInput{CompetitionID: p.comp.ID, Actor: actor})
				return err
			}
		}},
		{"RecordReport", func(t *testing.T, p *panel, a *Activities) func() error {
			k := contract(p)
			return func() error {
				return a.RecordReport(context.Background(), RecordReportInput{ContractID: k.ID, Summary: "It works", Actor: actor})
			}
		}},
		{"RecordGateDecision", func(t *testing.T, p *panel, a *Activities) func() error {
			k := contract(p)
			if err := a.RecordReport(context.Background(), RecordReportInput{ContractID: k.ID, Summary: "It works", Actor: actor}); err != nil {
				t.Fatal(err)
			}
			return func() error {
				return a.RecordGateDecision(context.Background(), RecordGateDecisionInput{ContractID: k.ID, Outcome: domain.GateStop,
					Rationale: "It did not work", Lesson: &domain.Lesson{WhatWorked: "a", WhatFailed: "b", Why: "c"}, Actor: actor})
			}
		}},
		{"CompleteChallenge", func(t *testing.T, p *panel, a *Activities) func() error {
			ch := p.db.Challenge.Create().SetTitle("Lights").SetPublicBody("Anytown").SetProblem("P").SetStage(domain.ChallengePhase2Contracts).SaveX(testdb.Fixture())
			return func() error {
				return a.CompleteChallenge(context.Background(), CompleteChallengeInput{ChallengeID: ch.ID, Outcome: domain.OutcomeAdopted,
					Lesson: &domain.Lesson{WhatWorked: "a", WhatFailed: "b", Why: "c"}, Actor: actor})
			}
		}},
		{"CloseCompetition", func(t *testing.T, p *panel, a *Activities) func() error {
			c := openComp(p, time.Now().Add(-time.Second))
			p.db.Bid.Create().SetCompetitionID(c.ID).SetOrganisationID(p.acme.ID).SetTitle("Acme").SetAmount(domain.Pounds(40_000)).
				SetStatus(domain.BidSubmitted).SetSubmittedAt(time.Now().Add(-time.Minute)).ExecX(testdb.Fixture())
			return func() error {
				_, err := a.CloseCompetition(context.Background(), CloseCompetitionInput{CompetitionID: c.ID, Eligibility: true})
				return err
			}
		}},
		{"ExtendDeadline", func(t *testing.T, p *panel, a *Activities) func() error {
			c := openComp(p, time.Now().Add(24*time.Hour))
			p.db.Bid.Create().SetCompetitionID(c.ID).SetOrganisationID(p.acme.ID).SetTitle("Acme").ExecX(testdb.Fixture())
			closes := time.Now().Add(48 * time.Hour).Truncate(time.Second)
			return func() error {
				return a.ExtendDeadline(context.Background(), ExtendDeadlineInput{CompetitionID: c.ID, ClosesAt: closes, Reason: "The portal was down", Actor: actor})
			}
		}},
		{"OpenCompetition", func(t *testing.T, p *panel, a *Activities) func() error {
			ch := p.db.Challenge.Create().SetTitle("Lights").SetPublicBody("Anytown").SetProblem("P").SetStage(domain.ChallengeSelected).SaveX(testdb.Fixture())
			closes := time.Now().Add(30 * 24 * time.Hour).Truncate(time.Second)
			return func() error {
				_, err := a.OpenCompetition(context.Background(), OpenCompetitionInput{ChallengeID: ch.ID, Phase: 1, ClosesAt: closes,
					Caps: domain.PhaseCaps{Pot: domain.Pounds(100_000), MaxContract: domain.Pounds(50_000)}, Scheme: domain.DefaultScheme(), Actor: actor})
				return err
			}
		}},
		{"OpenScheduledCompetition", func(t *testing.T, p *panel, a *Activities) func() error {
			c := openComp(p, time.Now().Add(30*24*time.Hour))
			p.db.Competition.UpdateOne(c).SetStatus(domain.CompetitionScheduled).SetOpensAt(time.Now().Add(-time.Second)).ExecX(testdb.Fixture())
			return func() error {
				return a.OpenScheduledCompetition(context.Background(), OpenScheduledInput{CompetitionID: c.ID})
			}
		}},
		{"StartAssessment", func(t *testing.T, p *panel, a *Activities) func() error {
			c := openComp(p, time.Now().Add(-time.Minute))
			p.db.Competition.UpdateOne(c).SetStatus(domain.CompetitionEligibility).SetAssessorsPerBid(2).ExecX(testdb.Fixture())
			p.db.Bid.Create().SetCompetitionID(c.ID).SetOrganisationID(p.acme.ID).SetTitle("Acme").SetAmount(domain.Pounds(40_000)).
				SetStatus(domain.BidSubmitted).SetSubmittedAt(time.Now().Add(-time.Hour)).ExecX(testdb.Fixture())
			return func() error {
				_, err := a.StartAssessment(context.Background(), StartAssessmentInput{CompetitionID: c.ID, Actor: actor})
				return err
			}
		}},
		{"RemindAssessors", func(t *testing.T, p *panel, a *Activities) func() error {
			p.db.Competition.UpdateOne(p.comp).SetAssignmentsReleasedAt(time.Now()).ExecX(testdb.Fixture())
			now := time.Now().AddDate(0, 2, 0) // every assessment overdue by then
			return func() error {
				_, err := a.RemindAssessors(context.Background(), RemindAssessorsInput{CompetitionID: p.comp.ID, Now: now})
				return err
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newPanel(t)
			a := &Activities{DB: p.db}
			run := c.prepare(t, p, a)
			before := effects(t, p.db)
			if err := run(); err != nil {
				t.Fatalf("first run: %v", err)
			}
			once := effects(t, p.db)
			if once == before {
				t.Fatalf("the first run wrote nothing (%s): the case proves nothing", once)
			}
			if err := run(); err != nil {
				t.Fatalf("second run: %v", err)
			}
			if twice := effects(t, p.db); twice != once {
				t.Errorf("the second run wrote more: %s after one run, %s after two", once, twice)
			}
		})
	}
}
