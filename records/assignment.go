package records

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/assignment"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/competition"
)

// AssignAssessors gives every submitted bid of a closed competition its assessors, by the
// assignment rules: no conflicts (same organisation, same email domain, declared interest),
// balanced load, matching expertise. It keeps the pairings that stand and never offers a
// declined one again, so it is safe to run again after a decline or a retry. It returns the
// bids that could not be given enough assessors, each with the reason.
func AssignAssessors(ctx context.Context, tx *ent.Tx, competitionID int, actor authz.Actor) ([]domain.Shortfall, error) {
	ctx = authz.AsSystem(ctx, AssignmentName)
	comp, err := tx.Competition.Get(ctx, competitionID)
	if err != nil {
		return nil, err
	}
	if err := comp.Status.ChangeAssignments(); err != nil {
		return nil, err
	}
	bids, err := tx.Bid.Query().Where(bid.CompetitionID(competitionID), Assessable).
		WithOrganisation().All(ctx)
	if err != nil || len(bids) == 0 {
		return nil, err
	}
	assessors, err := Pool(ctx, tx, time.Now())
	if err != nil {
		return nil, err
	}
	existing, err := tx.Assignment.Query().Where(assignment.CompetitionID(competitionID)).All(ctx)
	if err != nil {
		return nil, err
	}
	p := domain.AssignmentProblem{PerBid: comp.AssessorsPerBid}
	for _, b := range bids {
		// A bid needs the expertise of its competition's fields and of its own.
		tags := slices.Clone(comp.Fields)
		for _, f := range b.Fields {
			if !slices.Contains(tags, f) {
				tags = append(tags, f)
			}
		}
		p.Bids = append(p.Bids, domain.AssignBid{ID: b.ID, Organisation: b.Edges.Organisation.Name, EmailDomain: b.Edges.Organisation.EmailDomain, Tags: tags})
	}
	maxLoad := domain.BalancedLoadCap(len(bids), comp.AssessorsPerBid, len(assessors))
	for _, a := range assessors {
		aa := domain.AssignAssessor{ID: a.ID, Name: a.Name, EmailDomain: domain.EmailDomain(a.Email), Expertise: a.Expertise, MaxLoad: maxLoad}
		if n, ok := comp.AssessorCapacity[a.ID]; ok {
			aa.MaxLoad = n // the programme's own figure for this competition
		}
		if a.Edges.Organisation != nil {
			aa.Organisation = a.Edges.Organisation.Name
		}
		for _, in := range a.Edges.Interests {
			aa.DeclaredInterests = append(aa.DeclaredInterests, in.Edges.Organisation.Name)
		}
		p.Assessors = append(p.Assessors, aa)
	}
	for _, x := range existing {
		pair := domain.Pair{BidID: x.BidID, AssessorID: x.AssessorID}
		if x.Status == assignment.StatusDeclined {
			p.Declined = append(p.Declined, pair)
		} else {
			p.Keep = append(p.Keep, pair)
		}
	}
	result := domain.Assign(p)
	kept := map[[2]int]bool{}
	for _, k := range p.Keep {
		kept[[2]int{k.BidID, k.AssessorID}] = true
	}
	for _, d := range result.Dropped {
		// A kept pairing that now breaks a rule (a conflict found since) is withdrawn.
		a, err := tx.Assignment.Query().Where(assignment.BidID(d.BidID), assignment.AssessorID(d.AssessorID)).Only(ctx)
		if err != nil {
			return nil, err
		}
		if err := tx.Assignment.UpdateOne(a).SetStatus(assignment.StatusDeclined).SetDeclinedReason(d.Why).Exec(ctx); err != nil {
			return nil, err
		}
		withdrawn := actor
		withdrawn.Reason = d.Why
		if err := Audit(ctx, tx, withdrawn, "assignment.withdrawn", "assignment", a.ID,
			map[string]any{"status": "assigned"}, map[string]any{"status": "declined", "why": d.Why}); err != nil {
			return nil, err
		}
	}
	for _, pr := range result.Pairs {
		if kept[[2]int{pr.BidID, pr.AssessorID}] {
			continue
		}
		a, err := tx.Assignment.Create().SetCompetitionID(competitionID).SetBidID(pr.BidID).SetAssessorID(pr.AssessorID).
			SetExplanation(pr.Why).Save(ctx)
		if err != nil {
			return nil, err
		}
		if err := Audit(ctx, tx, actor, "assignment.made", "assignment", a.ID, nil,
			map[string]any{"bid": pr.BidID, "assessor": pr.AssessorID, "why": pr.Why}); err != nil {
			return nil, err
		}
	}
	if err := tx.Competition.UpdateOne(comp).SetAssignmentShortfalls(result.Uncovered).Exec(ctx); err != nil {
		return nil, err
	}
	return result.Uncovered, nil
}

// Pool is every active assessor whose declaration of interests stands at now, with their
// organisation and standing interests: the people an assignment may give bids to.
func Pool(ctx context.Context, tx *ent.Tx, now time.Time) ([]*ent.Person, error) {
	all, err := Assessors(ctx, tx.Person)
	if err != nil {
		return nil, err
	}
	var out []*ent.Person
	for _, x := range all {
		if !domain.DeclarationLapsed(DeclaredSince(x), now) {
			out = append(out, x)
		}
	}
	return out, nil
}

// TellLapsed tells each assessor whose declaration of interests has lapsed that they were given
// no bids in the competition, and how to be given bids again.
func TellLapsed(ctx context.Context, tx *ent.Tx, competitionID int, now time.Time) error {
	all, err := Assessors(ctx, tx.Person)
	if err != nil {
		return err
	}
	comp, err := tx.Competition.Query().Where(competition.ID(competitionID)).WithChallenge().Only(authz.AsSystem(ctx, AssignmentName))
	if err != nil {
		return err
	}
	for _, x := range all {
		since := DeclaredSince(x)
		if !domain.DeclarationLapsed(since, now) {
			continue
		}
		if err := Notify(ctx, tx, x.ID, domain.NoticeDeclarationLapsed, "competition", comp.ID, map[string]string{
			"title": comp.Edges.Challenge.Title, "lapsed": domain.FormatDate(domain.DeclarationLapses(since))}); err != nil {
			return err
		}
	}
	return nil
}

// Decline is why an assessor turns an assignment down.
type Decline struct {
	// Capacity: they have no room for it, and nothing is excluded. Otherwise a conflict of
	// interest: the pairing is never made again and a score they gave never counts.
	Capacity bool
	Reason   string
}

// AcceptAssignment records an assessor's confirmation that they will assess one bid given to
// them, having seen its title and supplier and found no conflict of interest. Accepting again
// changes nothing. It runs as the assessor: the data layer lets them change only their own
// assignments.
func AcceptAssignment(ctx context.Context, tx *ent.Tx, assignmentID int, actor authz.Actor) (*ent.Assignment, error) {
	a, err := tx.Assignment.Get(ctx, assignmentID)
	if err != nil {
		return nil, err
	}
	if a.AcceptedAt != nil {
		return a, nil
	}
	comp, err := tx.Competition.Get(authz.AsSystem(ctx, AssignmentName), a.CompetitionID)
	if err != nil {
		return nil, err
	}
	if err := domain.CheckAcceptAssignment(a.Status == assignment.StatusDeclined, comp.Status); err != nil {
		return nil, err
	}
	if a, err = tx.Assignment.UpdateOne(a).SetAcceptedAt(time.Now().UTC()).Save(ctx); err != nil {
		return nil, err
	}
	return a, Audit(ctx, tx, actor, "assignment.accepted", "assignment", a.ID, nil, map[string]any{"accepted": true})
}

// DeclineAssignment records an assessor's turning down of one assignment, hides the bid from
// them, and asks the rules for a replacement. It runs as the assessor: the data layer lets them
// change only their own assignments.
func DeclineAssignment(ctx context.Context, tx *ent.Tx, assignmentID int, why Decline, actor authz.Actor) (*ent.Assignment, error) {
	rule := domain.DeclineReason
	if why.Capacity {
		rule = domain.CapacityReason
	}
	reason, p := rule.Clean(why.Reason)
	if p != nil {
		if p.Message == "Enter the conflict of interest" {
			p.Message = "Say what the conflict of interest is"
		}
		return nil, domain.Problems{*p}
	}
	a, err := tx.Assignment.Get(ctx, assignmentID)
	if err != nil {
		return nil, err
	}
	if a.Status == assignment.StatusDeclined {
		return a, nil
	}
	comp, err := tx.Competition.Get(authz.AsSystem(ctx, AssignmentName), a.CompetitionID)
	if err != nil {
		return nil, err
	}
	if err := comp.Status.ChangeAssignments(); err != nil {
		return nil, err
	}
	kind, event, handOn := assignment.DeclinedForConflict, "assignment.declined", "an assessor declared a conflict"
	if why.Capacity {
		kind, event, handOn = assignment.DeclinedForCapacity, "assignment.declined_for_capacity", "an assessor had no capacity"
	}
	if a, err = tx.Assignment.UpdateOne(a).SetStatus(assignment.StatusDeclined).SetDeclinedReason(reason).SetDeclinedFor(kind).Save(ctx); err != nil {
		return nil, err
	}
	actor.Reason = reason
	if err := Audit(ctx, tx, actor, event, "assignment", a.ID,
		map[string]any{"status": "assigned"}, map[string]any{"status": "declined", "for": kind}); err != nil {
		return nil, err
	}
	_, err = AssignAssessors(ctx, tx, a.CompetitionID, authz.Actor{Reason: handOn})
	return a, err
}

// ReleaseFeedback lets a decided competition's suppliers read their assessments' scores and
// comments. It is recorded once; releasing again changes nothing.
func ReleaseFeedback(ctx context.Context, tx *ent.Tx, competitionID int, actor authz.Actor) error {
	comp, err := tx.Competition.Get(ctx, competitionID)
	if err != nil || comp.FeedbackReleasedAt != nil {
		return err
	}
	if err := comp.Status.ReleaseFeedback(); err != nil {
		return err
	}
	now := time.Now().UTC()
	if err := tx.Competition.UpdateOne(comp).SetFeedbackReleasedAt(now).Exec(ctx); err != nil {
		return err
	}
	// Every bidder is told at once, in the same transaction as the release.
	sys := authz.AsSystem(ctx, SystemName)
	ch, err := tx.Challenge.Get(sys, comp.ChallengeID)
	if err != nil {
		return err
	}
	decided, err := tx.Bid.Query().Where(bid.CompetitionID(comp.ID), bid.StatusIn(domain.BidFunded, domain.BidNotFunded)).
		Order(ent.Asc(bid.FieldID)).All(sys)
	if err != nil {
		return err
	}
	for _, b := range decided {
		outcome := "not funded"
		if b.Status == domain.BidFunded {
			outcome = "funded: you are offered a contract"
		}
		values := map[string]string{"bid": b.Title, "title": ch.Title, "outcome": outcome, "link": fmt.Sprintf("/bids/%d", b.ID)}
		if err := NotifyBidders(ctx, tx, comp.ID, b.OrganisationID, domain.NoticeOutcomeReleased, values); err != nil {
			return err
		}
	}
	return Audit(ctx, tx, actor, "competition.feedback_released", "competition", comp.ID, nil, map[string]any{"at": now, "outcomes": len(decided)})
}
