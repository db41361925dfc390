package records

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/assessment"
	"github.com/catalyst-sbri/catalyst/ent/assignment"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/interest"
	"github.com/catalyst-sbri/catalyst/ent/person"
	"github.com/catalyst-sbri/catalyst/ent/predicate"
)

// AssignmentName is the system identity that gives assessors their bids.
const AssignmentName = "assignment"

// AsCounted is an assessment as the decision counts it: left out of the mean, its comments kept,
// when moderation excluded it, while it is sent back to its assessor, or when its assessor has a
// conflict with the bid, saying why.
func AsCounted(as *ent.Assessment, conflicted map[domain.Pair]string) domain.Assessment {
	a := domain.Assessment{AssessorID: as.AssessorID, Scores: as.Scores, PassFail: as.PassFail, InScope: as.InScope, Fund: as.Fund, Excluded: as.Exclusion}
	if r := as.Returned; r != nil && a.Excluded == nil {
		a.Excluded = SentBack(r)
	}
	if why, ok := conflicted[domain.Pair{BidID: as.BidID, AssessorID: as.AssessorID}]; ok {
		a.Excluded = &domain.Exclusion{Reason: "the assessor has a conflict of interest: " + why, By: "system:" + AssignmentName}
	}
	return a
}

// SentBack is how an assessment sent back to its assessor is left out of the mean until they
// submit again.
func SentBack(r *domain.Return) *domain.Exclusion {
	return &domain.Exclusion{Reason: "sent back to its assessor: " + r.Note, By: r.By}
}

// Assessors is every active assessor, in ID order, with their organisation and standing
// interests, whether or not their declaration stands.
func Assessors(ctx context.Context, people *ent.PersonClient) ([]*ent.Person, error) {
	// Roles are a small JSON list; filtering people in Go keeps this portable across databases.
	rows, err := people.Query().Where(person.DeactivatedAtIsNil()).WithOrganisation().
		WithInterests(func(q *ent.InterestQuery) { q.Where(interest.WithdrawnAtIsNil()).WithOrganisation() }).
		Order(ent.Asc(person.FieldID)).All(authz.AsSystem(ctx, AssignmentName))
	if err != nil {
		return nil, err
	}
	var out []*ent.Person
	for _, x := range rows {
		if slices.Contains(x.Roles, string(authz.Assessor)) {
			out = append(out, x)
		}
	}
	return out, nil
}

// DeclaredSince is when an assessor last confirmed their declaration of interests: joining the
// pool counts as the first.
func DeclaredSince(p *ent.Person) time.Time {
	if p.InterestsDeclaredAt != nil {
		return *p.InterestsDeclaredAt
	}
	return p.CreatedAt
}

// Conflicts lists the pairings among those ps select that were declined, each with its reason:
// the assessor declared or was found to have a conflict, so a score they gave counts neither in
// the decision nor as feedback. It reads as the assignment system, because suppliers may not read
// assignments themselves.
func Conflicts(ctx context.Context, assignments *ent.AssignmentClient, ps ...predicate.Assignment) (map[domain.Pair]string, error) {
	rows, err := assignments.Query().Where(append(ps, assignment.StatusEQ(assignment.StatusDeclined),
		assignment.Or(assignment.DeclinedForIsNil(), assignment.DeclinedForEQ(assignment.DeclinedForConflict)))...).
		All(authz.AsSystem(ctx, AssignmentName))
	if err != nil {
		return nil, err
	}
	out := make(map[domain.Pair]string, len(rows))
	for _, d := range rows {
		out[domain.Pair{BidID: d.BidID, AssessorID: d.AssessorID}] = d.DeclinedReason
	}
	return out, nil
}

// MilestoneMoney is what the spend so far needs of a contract's milestones.
func MilestoneMoney(ms []*ent.Milestone) []domain.MilestoneMoney {
	out := make([]domain.MilestoneMoney, len(ms))
	for i, m := range ms {
		out[i] = domain.MilestoneMoney{Status: m.Status, Amount: m.Amount}
	}
	return out
}

// EmailReference is the email's reference at the provider: its notice's ID, or its alert
// notice's, which Notify keeps and SMTP carries in the Message-ID.
func EmailReference(e *ent.Email) string {
	if e.NoticeID != nil {
		return fmt.Sprintf("notice-%d", *e.NoticeID)
	}
	if e.AlertNoticeID != nil {
		return fmt.Sprintf("alert-%d", *e.AlertNoticeID)
	}
	return fmt.Sprintf("email-%d", e.ID)
}

// Scored says which pairings have a submitted assessment that stands: one sent back by the
// programme is to be scored again.
func Scored(ctx context.Context, assessments *ent.AssessmentClient, competitionID int) (map[domain.Pair]bool, error) {
	done, err := assessments.Query().Where(assessment.HasBidWith(bid.CompetitionID(competitionID))).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[domain.Pair]bool, len(done))
	for _, x := range done {
		if x.Returned == nil {
			out[domain.Pair{BidID: x.BidID, AssessorID: x.AssessorID}] = true
		}
	}
	return out, nil
}
