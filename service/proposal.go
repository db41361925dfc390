package service

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/assessment"
	"github.com/catalyst-sbri/catalyst/ent/assignment"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/ent/person"
	"github.com/catalyst-sbri/catalyst/records"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// The assignment proposal: after eligibility the optimiser pairs assessors with bids; the
// programme reviews every pairing with its explanation, every shortfall with its reason and each
// assessor's load, swaps, re-runs, and releases. Only then do assessors see their bids.

// Proposal is a competition's assignment as the programme reviews it.
type Proposal struct {
	Competition *ent.Competition
	Assignments []*ent.Assignment // with bid and assessor, by bid then ID
	Pool        []PoolMember      // every active assessor
	Shortfalls  []domain.Shortfall
	Titles      map[int]string                  // each bid's title and supplier, by bid
	Answers     map[int]domain.AssignmentAnswer // each assignment's answer from its assessor, by assignment
	Actions     map[int]Actions                 // what the viewer may do to each pairing now, by assignment
}

// PoolMember is one assessor as the proposal shows them: their load and capacity in this
// competition, and whether their declaration of interests stands.
type PoolMember struct {
	Person     *ent.Person
	Load       int       // bids assigned now (not declined)
	Capacity   *int      // the programme's figure for this competition; nil: a fair share
	Lapses     time.Time // when their declaration of interests lapses (or lapsed)
	Lapsed     bool
	Scored     int // bids they have scored
	Unanswered int // released bids they have neither accepted nor declined
	Overdue    int // released bids not scored by the due date
}

// Released says whether assessors see their bids.
func (p Proposal) Released() bool { return p.Competition.AssignmentsReleasedAt != nil }

// AssignmentProposal reads a competition's assignment for the programme.
func (s *Service) AssignmentProposal(ctx context.Context, competitionID int) (Proposal, error) {
	comp, err := s.DB.Competition.Query().Where(competition.ID(competitionID)).WithChallenge().Only(ctx)
	if err != nil {
		return Proposal{}, err
	}
	rows, err := s.DB.Assignment.Query().Where(assignment.CompetitionID(comp.ID)).
		WithBid(func(q *ent.BidQuery) { q.WithOrganisation() }).WithAssessor().
		Order(ent.Asc(assignment.FieldBidID), ent.Asc(assignment.FieldID)).All(ctx)
	if err != nil {
		return Proposal{}, err
	}
	pool, err := records.Assessors(ctx, s.DB.Person)
	if err != nil {
		return Proposal{}, err
	}
	scored := map[int]int{}
	done, err := s.DB.Assessment.Query().Where(assessment.HasBidWith(bid.CompetitionID(comp.ID))).All(ctx)
	if err != nil {
		return Proposal{}, err
	}
	for _, a := range done {
		scored[a.AssessorID]++
	}
	mine, err := records.Scored(ctx, s.DB.Assessment, comp.ID)
	if err != nil {
		return Proposal{}, err
	}
	load, overdue, unanswered := map[int]int{}, map[int]int{}, map[int]int{}
	answers := map[int]domain.AssignmentAnswer{}
	now := time.Now()
	for _, a := range rows {
		answers[a.ID] = answerOf(a, mine[domain.Pair{BidID: a.BidID, AssessorID: a.AssessorID}])
		if a.Status != assignment.StatusAssigned {
			continue
		}
		if answers[a.ID] == domain.AnswerNotAnswered && comp.AssignmentsReleasedAt != nil {
			unanswered[a.AssessorID]++
		}
		load[a.AssessorID]++
		if due := DueDate(comp, a); !due.IsZero() && now.After(due) && !mine[domain.Pair{BidID: a.BidID, AssessorID: a.AssessorID}] {
			overdue[a.AssessorID]++
		}
	}
	p := Proposal{Competition: comp, Assignments: rows, Shortfalls: comp.AssignmentShortfalls, Titles: map[int]string{}, Answers: answers,
		Actions: map[int]Actions{}}
	if v, _ := authz.FromContext(ctx); v.Has(authz.ProgrammeOfficer) {
		for _, a := range rows {
			if a.Status == assignment.StatusAssigned {
				var as Actions
				as.add("swap", "Swap the assessor", maySwap(v, comp, a, mine[domain.Pair{BidID: a.BidID, AssessorID: a.AssessorID}]))
				p.Actions[a.ID] = as
			}
		}
	}
	bids, err := s.DB.Bid.Query().Where(bid.CompetitionID(comp.ID), bid.StatusNEQ(domain.BidDraft)).WithOrganisation().All(ctx)
	if err != nil {
		return Proposal{}, err
	}
	for _, b := range bids {
		p.Titles[b.ID] = b.Title + ", " + b.Edges.Organisation.Name
	}
	for _, x := range pool {
		m := PoolMember{Person: x, Load: load[x.ID], Scored: scored[x.ID], Overdue: overdue[x.ID], Unanswered: unanswered[x.ID],
			Lapses: domain.DeclarationLapses(records.DeclaredSince(x)), Lapsed: domain.DeclarationLapsed(records.DeclaredSince(x), now)}
		if n, ok := comp.AssessorCapacity[x.ID]; ok {
			m.Capacity = &n
		}
		p.Pool = append(p.Pool, m)
	}
	return p, nil
}

// answerOf is an assignment's answer; scored says whether its assessor has submitted scores.
func answerOf(a *ent.Assignment, scored bool) domain.AssignmentAnswer {
	return domain.AnswerOf(a.Status == assignment.StatusDeclined, a.AcceptedAt != nil, scored || a.Draft != nil)
}

// DueDate is when an assessor's scoring of an assignment is due (domain.AssessmentDue); zero
// before the release.
func DueDate(comp *ent.Competition, a *ent.Assignment) time.Time {
	return domain.AssessmentDue(comp.AssignmentsReleasedAt, a.CreatedAt, comp.AssessmentDays)
}

// proposalOpen checks the programme may still change the proposal: the competition is in
// assessment and, unless afterRelease, its assignments are not yet released.
// maySwap is the rule SwapAssessor applies to one pairing (its bid's supplier loaded), as the
// proposal's actions show it: the assignment may still change, the pairing stands and is not
// scored, and the programme officer declared no interest in the supplier, whose assessors they
// would choose.
func maySwap(v authz.Viewer, comp *ent.Competition, a *ent.Assignment, scored bool) error {
	if err := proposalOpen(comp, true); err != nil {
		return err
	}
	if a.Status != assignment.StatusAssigned {
		return &domain.TransitionError{Record: "assignment", Action: "swap", From: string(a.Status), Kind: domain.ErrInvalidTransition,
			Reason: "this assignment was declined, and the bid has gone to another assessor"}
	}
	if scored {
		return &domain.TransitionError{Record: "assignment", Action: "swap", From: "scored", Kind: domain.ErrInvalidTransition,
			Reason: "the assessor has scored the bid; send the scores back or exclude them instead"}
	}
	org := a.Edges.Bid.Edges.Organisation
	return noInterest(v, org.ID, org.Name)
}

func proposalOpen(comp *ent.Competition, afterRelease bool) error {
	if err := comp.Status.ChangeAssignments(); err != nil {
		return err
	}
	if !afterRelease && comp.AssignmentsReleasedAt != nil {
		return &domain.TransitionError{Record: "assignment", Action: "change", From: "released", Kind: domain.ErrInvalidTransition,
			Reason: "the assignments are released and assessors are at work; swap one assessor at a time instead"}
	}
	return nil
}

// ReleaseAssignments lets the assessors see their bids, and tells each of them how many and by
// when. Releasing again changes nothing.
func (s *Service) ReleaseAssignments(ctx context.Context, competitionID int) (*ent.Competition, error) {
	var out *ent.Competition
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		comp, err := tx.Competition.Query().Where(competition.ID(competitionID)).WithChallenge().Only(ctx)
		if err != nil {
			return err
		}
		if out = comp; comp.AssignmentsReleasedAt != nil {
			return nil
		}
		if err := proposalOpen(comp, false); err != nil {
			return err
		}
		now := time.Now().UTC()
		if out, err = tx.Competition.UpdateOne(comp).SetAssignmentsReleasedAt(now).Save(ctx); err != nil {
			return err
		}
		out.Edges.Challenge = comp.Edges.Challenge
		rows, err := tx.Assignment.Query().Where(assignment.CompetitionID(comp.ID), assignment.StatusEQ(assignment.StatusAssigned)).
			Order(ent.Asc(assignment.FieldAssessorID)).All(ctx)
		if err != nil {
			return err
		}
		count := map[int]int{}
		var order []int
		for _, a := range rows {
			if count[a.AssessorID] == 0 {
				order = append(order, a.AssessorID)
			}
			count[a.AssessorID]++
		}
		due := ""
		if len(rows) > 0 {
			if d := DueDate(out, rows[0]); !d.IsZero() {
				due = domain.FormatDate(d)
			}
		}
		for _, id := range order {
			if err := records.Notify(ctx, tx, id, domain.NoticeAssignmentsReleased, "competition", comp.ID, map[string]string{
				"count": strconv.Itoa(count[id]), "title": comp.Edges.Challenge.Title, "due": due}); err != nil {
				return err
			}
		}
		if err := assignmentsChanged(ctx, tx, comp.ID); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "assignments.released", "competition", comp.ID, nil,
			map[string]any{"assignments": len(rows), "assessors": len(order)})
	})
	return out, err
}

// RerunAssignment runs the optimiser again before the release, after the pool, capacities or
// declarations changed: every pairing not declined or swapped away is made afresh.
func (s *Service) RerunAssignment(ctx context.Context, competitionID int) ([]domain.Shortfall, error) {
	var out []domain.Shortfall
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		comp, err := tx.Competition.Get(ctx, competitionID)
		if err != nil {
			return err
		}
		if err := proposalOpen(comp, false); err != nil {
			return err
		}
		sys := authz.AsSystem(ctx, "assignment")
		n, err := tx.Assignment.Delete().Where(assignment.CompetitionID(comp.ID), assignment.StatusEQ(assignment.StatusAssigned)).Exec(sys)
		if err != nil {
			return err
		}
		actor := authz.ActorOf(ctx, "")
		if out, err = records.AssignAssessors(ctx, tx, comp.ID, actor); err != nil {
			return err
		}
		if err := records.TellLapsed(ctx, tx, comp.ID, time.Now()); err != nil {
			return err
		}
		return records.Audit(ctx, tx, actor, "assignments.rerun", "competition", comp.ID, map[string]any{"assignments": n},
			map[string]any{"shortfalls": len(out)})
	})
	return out, err
}

// Swap puts another assessor on an assignment, with the programme's reason. Conflicts stay hard
// and the new assessor's declaration must stand; an assignment already scored is not swapped.
type Swap struct {
	AssignmentID int
	AssessorID   int
	Reason       string
}

// SwapAssessor makes the swap: the old pairing is kept as swapped (never made again, nothing
// excluded) and the new one made, audited with the reason.
func (s *Service) SwapAssessor(ctx context.Context, in Swap) (*ent.Assignment, error) {
	v, _ := authz.FromContext(ctx)
	var ps domain.Problems
	reason := domain.SwapReason.CleanAll(in.Reason, &ps)
	if in.AssessorID <= 0 {
		ps.Add("assessor_id", "Choose the assessor to give the bid to")
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	var out *ent.Assignment
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		old, err := tx.Assignment.Query().Where(assignment.ID(in.AssignmentID)).WithBid(func(q *ent.BidQuery) { q.WithOrganisation() }).Only(ctx)
		if err != nil {
			return err
		}
		comp, err := tx.Competition.Get(ctx, old.CompetitionID)
		if err != nil {
			return err
		}
		done, err := tx.Assessment.Query().Where(assessment.BidID(old.BidID), assessment.AssessorID(old.AssessorID)).Exist(ctx)
		if err != nil {
			return err
		}
		if err := maySwap(v, comp, old, done); err != nil {
			return err
		}
		pool, err := records.Assessors(ctx, tx.Person)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(pool, func(p *ent.Person) bool { return p.ID == in.AssessorID })
		if i < 0 {
			return domain.Problems{{Field: "assessor_id", Message: "Choose an active assessor from the pool"}}
		}
		next := pool[i]
		if domain.DeclarationLapsed(records.DeclaredSince(next), time.Now()) {
			return domain.Problems{{Field: "assessor_id", Message: fmt.Sprintf("%s's declaration of interests lapsed on %s: they must renew it first",
				next.Name, domain.FormatDate(domain.DeclarationLapses(records.DeclaredSince(next))))}}
		}
		b := old.Edges.Bid
		cand := domain.AssignAssessor{ID: next.ID, Name: next.Name, EmailDomain: domain.EmailDomain(next.Email)}
		if next.Edges.Organisation != nil {
			cand.Organisation = next.Edges.Organisation.Name
		}
		for _, x := range next.Edges.Interests {
			cand.DeclaredInterests = append(cand.DeclaredInterests, x.Edges.Organisation.Name)
		}
		if why, c := domain.Conflict(domain.AssignBid{ID: b.ID, Organisation: b.Edges.Organisation.Name, EmailDomain: b.Edges.Organisation.EmailDomain}, cand); c {
			return domain.Problems{{Field: "assessor_id", Message: fmt.Sprintf("%s cannot assess this bid: they %s", next.Name, why)}}
		}
		if had, err := tx.Assignment.Query().Where(assignment.BidID(b.ID), assignment.AssessorID(next.ID)).Exist(ctx); err != nil || had {
			if err == nil {
				err = domain.Problems{{Field: "assessor_id", Message: next.Name + " has had this bid already"}}
			}
			return err
		}
		sys := authz.AsSystem(ctx, "assignment")
		if err := tx.Assignment.UpdateOne(old).SetStatus(assignment.StatusDeclined).SetDeclinedFor(assignment.DeclinedForSwapped).
			SetDeclinedReason(reason).Exec(sys); err != nil {
			return err
		}
		if out, err = tx.Assignment.Create().SetCompetitionID(comp.ID).SetBidID(b.ID).SetAssessorID(next.ID).
			SetExplanation("Chosen by the programme team: " + reason).Save(sys); err != nil {
			return err
		}
		if err := assignmentsChanged(ctx, tx, comp.ID); err != nil {
			return err
		}
		actor := authz.ActorOf(ctx, reason)
		if err := records.Audit(ctx, tx, actor, "assignment.swapped", "assignment", old.ID,
			map[string]any{"assessor": old.AssessorID}, map[string]any{"assessor": next.ID, "assignment": out.ID}); err != nil {
			return err
		}
		if comp.AssignmentsReleasedAt != nil {
			ch, err := tx.Challenge.Get(sys, comp.ChallengeID)
			if err != nil {
				return err
			}
			due := ""
			if d := DueDate(comp, out); !d.IsZero() {
				due = domain.FormatDate(d)
			}
			return records.Notify(ctx, tx, next.ID, domain.NoticeAssignmentsReleased, "competition", comp.ID,
				map[string]string{"count": "1", "title": ch.Title, "due": due})
		}
		return nil
	})
	return out, err
}

// SetCapacity sets the most bids an assessor takes in a competition, before the release; the
// next run of the optimiser uses it.
func (s *Service) SetCapacity(ctx context.Context, competitionID, assessorID, capacity int) error {
	if err := domain.CheckCapacity(capacity); err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		comp, err := tx.Competition.Get(ctx, competitionID)
		if err != nil {
			return err
		}
		if err := proposalOpen(comp, false); err != nil {
			return err
		}
		who, err := tx.Person.Query().Where(person.ID(assessorID), person.DeactivatedAtIsNil()).Only(ctx)
		if ent.IsNotFound(err) || (err == nil && !slices.Contains(who.Roles, string(authz.Assessor))) {
			return domain.Problems{{Field: "assessor_id", Message: "Choose an assessor from the pool"}}
		}
		if err != nil {
			return err
		}
		caps := map[int]int{}
		for k, v := range comp.AssessorCapacity {
			caps[k] = v
		}
		before, had := caps[assessorID]
		caps[assessorID] = capacity
		if err := tx.Competition.UpdateOne(comp).SetAssessorCapacity(caps).Exec(ctx); err != nil {
			return err
		}
		var was any
		if had {
			was = before
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "assessor.capacity_set", "competition", comp.ID,
			map[string]any{"assessor": assessorID, "capacity": was}, map[string]any{"assessor": assessorID, "capacity": capacity})
	})
}

// assignmentsChanged tells the competition's workflow, through the outbox in the same
// transaction, that its assignments were released or changed, so it sets its reminders again.
func assignmentsChanged(ctx context.Context, tx *ent.Tx, competitionID int) error {
	return workflows.Outbox{Tx: tx}.AssignmentsChanged(authz.AsSystem(ctx, "assignment"), competitionID)
}
