package service

import (
	"context"
	"fmt"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/screening"
	"github.com/catalyst-sbri/catalyst/ent/screeningcriterion"
	"github.com/catalyst-sbri/catalyst/records"
)

// ScreeningCriteria lists the programme's screening criteria in the order they were added; the
// retired ones only when asked.
func (s *Service) ScreeningCriteria(ctx context.Context, withRetired bool) ([]*ent.ScreeningCriterion, error) {
	q := s.DB.ScreeningCriterion.Query().Order(ent.Asc(screeningcriterion.FieldID))
	if !withRetired {
		q.Where(screeningcriterion.RetiredAtIsNil())
	}
	return q.All(ctx)
}

// AddScreeningCriterion adds a test every submitted challenge is screened against.
func (s *Service) AddScreeningCriterion(ctx context.Context, text string) (*ent.ScreeningCriterion, error) {
	text, p := domain.ScreeningCriterionText.Clean(text)
	if p != nil {
		return nil, domain.Problems{*p}
	}
	var out *ent.ScreeningCriterion
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		var err error
		if out, err = tx.ScreeningCriterion.Create().SetText(text).Save(ctx); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "screening_criterion.added", "screening_criterion", out.ID, nil, map[string]any{"text": text})
	})
	return out, err
}

// RetireScreeningCriterion stops screening against a criterion; judgements already made keep it.
func (s *Service) RetireScreeningCriterion(ctx context.Context, id int) (*ent.ScreeningCriterion, error) {
	var out *ent.ScreeningCriterion
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		var err error
		if out, err = tx.ScreeningCriterion.Get(ctx, id); err != nil || out.RetiredAt != nil {
			return err
		}
		if out, err = tx.ScreeningCriterion.UpdateOne(out).SetRetiredAt(time.Now().UTC()).Save(ctx); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "screening_criterion.retired", "screening_criterion", id, nil, map[string]any{"retired_at": out.RetiredAt})
	})
	return out, err
}

// Screenings are a challenge's judgements, by criterion.
func (s *Service) Screenings(ctx context.Context, challengeID int) (map[int]*ent.Screening, error) {
	rows, err := s.DB.Screening.Query().Where(screening.ChallengeID(challengeID)).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[int]*ent.Screening, len(rows))
	for _, r := range rows {
		out[r.CriterionID] = r
	}
	return out, nil
}

// ScreenChallenge records the programme's judgement of a submitted challenge against each of
// the criteria given: met or not, with a note. A judgement made again replaces the first.
func (s *Service) ScreenChallenge(ctx context.Context, challengeID int, results []domain.ScreeningResult) error {
	ch, err := s.changeChallenge(ctx, challengeID)
	if err != nil {
		return err
	}
	if ch.Stage != domain.ChallengeSubmitted {
		_, err := ch.Stage.Select() // the stage that screening leads to says why not
		return err
	}
	criteria, err := s.ScreeningCriteria(ctx, false)
	if err != nil {
		return err
	}
	active := map[int]bool{}
	for _, c := range criteria {
		active[c.ID] = true
	}
	var ps domain.Problems
	if len(results) == 0 {
		ps.Add("results", "judge the challenge against at least one criterion")
	}
	for i, r := range results {
		at := fmt.Sprintf("results[%d]", i)
		switch {
		case !active[r.CriterionID]:
			ps.Add(at+".criterion_id", "criterion %d is not one of the programme's screening criteria", r.CriterionID)
		case r.Met == nil:
			ps.Add(at+".met", "say whether the challenge meets criterion %d", r.CriterionID)
		}
		note, p := domain.ScreeningNote.Clean(r.Note)
		if p != nil {
			p.Field = at + ".note"
			ps = append(ps, *p)
		}
		results[i].Note = note
	}
	if err := ps.Err(); err != nil {
		return err
	}
	actor := authz.ActorOf(ctx, "")
	return s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		for _, r := range results {
			id, err := tx.Screening.Create().SetChallengeID(ch.ID).SetCriterionID(r.CriterionID).SetMet(*r.Met).SetNote(r.Note).
				SetScreenedBy(actor.Who).OnConflictColumns(screening.FieldChallengeID, screening.FieldCriterionID).UpdateNewValues().ID(ctx)
			if err != nil {
				return err
			}
			if err := records.Audit(ctx, tx, actor, "challenge.screened", "challenge", ch.ID, nil,
				map[string]any{"screening": id, "criterion": r.CriterionID, "met": *r.Met, "note": r.Note}); err != nil {
				return err
			}
		}
		return nil
	})
}

// checkScreened says whether the challenge has been judged against every criterion in force.
func (s *Service) checkScreened(ctx context.Context, challengeID int) error {
	criteria, err := s.ScreeningCriteria(ctx, false)
	if err != nil {
		return err
	}
	done, err := s.Screenings(ctx, challengeID)
	if err != nil {
		return err
	}
	ids := make([]int, len(criteria))
	for i, c := range criteria {
		ids[i] = c.ID
	}
	var screened []int
	for id := range done {
		screened = append(screened, id)
	}
	return domain.CheckScreened(ids, screened)
}
