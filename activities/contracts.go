package activities

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/contract"
	"github.com/catalyst-sbri/catalyst/ent/gatedecision"
	"github.com/catalyst-sbri/catalyst/ent/milestone"
	"github.com/catalyst-sbri/catalyst/records"
)

// RecordReportInput is a supplier's end-of-phase report.
type RecordReportInput struct {
	ContractID int
	Summary    string
	Report     domain.PhaseReport
	Actor      authz.Actor
}

// RecordReport stores the end-of-phase report. A repeat of the same report does nothing.
func (a *Activities) RecordReport(ctx context.Context, in RecordReportInput) error {
	ctx = asSystem(ctx)
	return a.DB.WithTx(ctx, func(tx *ent.Tx) error {
		k, err := tx.Contract.Get(ctx, in.ContractID)
		if err != nil {
			return err
		}
		if k.Status == domain.ContractReported {
			return nil
		}
		next, err := k.Status.Report()
		if err != nil {
			return refusal(err)
		}
		if err := tx.Contract.UpdateOne(k).SetStatus(next).SetReportSummary(in.Summary).SetReport(in.Report).SetReportedAt(time.Now().UTC()).Exec(ctx); err != nil {
			return err
		}
		return records.Audit(ctx, tx, in.Actor, "contract.reported", "contract", k.ID,
			map[string]any{"status": k.Status}, map[string]any{"status": next})
	})
}

// RecordGateDecisionInput is the gate's outcome for one contract.
type RecordGateDecisionInput struct {
	ContractID int
	Outcome    domain.GateOutcome
	Rationale  string
	// NoGo: the challenge-level no-go stops the contract whatever evidence it has.
	NoGo   bool
	Lesson *domain.Lesson
	Actor  authz.Actor
}

// RecordGateDecision closes a contract at the gate with the rationale the supplier will read.
// A retry finds the decision already written and does nothing.
func (a *Activities) RecordGateDecision(ctx context.Context, in RecordGateDecisionInput) error {
	ctx = asSystem(ctx)
	return a.DB.WithTx(ctx, func(tx *ent.Tx) error {
		k, err := tx.Contract.Get(ctx, in.ContractID)
		if err != nil {
			return err
		}
		if done, err := tx.GateDecision.Query().Where(gatedecision.ContractID(k.ID)).Exist(ctx); err != nil || done {
			return err
		}
		next, err := k.Status.Decide(in.Outcome, k.Phase)
		if in.NoGo && in.Outcome == domain.GateStop {
			next, err = k.Status.StopWithChallenge()
		}
		if err != nil {
			return refusal(err)
		}
		update := tx.Contract.UpdateOne(k).SetStatus(next)
		after := map[string]any{"status": next, "rationale": in.Rationale}
		if next == domain.ContractStopped {
			// Money limited by design: the contract closes at what it has spent, and no milestone
			// still to be accepted will ever be payable.
			ms, err := tx.Milestone.Query().Where(milestone.ContractID(k.ID)).All(ctx)
			if err != nil {
				return err
			}
			spent := domain.SpendSoFar(records.MilestoneMoney(ms))
			for _, m := range ms {
				cancelled, err := m.Status.Cancel()
				if err != nil {
					continue // accepted or paid: the work was done, and stays payable
				}
				if err := tx.Milestone.UpdateOne(m).SetStatus(cancelled).Exec(ctx); err != nil {
					return err
				}
			}
			update.SetValue(spent)
			after["value"] = spent
		}
		if err := update.Exec(ctx); err != nil {
			return err
		}
		if err := tx.GateDecision.Create().SetContractID(k.ID).SetOutcome(in.Outcome).
			SetRationale(in.Rationale).SetDecidedBy(in.Actor.NameOr(records.SystemActor)).Exec(ctx); err != nil {
			return err
		}
		if in.Lesson != nil {
			comp, err := tx.Competition.Get(ctx, k.CompetitionID)
			if err != nil {
				return err
			}
			if err := tx.Lesson.Create().SetChallengeID(comp.ChallengeID).SetContractID(k.ID).SetKind(domain.LessonStop).SetPhase(k.Phase).
				SetWhatWorked(in.Lesson.WhatWorked).SetWhatFailed(in.Lesson.WhatFailed).SetWhy(in.Lesson.Why).
				SetRecordedBy(in.Actor.NameOr(records.SystemActor)).Exec(ctx); err != nil {
				return err
			}
		}
		if err := records.NotifyOrganisation(ctx, tx, k.OrganisationID, domain.NoticeGateDecided, "contract", k.ID, map[string]string{
			"decision": strings.ToLower(next.Label()), "rationale": in.Rationale}); err != nil {
			return err
		}
		return records.Audit(ctx, tx, in.Actor, "contract.gate_"+string(in.Outcome), "contract", k.ID,
			map[string]any{"status": k.Status, "value": k.Value}, after)
	})
}

// CompleteChallengeInput records the programme outcome.
type CompleteChallengeInput struct {
	ChallengeID int
	Outcome     domain.ProgrammeOutcome
	Lessons     string
	Route       string
	Lesson      *domain.Lesson
	Actor       authz.Actor
}

// CompleteChallenge records the outcome and lessons and marks the challenge complete.
func (a *Activities) CompleteChallenge(ctx context.Context, in CompleteChallengeInput) error {
	ctx = asSystem(ctx)
	return a.DB.WithTx(ctx, func(tx *ent.Tx) error {
		ch, err := tx.Challenge.Get(ctx, in.ChallengeID)
		if err != nil || ch.Stage == domain.ChallengeComplete {
			return err // a retry finds it complete already
		}
		if err := moveChallenge(ctx, tx, ch.ID, in.Actor, domain.ChallengeStage.Complete); err != nil {
			return err
		}
		if err := tx.Challenge.UpdateOneID(ch.ID).SetOutcome(in.Outcome).SetLessons(in.Lessons).SetOutcomeRoute(in.Route).Exec(ctx); err != nil {
			return err
		}
		if in.Lesson != nil {
			if err := tx.Lesson.Create().SetChallengeID(ch.ID).SetKind(domain.LessonOutcome).SetPhase(2).
				SetWhatWorked(in.Lesson.WhatWorked).SetWhatFailed(in.Lesson.WhatFailed).SetWhy(in.Lesson.Why).
				SetRecordedBy(in.Actor.NameOr(records.SystemActor)).Exec(ctx); err != nil {
				return err
			}
		}
		return records.Audit(ctx, tx, in.Actor, "challenge.outcome_recorded", "challenge", ch.ID, nil,
			map[string]any{"outcome": in.Outcome, "lessons": in.Lessons, "route": in.Route, "lesson": in.Lesson})
	})
}

// KeepContractTimeInput names the contract, and the time as the workflow has it.
type KeepContractTimeInput struct {
	ContractID int
	Now        time.Time
}

// KeepContractTimeOutput is when the contract next needs the activity: nil when nothing dated
// is pending (not yet accepted, or everything told).
type KeepContractTimeOutput struct {
	Next *time.Time
}

// KeepContractTime sends what a running contract's dates call for by now, each once: the
// midpoint review's request for a progress update, the reminder that the end-of-phase report is
// due, and each overdue payment flagged to the programme. Its markers are written in the
// notice's transaction, so a second run sends nothing.
func (a *Activities) KeepContractTime(ctx context.Context, in KeepContractTimeInput) (KeepContractTimeOutput, error) {
	ctx = asSystem(ctx)
	var out KeepContractTimeOutput
	later := func(t time.Time) {
		if out.Next == nil || t.Before(*out.Next) {
			out.Next = &t
		}
	}
	err := a.DB.WithTx(ctx, func(tx *ent.Tx) error {
		out.Next = nil
		k, err := tx.Contract.Query().Where(contract.ID(in.ContractID)).WithOrganisation().
			WithCompetition(func(q *ent.CompetitionQuery) { q.WithChallenge() }).Only(ctx)
		if err != nil {
			return err
		}
		if k.StartsOn == nil || k.EndsOn == nil || (k.Status != domain.ContractActive && k.Status != domain.ContractReported) {
			return nil
		}
		title := k.Edges.Competition.Edges.Challenge.Title
		if k.MidpointAskedAt == nil {
			if mid := domain.ContractMidpoint(*k.StartsOn, *k.EndsOn); in.Now.Before(mid) {
				later(mid)
			} else {
				if err := records.NotifyOrganisation(ctx, tx, k.OrganisationID, domain.NoticeMidpointReview, "contract", k.ID, map[string]string{"title": title}); err != nil {
					return err
				}
				if err := tx.Contract.UpdateOne(k).SetMidpointAskedAt(in.Now.UTC()).Exec(ctx); err != nil {
					return err
				}
			}
		}
		if k.ReportedAt == nil && k.ReportRemindedAt == nil {
			if remind := domain.ReportReminder(*k.EndsOn); in.Now.Before(remind) {
				later(remind)
			} else {
				if err := records.NotifyOrganisation(ctx, tx, k.OrganisationID, domain.NoticeReportDue, "contract", k.ID, map[string]string{
					"title": title, "due": domain.FormatDate(*k.EndsOn)}); err != nil {
					return err
				}
				if err := tx.Contract.UpdateOneID(k.ID).SetReportRemindedAt(in.Now.UTC()).Exec(ctx); err != nil {
					return err
				}
			}
		}
		ms, err := tx.Milestone.Query().Where(milestone.ContractID(k.ID), milestone.StatusEQ(domain.MilestoneAccepted),
			milestone.OverdueFlaggedAtIsNil(), milestone.PaymentDueNotNil()).All(ctx)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if from := domain.OverdueFrom(*m.PaymentDue); in.Now.Before(from) {
				later(from)
				continue
			}
			if err := records.NotifyProgramme(ctx, tx, domain.NoticePaymentOverdue, "contract", k.ID, map[string]string{"title": title,
				"amount": m.Amount.String(), "supplier": k.Edges.Organisation.Name, "milestone": strconv.Itoa(m.Number), "due": domain.FormatDate(*m.PaymentDue)}); err != nil {
				return err
			}
			if err := tx.Milestone.UpdateOne(m).SetOverdueFlaggedAt(in.Now.UTC()).Exec(ctx); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}
