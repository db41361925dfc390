package service

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/records"
)

// The interview stage, when a competition has one: the bids whose written score meets the
// threshold are shortlisted, the programme gives each supplier a slot, and records the interview
// panel's score, which combines with the written score by the competition's weight.

// Interviews is a competition's shortlist: the panel sheet's rows shortlisted for interview,
// best written score first, and what the viewer may do with each bid's interview now.
type Interviews struct {
	Competition *ent.Competition
	Shortlist   []PanelRow
	Actions     map[int]Actions // by bid
}

// Waiting names the shortlisted bids whose interview score is not recorded yet.
func (iv Interviews) Waiting() []string {
	var out []string
	for _, r := range iv.Shortlist {
		if r.Bid.InterviewScore == nil {
			out = append(out, r.Bid.Title+" ("+r.Bid.Edges.Organisation.Name+")")
		}
	}
	return out
}

// Interviews builds a competition's shortlist from its panel sheet as it stands (moderation may
// move a bid onto it or off it until the decision), and logs the reading of its scores.
func (s *Service) Interviews(ctx context.Context, competitionID int) (Interviews, error) {
	sheet, err := s.Panel(ctx, competitionID)
	if err != nil {
		return Interviews{}, err
	}
	return s.shortlist(ctx, sheet), nil
}

// interviews is the shortlist as commands and the work queue judge from it: nobody reads it.
func (s *Service) interviews(ctx context.Context, competitionID int) (Interviews, error) {
	sheet, _, err := s.panel(ctx, competitionID)
	if err != nil {
		return Interviews{}, err
	}
	return s.shortlist(ctx, sheet), nil
}

func (s *Service) shortlist(ctx context.Context, sheet PanelSheet) Interviews {
	iv := Interviews{Competition: sheet.Competition}
	for _, r := range sheet.Rows {
		if r.Result.Shortlisted {
			iv.Shortlist = append(iv.Shortlist, r)
		}
	}
	// Best written score first: the combined score would order them by interviews not yet held.
	sort.SliceStable(iv.Shortlist, func(i, j int) bool { return iv.Shortlist[i].Result.Written > iv.Shortlist[j].Result.Written })
	iv.Actions = map[int]Actions{}
	for _, r := range iv.Shortlist {
		iv.Actions[r.Bid.ID] = InterviewActions(ctx, iv.Competition, r.Bid)
	}
	return iv
}

// InterviewActions are what the viewer may do with a shortlisted bid's interview now: give it a
// slot (the programme officer), and record its score once it has one (the programme officer or
// a panel member); never where they declared an interest in the supplier.
func InterviewActions(ctx context.Context, comp *ent.Competition, b *ent.Bid) Actions {
	v, _ := authz.FromContext(ctx)
	var as Actions
	if v.Has(authz.ProgrammeOfficer) {
		label := "Save the slot"
		if b.InterviewAt != nil {
			label = "Move the interview"
		}
		as.add("schedule-interview", label, mayInterview(v, comp, b, false))
	}
	if v.Has(authz.ProgrammeOfficer) || v.Has(authz.PanelMember) {
		err := mayInterview(v, comp, b, true)
		if err == nil {
			err = interviewScheduled(b)
		}
		as.add("score-interview", "Save the interview score", err)
	}
	return as
}

// mayInterview is the rule both interview commands apply to a shortlisted bid (its supplier
// loaded): the stage is open, the person may do it, and declared no interest in the supplier.
func mayInterview(v authz.Viewer, comp *ent.Competition, b *ent.Bid, score bool) error {
	switch {
	case score && !v.Has(authz.ProgrammeOfficer) && !v.Has(authz.PanelMember):
		return forbidden("only the programme officer or a panel member records an interview's score")
	case !score && !v.Has(authz.ProgrammeOfficer):
		return forbidden("only the programme officer schedules interviews")
	}
	if err := domain.CheckInterviews(comp.Status, comp.Scheme.InterviewWeight); err != nil {
		return err
	}
	return noInterest(v, b.OrganisationID, b.Edges.Organisation.Name)
}

// interviewScheduled refuses a score for an interview that has no slot.
func interviewScheduled(b *ent.Bid) error {
	if b.InterviewAt == nil {
		return &domain.TransitionError{Record: "bid", Action: "score the interview", From: string(b.Status), Kind: domain.ErrEvidenceMissing,
			Reason: "the interview has no slot yet: schedule it first"}
	}
	return nil
}

// InterviewSlot is when and where a shortlisted supplier is interviewed.
type InterviewSlot struct {
	BidID int
	At    time.Time
	Place string
}

// InterviewScore is the interview panel's score of a bid, in percent, and why.
type InterviewScore struct {
	BidID   int
	Percent float64
	Note    string
}

// ScheduleInterview gives a shortlisted bid its interview slot, or moves it, and tells the
// supplier.
func (s *Service) ScheduleInterview(ctx context.Context, in InterviewSlot) (*ent.Bid, error) {
	ps := domain.CheckInterviewSlot(in.At, time.Now())
	in.Place = domain.InterviewPlace.CleanAll(in.Place, &ps)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return s.interview(ctx, in.BidID, "bid.interview_scheduled", nil, func(u *ent.BidUpdateOne) *ent.BidUpdateOne {
		return u.SetInterviewAt(in.At.UTC()).SetInterviewPlace(in.Place)
	}, func(tx *ent.Tx, b *ent.Bid, comp *ent.Competition) error {
		return records.NotifyBidders(ctx, tx, comp.ID, b.OrganisationID, domain.NoticeInterviewScheduled, map[string]string{
			"bid": b.Title, "title": comp.Edges.Challenge.Title, "at": domain.FormatTime(in.At), "place": in.Place})
	})
}

// RecordInterviewScore records the interview panel's score of a bid whose interview is
// scheduled; recording again replaces it until the decision.
func (s *Service) RecordInterviewScore(ctx context.Context, in InterviewScore) (*ent.Bid, error) {
	ps := domain.CheckInterviewScore(in.Percent)
	in.Note = domain.InterviewNote.CleanAll(in.Note, &ps)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return s.interview(ctx, in.BidID, "bid.interview_scored", interviewScheduled, func(u *ent.BidUpdateOne) *ent.BidUpdateOne {
		return u.SetInterviewScore(in.Percent).SetInterviewNote(in.Note)
	}, nil)
}

// interview changes a shortlisted bid's interview, once ready (if given) allows it, in one
// transaction with its audit event and what else goes with it.
func (s *Service) interview(ctx context.Context, bidID int, action string, ready func(*ent.Bid) error,
	change func(*ent.BidUpdateOne) *ent.BidUpdateOne, also func(*ent.Tx, *ent.Bid, *ent.Competition) error) (*ent.Bid, error) {
	b, err := s.DB.Bid.Get(ctx, bidID)
	if err != nil {
		return nil, err
	}
	iv, err := s.interviews(ctx, b.CompetitionID)
	if err != nil {
		return nil, err
	}
	comp := iv.Competition
	var org *ent.Organisation
	for _, r := range iv.Shortlist {
		if r.Bid.ID == b.ID {
			org = r.Bid.Edges.Organisation
		}
	}
	if org == nil {
		if err := domain.CheckInterviews(comp.Status, comp.Scheme.InterviewWeight); err != nil {
			return nil, err
		}
		return nil, &domain.TransitionError{Record: "bid", Action: "interview", From: string(b.Status), Kind: domain.ErrInvalidTransition,
			Reason: fmt.Sprintf("it is not shortlisted: only bids whose written score meets the %.0f%% threshold are interviewed", comp.Scheme.Threshold)}
	}
	b.Edges.Organisation = org
	v, _ := authz.FromContext(ctx)
	if err := mayInterview(v, comp, b, action == "bid.interview_scored"); err != nil {
		return nil, err
	}
	if ready != nil {
		if err := ready(b); err != nil {
			return nil, err
		}
	}
	// Checked above, the change is written as the interviews' own identity: the store lets no
	// panel member change a bid, and the trail names who did it.
	sys := authz.AsSystem(ctx, "interviews")
	var out *ent.Bid
	err = s.DB.WithTx(sys, func(tx *ent.Tx) error {
		if out, err = change(tx.Bid.UpdateOneID(b.ID)).Save(sys); err != nil {
			return err
		}
		out.Edges.Organisation = org
		if also != nil {
			if err := also(tx, out, comp); err != nil {
				return err
			}
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), action, "bid", b.ID,
			map[string]any{"at": b.InterviewAt, "place": b.InterviewPlace, "score": b.InterviewScore},
			map[string]any{"at": out.InterviewAt, "place": out.InterviewPlace, "score": out.InterviewScore})
	})
	return out, err
}

// interviewsHeld refuses a decision while a shortlisted bid's interview is not scored.
func (s *Service) interviewsHeld(ctx context.Context, comp *ent.Competition) error {
	if comp.Scheme.InterviewWeight == 0 {
		return nil
	}
	iv, err := s.interviews(ctx, comp.ID)
	if err != nil {
		return err
	}
	if waiting := iv.Waiting(); len(waiting) > 0 {
		return &domain.TransitionError{Record: "competition", Action: "decide", From: string(comp.Status), Kind: domain.ErrEvidenceMissing,
			Reason: "the shortlisted bids need their interview scores first: " + strings.Join(waiting, "; ")}
	}
	return nil
}
