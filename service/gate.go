package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/challenge"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/ent/lesson"
	"github.com/catalyst-sbri/catalyst/ent/showandtell"
	"github.com/catalyst-sbri/catalyst/records"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// The stage gate in full: the structured end-of-phase report, the show-and-tell with the
// owner's recommendation, the challenge-level go or no-go, each supplier's continue or stop
// once the evidence is in, and the lessons every stop, no-go and outcome records.

// ShowAndTell reads a contract's show-and-tell, nil when none is scheduled.
func (s *Service) ShowAndTell(ctx context.Context, contractID int) (*ent.ShowAndTell, error) {
	st, err := s.DB.ShowAndTell.Query().Where(showandtell.ContractID(contractID)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return st, err
}

// GateEvidence is what the gate has for a contract now.
func (s *Service) GateEvidence(ctx context.Context, k *ent.Contract) (domain.GateEvidence, error) {
	e := domain.GateEvidence{Phase: k.Phase, Reported: k.ReportedAt != nil}
	ch, err := s.DB.Challenge.Query().Where(challenge.HasCompetitionsWith(competition.ID(k.CompetitionID))).Only(authz.AsSystem(ctx, contractsName))
	if err != nil {
		return e, err
	}
	if ch.GateGo != nil {
		e.ChallengeGo = *ch.GateGo
	}
	st, err := s.ShowAndTell(authz.AsSystem(ctx, contractsName), k.ID)
	if err != nil {
		return e, err
	}
	e.ShowAndTellHeld = st != nil && st.HeldAt != nil
	e.Recommended = st != nil && st.Recommendation != nil
	return e, nil
}

// SubmitReport records a supplier's end-of-phase report on its contract, section by section.
func (s *Service) SubmitReport(ctx context.Context, contractID int, report domain.PhaseReport) error {
	k, err := s.contractFor(ctx, contractID, "supplier")
	if err != nil {
		return err
	}
	clean, ps := report.Clean()
	if err := ps.Err(); err != nil {
		return err
	}
	if _, err := k.Status.Report(); err != nil && !s.Lifecycle.Sent(ctx, workflows.ContractWorkflowID(contractID), workflows.UpdateSubmitReport) {
		return err
	}
	// The contract takes a report, so its lifecycle runs or is starting: the challenge's starts
	// it once the competition's has ended, which on a busy service can take longer than a
	// command waits.
	return StillStarting(s.Lifecycle.SubmitReport(ctx, contractID, workflows.SubmitReportRequest{Summary: clean["summary"], Report: clean, Actor: authz.ActorOf(ctx, "")}))
}

// StillStarting reads a lifecycle not found, for a command its record's state takes, as one still
// starting: busy (workflows.ErrBusy, a 503 with Retry-After), so that the same command sent
// again in a moment is taken, rather than refused as if the record's lifecycle had ended.
func StillStarting(err error) error {
	if errors.Is(err, workflows.ErrNotRunning) {
		return fmt.Errorf("%w: its lifecycle is still starting: %w", workflows.ErrBusy, err)
	}
	return err
}

// ShowAndTellSlot is when and where a supplier presents to the gate, and who is asked.
type ShowAndTellSlot struct {
	ContractID          int
	At                  time.Time
	Place               string
	PresentationMinutes int
	QuestionsMinutes    int
	Attendees           string
}

// gateOpen refuses gate work on a contract that is not running: offered, or decided.
func gateOpen(k *ent.Contract, action string) error {
	switch k.Status {
	case domain.ContractActive, domain.ContractReported:
		return nil
	}
	return &domain.TransitionError{Record: "contract", Action: action, From: string(k.Status), Kind: domain.ErrInvalidTransition,
		Reason: "the contract is " + k.Status.Label()}
}

// ScheduleShowAndTell gives a supplier its show-and-tell slot, or moves it, and tells it.
func (s *Service) ScheduleShowAndTell(ctx context.Context, in ShowAndTellSlot) (*ent.ShowAndTell, error) {
	k, err := s.contractFor(ctx, in.ContractID, "programme")
	if err != nil {
		return nil, err
	}
	if err := gateOpen(k, "schedule the show-and-tell of"); err != nil {
		return nil, err
	}
	ps := domain.CheckInterviewSlot(in.At, time.Now())
	for i := range ps {
		ps[i].Message = strings.ReplaceAll(ps[i].Message, "interview", "show-and-tell")
	}
	in.Place = domain.ShowAndTellPlace.CleanAll(in.Place, &ps)
	in.Attendees = domain.ShowAndTellAttendees.CleanAll(in.Attendees, &ps)
	ps = append(ps, domain.CheckShowAndTellLength(in.PresentationMinutes, in.QuestionsMinutes)...)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	sys := authz.AsSystem(ctx, contractsName)
	var out *ent.ShowAndTell
	err = s.DB.WithTx(sys, func(tx *ent.Tx) error {
		before, err := tx.ShowAndTell.Query().Where(showandtell.ContractID(k.ID)).Only(sys)
		if err != nil && !ent.IsNotFound(err) {
			return err
		}
		if before != nil && before.HeldAt != nil {
			return &domain.TransitionError{Record: "show-and-tell", Action: "move", Kind: domain.ErrInvalidTransition, Reason: "it has been held"}
		}
		if before == nil {
			out, err = tx.ShowAndTell.Create().SetContractID(k.ID).SetAt(in.At.UTC()).SetPlace(in.Place).SetAttendees(in.Attendees).
				SetPresentationMinutes(in.PresentationMinutes).SetQuestionsMinutes(in.QuestionsMinutes).Save(sys)
		} else {
			out, err = tx.ShowAndTell.UpdateOne(before).SetAt(in.At.UTC()).SetPlace(in.Place).SetAttendees(in.Attendees).
				SetPresentationMinutes(in.PresentationMinutes).SetQuestionsMinutes(in.QuestionsMinutes).Save(sys)
		}
		if err != nil {
			return err
		}
		if err := records.NotifyOrganisation(ctx, tx, k.OrganisationID, domain.NoticeShowAndTellScheduled, "contract", k.ID, map[string]string{
			"title": k.Edges.Competition.Edges.Challenge.Title, "at": domain.FormatTime(in.At), "place": in.Place,
			"presentation": strconv.Itoa(in.PresentationMinutes), "questions": strconv.Itoa(in.QuestionsMinutes)}); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "contract.show_and_tell_scheduled", "contract", k.ID, before, out)
	})
	return out, err
}

// ShowAndTellRecord is what the programme records after the show-and-tell.
type ShowAndTellRecord struct {
	ContractID int
	// HeldAt is when it was held; zero means when it was scheduled.
	HeldAt   time.Time
	Attended string
	Notes    string
}

// RecordShowAndTell records who attended the show-and-tell and the notes.
func (s *Service) RecordShowAndTell(ctx context.Context, in ShowAndTellRecord) (*ent.ShowAndTell, error) {
	k, err := s.contractFor(ctx, in.ContractID, "programme")
	if err != nil {
		return nil, err
	}
	if err := gateOpen(k, "record the show-and-tell of"); err != nil {
		return nil, err
	}
	var ps domain.Problems
	in.Attended = domain.ShowAndTellAttended.CleanAll(in.Attended, &ps)
	in.Notes = domain.ShowAndTellNotes.CleanAll(in.Notes, &ps)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	heldAt := in.HeldAt
	return s.changeShowAndTell(ctx, k, "contract.show_and_tell_held", func(u *ent.ShowAndTellUpdateOne) {
		u.SetHeldAt(heldAt.UTC()).SetAttended(in.Attended).SetNotes(in.Notes)
	}, func(st *ent.ShowAndTell) error {
		if st == nil {
			return noShowAndTell()
		}
		if heldAt.IsZero() {
			heldAt = st.At
		}
		return domain.CheckShowAndTellHeld(st.At, heldAt, time.Now())
	})
}

// Recommendation is the challenge owner's recommendation for a supplier at the gate, and why.
type Recommendation struct {
	ContractID int
	Outcome    string
	Reason     string
}

// RecommendAtGate records the challenge owner's recommendation after the show-and-tell.
func (s *Service) RecommendAtGate(ctx context.Context, in Recommendation) (*ent.ShowAndTell, error) {
	k, err := s.contractFor(ctx, in.ContractID, "owner")
	if err != nil {
		return nil, err
	}
	if err := gateOpen(k, "recommend at the gate for"); err != nil {
		return nil, err
	}
	var ps domain.Problems
	outcome := domain.GateOutcome(in.Outcome)
	if !outcome.Valid(k.Phase) {
		ps.Add("recommendation", "Choose %s", map[int]string{1: "continue or stop", 2: "complete or stop"}[k.Phase])
	}
	in.Reason = domain.RecommendationReason.CleanAll(in.Reason, &ps)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return s.changeShowAndTell(ctx, k, "contract.recommended", func(u *ent.ShowAndTellUpdateOne) {
		u.SetRecommendation(outcome).SetRecommendationReason(in.Reason).SetRecommendedBy(authz.ActorOf(ctx, "").Who)
	}, heldForRecommendation)
}

// heldForRecommendation is the rule for the owner's recommendation: after the show-and-tell.
func heldForRecommendation(st *ent.ShowAndTell) error {
	if st == nil || st.HeldAt == nil {
		return &domain.TransitionError{Record: "contract", Action: "recommend at the gate for", Kind: domain.ErrEvidenceMissing,
			Reason: "the show-and-tell has not been held and recorded yet"}
	}
	return nil
}

// noShowAndTell refuses what needs a show-and-tell before one is scheduled.
func noShowAndTell() error {
	return &domain.TransitionError{Record: "contract", Action: "record the show-and-tell of", Kind: domain.ErrEvidenceMissing,
		Reason: "no show-and-tell is scheduled yet"}
}

func (s *Service) changeShowAndTell(ctx context.Context, k *ent.Contract, action string, change func(*ent.ShowAndTellUpdateOne), ready func(*ent.ShowAndTell) error) (*ent.ShowAndTell, error) {
	sys := authz.AsSystem(ctx, contractsName)
	var out *ent.ShowAndTell
	err := s.DB.WithTx(sys, func(tx *ent.Tx) error {
		// ready judges the show-and-tell, or its absence (nil), by its command's own rule.
		before, err := tx.ShowAndTell.Query().Where(showandtell.ContractID(k.ID)).Only(sys)
		if ent.IsNotFound(err) {
			before, err = nil, nil
		}
		if err != nil {
			return err
		}
		if err := ready(before); err != nil {
			return err
		}
		u := tx.ShowAndTell.UpdateOne(before)
		change(u)
		if out, err = u.Save(sys); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), action, "contract", k.ID, before, out)
	})
	return out, err
}

// RecordGateDecision is the stage gate's decision for one contract, with what a stop taught.
type RecordGateDecision struct {
	ContractID int
	Outcome    string
	Rationale  string
	Lesson     domain.Lesson
}

// RecordGateDecision records the gate's continue, stop or complete for a contract, with the
// rationale its supplier reads, once the evidence is in.
func (s *Service) RecordGateDecision(ctx context.Context, in RecordGateDecision) error {
	k, err := s.contractFor(ctx, in.ContractID, "programme")
	if err != nil {
		return err
	}
	outcome := domain.GateOutcome(in.Outcome)
	e, err := s.GateEvidence(ctx, k)
	if err != nil {
		return err
	}
	// Decided already, or not running, is said at once; missing evidence after the input's
	// problems, so a person fixes both in one go.
	may := mayDecideGate(k, e)
	if may != nil && !errors.Is(may, domain.ErrEvidenceMissing) &&
		!s.Lifecycle.Sent(ctx, workflows.ChallengeWorkflowID(k.Edges.Competition.ChallengeID), workflows.GateOutcomeUpdate(in.ContractID)) {
		return may
	}
	ps := domain.Problems{}
	if err := domain.CheckGateDecision(outcome, in.Rationale, k.Phase); err != nil {
		if !errors.As(err, &ps) {
			return err
		}
	}
	var lesson *domain.Lesson
	if outcome == domain.GateStop {
		l, lps := in.Lesson.Clean()
		ps = append(ps, lps...)
		lesson = &l
	}
	if err := ps.Err(); err != nil {
		return err
	}
	if errors.Is(may, domain.ErrEvidenceMissing) {
		return may
	}
	rationale, _ := domain.GateRationale.Clean(in.Rationale)
	_, err = s.Lifecycle.RecordGateOutcome(ctx, k.Edges.Competition.ChallengeID,
		workflows.GateOutcomeRequest{ContractID: in.ContractID, Outcome: outcome, Rationale: rationale, Lesson: lesson, Actor: authz.ActorOf(ctx, "")})
	return err
}

// mayDecideGate is the rule for the gate's decision on a contract, which RecordGateDecision
// applies and the contract's page offers: the contract waits at the gate (not decided already)
// and every piece of evidence is in, each missing one named (the gate's transaction checks the
// state again).
func mayDecideGate(k *ent.Contract, e domain.GateEvidence) error {
	if k.Status != domain.ContractReported {
		if _, err := k.Status.Decide(domain.GateStop, k.Phase); err != nil && !errors.Is(err, domain.ErrEvidenceMissing) {
			return err // missing evidence is named in full below
		}
	}
	return domain.CheckGateEvidence(e)
}

// ChallengeGate is the challenge-level decision at the phase 1 gate.
type ChallengeGate struct {
	ChallengeID int
	Decision    string
	Criteria    []string // the keys of the criteria met
	Rationale   string
	Lesson      domain.Lesson // needed for a no-go
}

// DecideChallengeGate records whether the challenge goes on to phase 2. A no-go records its
// lesson, then stops every phase 1 contract not yet decided; the challenge closes once they
// are. Asked again after a failure part way, a no-go stops the contracts it had not reached.
func (s *Service) DecideChallengeGate(ctx context.Context, in ChallengeGate) (*ent.Challenge, error) {
	v, _ := authz.FromContext(ctx)
	if !v.Has(authz.ProgrammeOfficer) {
		return nil, forbidden("only the programme officer decides the challenge-level gate")
	}
	ch, err := s.DB.Challenge.Get(ctx, in.ChallengeID)
	if err != nil {
		return nil, err
	}
	decision := domain.ChallengeGo(in.Decision)
	if err := domain.CheckChallengeGate(ch.Stage, ch.GateGo, decision); err != nil {
		return nil, err
	}
	if err := s.noInterestInContractors(ctx, ch.ID); err != nil {
		return nil, err
	}
	again := ch.GateGo != nil // a no-go sent again: finish stopping its contracts
	met := map[string]bool{}
	for _, c := range in.Criteria {
		met[c] = true
	}
	ps := domain.CheckChallengeGo(decision, met, in.Rationale)
	var l domain.Lesson
	if decision == domain.GateNoGo {
		var lps domain.Problems
		l, lps = in.Lesson.Clean()
		ps = append(ps, lps...)
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	rationale, _ := domain.GateRationale.Clean(in.Rationale)
	actor := authz.ActorOf(ctx, "")
	if !again {
		sys := authz.AsSystem(ctx, contractsName)
		err = s.DB.WithTx(sys, func(tx *ent.Tx) error {
			now, err := tx.Challenge.Get(sys, ch.ID)
			if err != nil {
				return err
			}
			if now.GateGo != nil {
				return &domain.TransitionError{Record: "challenge", Action: "decide the gate for", From: string(now.Stage), Kind: domain.ErrInvalidTransition,
					Reason: "the challenge-level gate has decided already"}
			}
			if err := tx.Challenge.UpdateOne(now).SetGateGo(decision).SetGateCriteria(met).SetGateRationale(rationale).
				SetGateDecidedBy(actor.Who).SetGateDecidedAt(time.Now().UTC()).Exec(sys); err != nil {
				return err
			}
			if decision == domain.GateNoGo {
				if err := tx.Lesson.Create().SetChallengeID(ch.ID).SetKind(domain.LessonNoGo).SetPhase(1).SetWhatWorked(l.WhatWorked).
					SetWhatFailed(l.WhatFailed).SetWhy(l.Why).SetRecordedBy(actor.Who).Exec(sys); err != nil {
					return err
				}
			}
			return records.Audit(ctx, tx, actor, "challenge.gate_"+string(decision), "challenge", ch.ID, nil,
				map[string]any{"decision": decision, "criteria": met, "rationale": rationale})
		})
		if err != nil {
			return nil, err
		}
	}
	if decision == domain.GateNoGo {
		_, err := s.Lifecycle.StopForNoGo(ctx, ch.ID, workflows.NoGoRequest{
			Rationale: "The challenge-level gate decided no-go, which stops every contract: " + rationale, Actor: actor})
		if err != nil {
			return nil, fmt.Errorf("the no-go is recorded, but stopping its contracts did not finish (decide no-go again to finish): %w", err)
		}
	}
	return s.DB.Challenge.Get(ctx, ch.ID)
}

// CompleteChallenge records what became of a challenge after its final gate.
type CompleteChallenge struct {
	ID      int
	Outcome string
	Route   string // a follow-on procurement's route
	Lessons string
	Lesson  domain.Lesson
}

// CompleteChallenge records the programme outcome and its lesson.
func (s *Service) CompleteChallenge(ctx context.Context, in CompleteChallenge) error {
	var ps domain.Problems
	outcome := domain.ProgrammeOutcome(in.Outcome)
	if !outcome.Valid() {
		ps.Add("outcome", "Choose the outcome: adopted, not adopted, or a follow-on procurement")
	}
	in.Route = domain.OutcomeRoute.CleanAll(in.Route, &ps)
	if outcome == domain.OutcomeFollowOn && in.Route == "" {
		ps.Add("route", "Say which route the follow-on procurement takes, such as an open procedure or a framework")
	}
	in.Lessons = domain.ChallengeLessons.CleanAll(in.Lessons, &ps)
	l, lps := in.Lesson.Clean()
	ps = append(ps, lps...)
	if err := ps.Err(); err != nil {
		return err
	}
	ch, err := s.changeChallenge(ctx, in.ID)
	if err != nil {
		return err
	}
	if err := refuseIfNotRunning(ch.Stage, domain.ChallengeStage.Complete); err != nil &&
		!s.Lifecycle.Sent(ctx, workflows.ChallengeWorkflowID(in.ID), workflows.UpdateCompleteChallenge) {
		return err
	}
	if ch.Stage == domain.ChallengePhase2Contracts {
		if err := s.mayComplete(ctx, ch); err != nil {
			return err
		}
	}
	if in.Lessons == "" {
		in.Lessons = l.Why
	}
	_, err = s.Lifecycle.CompleteChallenge(ctx, in.ID, workflows.CompleteChallengeRequest{
		Outcome: outcome, Route: in.Route, Lessons: in.Lessons, Lesson: &l, Actor: authz.ActorOf(ctx, "")})
	return err
}

// LessonFilter narrows the register: words in any part, a challenge's field, a kind.
type LessonFilter struct {
	Words string
	Field string
	Kind  string
}

// LessonEntry is one lesson with its challenge.
type LessonEntry struct {
	Lesson    *ent.Lesson
	Challenge *ent.Challenge
}

// Lessons is the register: every lesson recorded, newest first, as anyone may read it.
func (s *Service) Lessons(ctx context.Context, f LessonFilter) ([]LessonEntry, error) {
	q := s.DB.Lesson.Query().Order(ent.Desc(lesson.FieldID))
	if f.Kind != "" {
		q.Where(lesson.KindEQ(domain.LessonKind(f.Kind)))
	}
	if w := strings.TrimSpace(f.Words); w != "" {
		q.Where(lesson.Or(lesson.WhatWorkedContainsFold(w), lesson.WhatFailedContainsFold(w), lesson.WhyContainsFold(w)))
	}
	rows, err := q.All(ctx)
	if err != nil {
		return nil, err
	}
	// The challenge's title and fields are public once the register names them.
	sys := authz.AsSystem(ctx, "lessons")
	out := make([]LessonEntry, 0, len(rows))
	for _, l := range rows {
		ch, err := s.DB.Challenge.Get(sys, l.ChallengeID)
		if err != nil {
			return nil, err
		}
		if f.Field != "" && !slices.Contains(ch.Fields, f.Field) {
			continue
		}
		out = append(out, LessonEntry{Lesson: l, Challenge: ch})
	}
	return out, nil
}

// SubmitProgress is the supplier's short progress update for the midpoint review.
func (s *Service) SubmitProgress(ctx context.Context, contractID int, update string) (*ent.Contract, error) {
	k, err := s.contractFor(ctx, contractID, "supplier")
	if err != nil {
		return nil, err
	}
	update, p := domain.ProgressUpdate.Clean(update)
	if p != nil {
		return nil, domain.Problems{*p}
	}
	if err := k.Status.CheckProgress(); err != nil {
		return nil, err
	}
	return s.changeContract(ctx, k, "contract.progress_updated", func(u *ent.ContractUpdateOne) {
		u.SetProgressUpdate(update).SetProgressAt(time.Now().UTC())
	})
}

// MidpointReview is the challenge owner's red, amber or green status of a contract, and why.
type MidpointReview struct {
	ContractID int
	RAG        string
	Note       string
}

// ReviewMidpoint records the owner's status of a contract after the supplier's progress update.
func (s *Service) ReviewMidpoint(ctx context.Context, in MidpointReview) (*ent.Contract, error) {
	k, err := s.contractFor(ctx, in.ContractID, "owner")
	if err != nil {
		return nil, err
	}
	var ps domain.Problems
	rag := domain.RAG(in.RAG)
	if !rag.Valid() {
		ps.Add("rag", "Choose red, amber or green")
	}
	in.Note = domain.MidpointNote.CleanAll(in.Note, &ps)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	if err := mayReviewMidpoint(k); err != nil {
		return nil, err
	}
	return s.changeContract(ctx, k, "contract.midpoint_reviewed", func(u *ent.ContractUpdateOne) {
		u.SetRag(rag).SetRagNote(in.Note).SetRagBy(authz.ActorOf(ctx, "").Who)
	})
}

// mayReviewMidpoint is the rule for the owner's midpoint review, which ReviewMidpoint applies
// and the contract's page offers: the contract runs and its supplier has sent its progress.
func mayReviewMidpoint(k *ent.Contract) error {
	if err := gateOpen(k, "review the midpoint of"); err != nil {
		return err
	}
	if k.ProgressAt == nil {
		return &domain.TransitionError{Record: "contract", Action: "review the midpoint of", From: string(k.Status), Kind: domain.ErrEvidenceMissing,
			Reason: "the supplier has not sent its progress update yet"}
	}
	return nil
}

// changeContract writes one change to a contract with its audit event.
func (s *Service) changeContract(ctx context.Context, k *ent.Contract, action string, change func(*ent.ContractUpdateOne)) (*ent.Contract, error) {
	sys := authz.AsSystem(ctx, contractsName)
	var out *ent.Contract
	err := s.DB.WithTx(sys, func(tx *ent.Tx) error {
		u := tx.Contract.UpdateOneID(k.ID)
		change(u)
		var err error
		if out, err = u.Save(sys); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), action, "contract", k.ID,
			map[string]any{"progress_update": k.ProgressUpdate, "rag": k.Rag, "rag_note": k.RagNote},
			map[string]any{"progress_update": out.ProgressUpdate, "rag": out.Rag, "rag_note": out.RagNote})
	})
	return out, err
}
