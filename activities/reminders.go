package activities

import (
	"context"
	"sort"
	"strconv"
	"time"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/assignment"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/records"
)

// RemindAssessorsInput names the competition, and the time the workflow's timer fired: the
// reminders due by then are sent.
type RemindAssessorsInput struct {
	CompetitionID int
	Now           time.Time
}

// RemindAssessorsOutput says what was sent and when the next reminder falls due: nil when none
// is pending (before the release, or when every bid is scored).
type RemindAssessorsOutput struct {
	Next              *time.Time
	Reminded, Overdue int // assessors told
}

// RemindAssessors tells each assessor once, a few working days before their due date, of the
// bids they have still to score, and once more when they are overdue. Each assignment records
// what it was sent in the same transaction as the notice, so running this again sends nothing
// twice; an assessor gets one notice a competition however many bids it covers.
func (a *Activities) RemindAssessors(ctx context.Context, in RemindAssessorsInput) (RemindAssessorsOutput, error) {
	ctx = asSystem(ctx)
	var out RemindAssessorsOutput
	err := a.DB.WithTx(ctx, func(tx *ent.Tx) error {
		out = RemindAssessorsOutput{}
		comp, err := tx.Competition.Query().Where(competition.ID(in.CompetitionID)).WithChallenge().Only(ctx)
		if err != nil {
			return err
		}
		if comp.Status != domain.CompetitionAssessment || comp.AssignmentsReleasedAt == nil {
			return nil
		}
		rows, err := tx.Assignment.Query().Where(assignment.CompetitionID(comp.ID), assignment.StatusEQ(assignment.StatusAssigned),
			assignment.OverdueAtIsNil()).Order(ent.Asc(assignment.FieldID)).All(ctx)
		if err != nil {
			return err
		}
		scored, err := records.Scored(ctx, tx.Assessment, comp.ID)
		if err != nil {
			return err
		}
		type notice struct {
			count int
			due   time.Time
		}
		soon, late := map[int]*notice{}, map[int]*notice{}
		add := func(m map[int]*notice, who int, due time.Time) {
			n := m[who]
			if n == nil {
				n = &notice{due: due}
				m[who] = n
			}
			n.count++
			if due.Before(n.due) {
				n.due = due
			}
		}
		next := func(t time.Time) {
			if !t.IsZero() && (out.Next == nil || t.Before(*out.Next)) {
				out.Next = &t
			}
		}
		for _, r := range rows {
			if scored[domain.Pair{BidID: r.BidID, AssessorID: r.AssessorID}] {
				continue
			}
			from := *comp.AssignmentsReleasedAt
			if r.CreatedAt.After(from) {
				from = r.CreatedAt
			}
			due := domain.AssessmentDue(comp.AssignmentsReleasedAt, r.CreatedAt, comp.AssessmentDays)
			if due.IsZero() {
				continue
			}
			remind := domain.ReminderDue(from, due, comp.ReminderDays)
			switch {
			case !in.Now.Before(due):
				add(late, r.AssessorID, due)
				if err := tx.Assignment.UpdateOne(r).SetOverdueAt(in.Now).Exec(ctx); err != nil {
					return err
				}
			case r.RemindedAt == nil && !remind.IsZero() && !in.Now.Before(remind):
				add(soon, r.AssessorID, due)
				if err := tx.Assignment.UpdateOne(r).SetRemindedAt(in.Now).Exec(ctx); err != nil {
					return err
				}
				next(due)
			case r.RemindedAt == nil && !remind.IsZero():
				next(remind)
			default:
				next(due)
			}
		}
		send := func(m map[int]*notice, template domain.NoticeTemplate) error {
			who := make([]int, 0, len(m))
			for id := range m {
				who = append(who, id)
			}
			sort.Ints(who)
			for _, id := range who {
				values := map[string]string{"count": strconv.Itoa(m[id].count), "title": comp.Edges.Challenge.Title,
					"due": domain.FormatTime(m[id].due)}
				if err := records.Notify(ctx, tx, id, template, "competition", comp.ID, values); err != nil {
					return err
				}
			}
			return nil
		}
		if err := send(soon, domain.NoticeAssessmentDueSoon); err != nil {
			return err
		}
		out.Reminded, out.Overdue = len(soon), len(late)
		return send(late, domain.NoticeAssessmentOverdue)
	})
	return out, err
}
