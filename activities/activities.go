// Package activities holds every side effect the workflows need: database writes through Ent,
// documents, notifications. Each activity is idempotent: run twice, it has one effect.
package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/email"
	"github.com/catalyst-sbri/catalyst/ent"
	_ "github.com/catalyst-sbri/catalyst/ent/runtime" // privacy policies and defaults
	"github.com/catalyst-sbri/catalyst/records"
	"github.com/catalyst-sbri/catalyst/webhook"
)

// asSystem is the context every activity works in: the lifecycle's named identity. Who may ask
// for the change was decided at the API before the workflow was asked.
func asSystem(ctx context.Context) context.Context { return authz.AsSystem(ctx, records.SystemName) }

// Activities holds the dependencies of every activity.
type Activities struct {
	DB *ent.Client
	// Mail sends email: GOV.UK Notify, SMTP, or the dev sink; nil leaves email waiting.
	Mail email.Sender
	// BaseURL is where people reach Catalyst, for the links in emails.
	BaseURL string
	// Docs holds documents' bytes, which the retention schedule deletes.
	Docs Bytes
	// Webhooks delivers webhooks; nil for webhook.NewClient(nil), which reaches the public
	// internet only.
	Webhooks *webhook.Client
	// CloseGrace is how long after a competition's last deadline its close waits, for submits
	// received in time and still in flight (domain.CloseGrace); zero in the workflows' tests.
	CloseGrace time.Duration
}

// waitCloseGrace waits until CloseGrace after the competition's last deadline, and then while a
// submit that first arrived in time but was refused busy may still be sent again
// (PendingBusySubmits), up to domain.LateRetryWindow after the deadline. Each attempt waits
// closeAttemptWait at most and then fails, to be retried, so it keeps within its timeout.
func (a *Activities) waitCloseGrace(ctx context.Context, id int) error {
	if a.CloseGrace <= 0 {
		return nil
	}
	c, err := a.DB.Competition.Get(ctx, id)
	if err != nil {
		return err
	}
	last := domain.Deadlines{ClosesAt: c.ClosesAt, Extension: c.Extensions}.Last()
	select {
	case <-time.After(time.Until(last.Add(a.CloseGrace))):
	case <-ctx.Done():
		return ctx.Err()
	}
	give := time.Now().Add(closeAttemptWait)
	for time.Now().Before(last.Add(domain.LateRetryWindow)) {
		n, err := records.PendingBusySubmits(ctx, a.DB, id, last)
		if err != nil || n == 0 {
			return err
		}
		if time.Now().After(give) {
			return temporal.NewApplicationError(fmt.Sprintf("%d submits refused busy before the deadline may still be sent again", n), "AwaitingRetries")
		}
		select {
		case <-time.After(500 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// closeAttemptWait is how long one attempt of the close waits for retries of submits refused
// busy before it fails to be tried again: within its activity's 30-second timeout.
const closeAttemptWait = 20 * time.Second

// Application error types of refusals, which are never retried; the API maps each to a status.
const (
	ErrTypeInvalidInput      = "InvalidInput"
	ErrTypeInvalidTransition = "InvalidTransition"
	ErrTypeEvidenceMissing   = "EvidenceMissing"
)

// refusal turns a rule's refusal into a non-retryable error of its kind, so Temporal does not
// retry a request that can never succeed and the caller learns what kind of refusal it was.
func refusal(err error) error {
	return temporal.NewNonRetryableApplicationError(err.Error(), RefusalType(err), err, RefusalDetails(err)...)
}

// RefusalDetails carries the refusal's problems, field by field, to the caller: an
// application error keeps only its message otherwise.
func RefusalDetails(err error) []any {
	var ps domain.Problems
	var te *domain.TransitionError
	switch {
	case errors.As(err, &ps):
		return []any{ps}
	case errors.As(err, &te):
		return []any{te.Refused()}
	}
	return nil
}

// RefusalType names the application error type for a rule's refusal.
func RefusalType(err error) string {
	switch {
	case errors.Is(err, domain.ErrEvidenceMissing):
		return ErrTypeEvidenceMissing
	case errors.Is(err, domain.ErrInvalidInput):
		return ErrTypeInvalidInput
	}
	return ErrTypeInvalidTransition
}

// SetChallengeStageInput moves a challenge to a stage the workflow has already decided on.
type SetChallengeStageInput struct {
	ChallengeID int
	To          domain.ChallengeStage
	// RoundID is the round a selection puts the challenge in; 0 leaves it as it is.
	RoundID int `json:",omitempty"`
	Actor   authz.Actor
}

// SetChallengeStage writes the challenge's stage. Writing the stage it already has does nothing.
func (a *Activities) SetChallengeStage(ctx context.Context, in SetChallengeStageInput) error {
	ctx = asSystem(ctx)
	return a.DB.WithTx(ctx, func(tx *ent.Tx) error {
		if in.RoundID != 0 {
			ch, err := tx.Challenge.Get(ctx, in.ChallengeID)
			if err != nil {
				return err
			}
			if ch.RoundID == nil || *ch.RoundID != in.RoundID {
				if err := tx.Challenge.UpdateOne(ch).SetRoundID(in.RoundID).Exec(ctx); err != nil {
					return err
				}
				if err := records.Audit(ctx, tx, in.Actor, "challenge.round_set", "challenge", ch.ID,
					map[string]any{"round": ch.RoundID}, map[string]any{"round": in.RoundID}); err != nil {
					return err
				}
			}
		}
		return moveChallenge(ctx, tx, in.ChallengeID, in.Actor, func(domain.ChallengeStage) (domain.ChallengeStage, error) { return in.To, nil })
	})
}

// OpenCompetitionInput opens one phase's competition.
type OpenCompetitionInput struct {
	ChallengeID           int
	Phase                 int
	ClosesAt              time.Time
	Caps                  domain.PhaseCaps
	Scheme                domain.Scheme
	EligibleOrganisations []int
	// OpensAt, when after now, schedules the competition to open then.
	OpensAt time.Time
	Actor   authz.Actor
	// AssessmentsInRecords marks the competition's assessments as written by the service.
	AssessmentsInRecords bool
}

// OpenCompetitionOutput names the competition.
type OpenCompetitionOutput struct {
	CompetitionID int
}

// OpenCompetition opens the phase's competition, or schedules it to open at OpensAt, and moves
// the challenge on. A competition the programme set up is opened as set up; without one, it is
// created from the input. If it is already open or scheduled (a retry), it returns it.
func (a *Activities) OpenCompetition(ctx context.Context, in OpenCompetitionInput) (OpenCompetitionOutput, error) {
	ctx = asSystem(ctx)
	var out OpenCompetitionOutput
	err := a.DB.WithTx(ctx, func(tx *ent.Tx) error {
		existing, err := tx.Competition.Query().
			Where(competitionOf(in.ChallengeID, in.Phase)...).Only(ctx)
		if err == nil && existing.Status != domain.CompetitionDraft {
			out.CompetitionID = existing.ID
			return nil
		}
		if err != nil && !ent.IsNotFound(err) {
			return err
		}
		// The stage moves first, so a refusal comes before anything is written.
		open := func(s domain.ChallengeStage) (domain.ChallengeStage, error) { return s.OpenCompetition(in.Phase) }
		if err := moveChallenge(ctx, tx, in.ChallengeID, in.Actor, open); err != nil {
			return err
		}
		now := time.Now().UTC()
		from := domain.CompetitionStatus(domain.Created)
		if existing != nil {
			from = existing.Status
		}
		status, err := from.Open(in.OpensAt, now)
		if err != nil {
			return refusal(err)
		}
		openedAt, event := now, "competition.opened"
		if status == domain.CompetitionScheduled {
			openedAt, event = time.Time{}, "competition.scheduled"
		}
		var c *ent.Competition
		if existing != nil {
			c, err = tx.Competition.UpdateOne(existing).
				SetStatus(status).SetOpenedAt(openedAt).SetOpensAt(in.OpensAt.UTC()).SetClosesAt(in.ClosesAt.UTC()).
				SetPot(in.Caps.Pot).SetMaxContract(in.Caps.MaxContract).SetMaxContracts(in.Caps.MaxContracts).
				SetScheme(in.Scheme).SetEligibleOrganisations(in.EligibleOrganisations).
				SetAssessmentsInRecords(in.AssessmentsInRecords).
				Save(ctx)
		} else {
			c, err = tx.Competition.Create().
				SetChallengeID(in.ChallengeID).
				SetPhase(in.Phase).
				SetStatus(status).
				SetOpenedAt(openedAt).
				SetClosesAt(in.ClosesAt.UTC()).
				SetPot(in.Caps.Pot).
				SetMaxContract(in.Caps.MaxContract).
				SetMaxContracts(in.Caps.MaxContracts).
				SetScheme(in.Scheme).
				SetEligibleOrganisations(in.EligibleOrganisations).
				SetAssessmentsInRecords(in.AssessmentsInRecords).
				Save(ctx)
		}
		if err != nil {
			return err
		}
		out.CompetitionID = c.ID
		if len(in.EligibleOrganisations) > 0 {
			// Phase 2 is open only to the suppliers the gate continued: each is invited.
			ch, err := tx.Challenge.Get(ctx, in.ChallengeID)
			if err != nil {
				return err
			}
			for _, org := range in.EligibleOrganisations {
				if err := records.NotifyOrganisation(ctx, tx, org, domain.NoticePhase2Invitation, "competition", c.ID, map[string]string{
					"title": ch.Title, "closes_at": domain.FormatTime(c.ClosesAt), "link": fmt.Sprintf("/competitions/%d", c.ID)}); err != nil {
					return err
				}
			}
		}
		if status == domain.CompetitionOpen {
			if err := records.AlertOpened(ctx, tx, c); err != nil {
				return err
			}
		}
		var before any
		if existing != nil {
			before = existing
		}
		return records.Audit(ctx, tx, in.Actor, event, "competition", c.ID, before, c)
	})
	return out, err
}

// CloseCompetitionInput applies a competition's deadline.
type CloseCompetitionInput struct {
	CompetitionID int
	// Eligibility: the programme checks eligibility before anyone is assigned (workflows from
	// versionEligibility on); without it, assessors are assigned at once, as before.
	Eligibility bool `json:",omitempty"`
}

// CloseCompetitionOutput says what the deadline found: the sealed bids that will be assessed.
type CloseCompetitionOutput struct {
	Status domain.CompetitionStatus
	BidIDs []int
}

// CloseCompetition closes the competition at its deadline. The database, not the workflow's
// signals, says which bids arrived: a bid acknowledged while Temporal was down still counts.
// Drafts never submitted stay drafts and are not assessed.
func (a *Activities) CloseCompetition(ctx context.Context, in CloseCompetitionInput) (CloseCompetitionOutput, error) {
	ctx = asSystem(ctx)
	var out CloseCompetitionOutput
	if err := a.waitCloseGrace(ctx, in.CompetitionID); err != nil {
		return out, err
	}
	err := a.DB.WithTx(ctx, func(tx *ent.Tx) error {
		// Take the competition's row first: a bid being sealed at this moment holds it, so the
		// count below sees every bid that committed before the deadline.
		if err := tx.Competition.UpdateOneID(in.CompetitionID).SetUpdatedAt(time.Now().UTC()).Exec(ctx); err != nil {
			return err
		}
		c, err := tx.Competition.Get(ctx, in.CompetitionID)
		if err != nil {
			return err
		}
		ids, err := submittedBidIDs(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		out.BidIDs = ids
		if c.Status != domain.CompetitionOpen {
			out.Status = c.Status // already closed: a retry
			return nil
		}
		close := c.Status.Close
		if in.Eligibility {
			close = c.Status.CloseForEligibility
		}
		next, err := close(len(ids))
		if err != nil {
			return refusal(err)
		}
		out.Status = next
		if err := tx.Competition.UpdateOne(c).SetStatus(next).Exec(ctx); err != nil {
			return err
		}
		if next == domain.CompetitionEligibility {
			if err := flagEligibility(ctx, tx, c, ids); err != nil {
				return err
			}
			if err := moveChallenge(ctx, tx, c.ChallengeID, authz.Actor{Reason: "the deadline passed"}, domain.ChallengeStage.CloseCompetition); err != nil {
				return err
			}
		}
		if next == domain.CompetitionAssessment {
			if _, err := records.AssignAssessors(ctx, tx, c.ID, authz.Actor{Reason: "the deadline passed"}); err != nil {
				return err
			}
			if err := moveChallenge(ctx, tx, c.ChallengeID, authz.Actor{Reason: "the deadline passed"}, domain.ChallengeStage.CloseCompetition); err != nil {
				return err
			}
		}
		return records.Audit(ctx, tx, authz.Actor{Reason: "the deadline passed"}, "competition."+string(next), "competition", c.ID,
			map[string]any{"status": c.Status}, map[string]any{"status": next, "bids": len(ids)})
	})
	return out, err
}

// moveChallenge applies a lifecycle step to a challenge inside tx, with its audit event and the
// reason for the move (cleared when there is none, so an old reason never lingers). A step that
// lands on the stage the challenge already has writes nothing: retries are harmless.
func moveChallenge(ctx context.Context, tx *ent.Tx, challengeID int, actor authz.Actor, step func(domain.ChallengeStage) (domain.ChallengeStage, error)) error {
	ch, err := tx.Challenge.Get(ctx, challengeID)
	if err != nil {
		return err
	}
	next, err := step(ch.Stage)
	if err != nil {
		return refusal(err)
	}
	if next == ch.Stage {
		return nil
	}
	if err := tx.Challenge.UpdateOne(ch).SetStage(next).SetStageReason(actor.Reason).Exec(ctx); err != nil {
		return err
	}
	if err := records.Audit(ctx, tx, actor, "challenge."+string(next), "challenge", ch.ID,
		map[string]any{"stage": ch.Stage}, map[string]any{"stage": next}); err != nil {
		return err
	}
	return noticeOfStage(ctx, tx, ch, next, actor.Reason)
}

// noticeOfStage tells a challenge's owner of the programme's decision on it, in the same
// transaction as the decision.
func noticeOfStage(ctx context.Context, tx *ent.Tx, ch *ent.Challenge, stage domain.ChallengeStage, reason string) error {
	var template domain.NoticeTemplate
	values := map[string]string{"title": ch.Title}
	switch stage {
	case domain.ChallengeSelected:
		template = domain.NoticeChallengeSelected
		values["round"] = "a funding round"
		if r, err := tx.Challenge.QueryRound(ch).Only(ctx); err == nil {
			values["round"] = r.Name
		}
	case domain.ChallengeRejected:
		template, values["reason"] = domain.NoticeChallengeRejected, reason
	default:
		return nil
	}
	owner, err := tx.Challenge.QueryOwner(ch).OnlyID(ctx)
	if ent.IsNotFound(err) {
		return nil // a challenge with no owner has nobody to tell
	}
	if err != nil {
		return err
	}
	return records.Notify(ctx, tx, owner, template, "challenge", ch.ID, values)
}
