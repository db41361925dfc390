package service

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/assignment"
	"github.com/catalyst-sbri/catalyst/ent/notice"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// proposing is a competition just past eligibility: two bids, four assessors (one of them at
// the supplier Binsight, one whose declaration lapsed), nothing released.
type proposing struct {
	*people
	comp      *ent.Competition
	bids      []*ent.Bid
	assessors []*ent.Person
	binsight  *ent.Organisation
}

func newProposing(t *testing.T) *proposing {
	t.Helper()
	p := newPeople(t)
	fx := testdb.Fixture()
	comp := openCompetition(t, p)
	comp = p.db.Competition.UpdateOne(comp).SetStatus(domain.CompetitionAssessment).SetScheme(domain.DefaultScheme()).SetAssessorsPerBid(3).SaveX(fx)
	x := &proposing{people: p, comp: comp}
	x.binsight = p.db.Organisation.Create().SetName("Binsight").SetEmailDomain("binsight.example").SaveX(fx)
	for _, org := range []*ent.Organisation{p.acme, x.binsight} {
		x.bids = append(x.bids, testdb.Written(p.db.Bid.Create().SetCompetitionID(comp.ID).SetOrganisationID(org.ID), comp.Scheme, domain.Pounds(40_000)).
			SetStatus(domain.BidSubmitted).SaveX(fx))
	}
	lapsed := time.Now().AddDate(-1, 0, -1)
	for i, name := range []string{"amara", "ben", "cara", "dev"} {
		c := p.db.Person.Create().SetName(name).SetEmail(fmt.Sprintf("%s@panel%d.example", name, i)).SetRoles([]string{"assessor"}).SetOrganisationID(p.council.ID)
		if name == "cara" {
			c.SetOrganisationID(x.binsight.ID) // works for a supplier
		}
		if name == "dev" {
			c.SetInterestsDeclaredAt(lapsed)
		}
		x.assessors = append(x.assessors, c.SaveX(fx))
	}
	return x
}

func (x *proposing) viewer(i int) authz.Viewer {
	a := x.assessors[i]
	return authz.Viewer{PersonID: a.ID, Email: a.Email, Roles: []authz.Role{authz.Assessor}}
}

// The programme reviews the proposal before assessors see anything: a lapsed declaration and a
// conflict are explained as shortfalls, the lapsed assessor is told why, and only the release
// shows assessors their bids, each told how many.
func TestTheProposalIsReviewedThenReleased(t *testing.T) {
	x := newProposing(t)
	fx := testdb.Fixture()
	short, err := x.svc.RerunAssignment(as(x.officer), x.comp.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Binsight's bid can have only amara and ben (cara works there, dev's declaration lapsed).
	if len(short) != 1 || short[0].BidID != x.bids[1].ID || !strings.Contains(short[0].Reason, "conflict with Binsight") {
		t.Fatalf("shortfalls %+v, want Binsight's bid short", short)
	}
	p, err := x.svc.AssignmentProposal(as(x.officer), x.comp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Shortfalls) != 1 || p.Released() || !p.Pool[3].Lapsed || p.Pool[0].Load != 2 {
		t.Errorf("proposal: shortfalls %+v, released %v, pool %+v", p.Shortfalls, p.Released(), p.Pool)
	}
	if n := x.db.Notice.Query().Where(notice.RecipientID(x.assessors[3].ID), notice.Template(string(domain.NoticeDeclarationLapsed))).CountX(fx); n != 1 {
		t.Errorf("the lapsed assessor was told %d times", n)
	}
	if rows, _ := x.svc.YourAssessments(as(x.viewer(0))); len(rows) != 0 {
		t.Errorf("an assessor sees %d bids before the release", len(rows))
	}

	if _, err := x.svc.ReleaseAssignments(as(x.officer), x.comp.ID); err != nil {
		t.Fatal(err)
	}
	rows, err := x.svc.YourAssessments(as(x.viewer(0)))
	if err != nil || len(rows) != 2 || rows[0].Due.IsZero() {
		t.Fatalf("after the release amara sees %d bids (%v)", len(rows), err)
	}
	if n := x.db.Notice.Query().Where(notice.RecipientID(x.assessors[0].ID), notice.Template(string(domain.NoticeAssignmentsReleased))).CountX(fx); n != 1 {
		t.Errorf("amara was told %d times", n)
	}
	if _, err := x.svc.RerunAssignment(as(x.officer), x.comp.ID); !errors.Is(err, domain.ErrInvalidTransition) {
		t.Errorf("a re-run after the release: %v", err)
	}

	// Renewing the declaration brings dev back for the next competition's run.
	if _, err := x.svc.RenewDeclaration(as(x.viewer(3))); err != nil {
		t.Fatal(err)
	}
	if d, _ := x.svc.YourDeclaration(as(x.viewer(3))); d.Lapsed || d.Lapses.Before(time.Now().AddDate(0, 11, 0)) {
		t.Errorf("after renewing: %+v", d)
	}
}

// A swap keeps conflicts hard and needs a reason; the old pairing is kept as swapped, never
// made again and excluding nothing.
func TestASwapKeepsConflictsHard(t *testing.T) {
	x := newProposing(t)
	fx := testdb.Fixture()
	if _, err := x.svc.RerunAssignment(as(x.officer), x.comp.ID); err != nil {
		t.Fatal(err)
	}
	ben := x.db.Assignment.Query().Where(assignment.BidID(x.bids[0].ID), assignment.AssessorID(x.assessors[1].ID)).OnlyX(fx)
	for who, want := range map[int]string{
		x.assessors[0].ID: "has had this bid already",
		x.assessors[3].ID: "declaration of interests lapsed",
	} {
		if _, err := x.svc.SwapAssessor(as(x.officer), Swap{AssignmentID: ben.ID, AssessorID: who, Reason: "Ben is away"}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("swap to %d: %v, want %q", who, err, want)
		}
	}
	binsightBid := x.db.Assignment.Query().Where(assignment.BidID(x.bids[1].ID), assignment.AssessorID(x.assessors[1].ID)).OnlyX(fx)
	if _, err := x.svc.SwapAssessor(as(x.officer), Swap{AssignmentID: binsightBid.ID, AssessorID: x.assessors[2].ID, Reason: "Cara knows waste"}); err == nil ||
		!strings.Contains(err.Error(), "works for the supplier") {
		t.Errorf("a swap onto a conflict: %v", err)
	}
	if _, err := x.svc.SwapAssessor(as(x.officer), Swap{AssignmentID: ben.ID, AssessorID: x.assessors[2].ID}); !errors.As(err, new(domain.Problems)) {
		t.Errorf("a swap without a reason: %v", err)
	}

	// Acme's bid already has amara, ben and cara; free a place by swapping ben for a renewed dev.
	if _, err := x.svc.RenewDeclaration(as(x.viewer(3))); err != nil {
		t.Fatal(err)
	}
	made, err := x.svc.SwapAssessor(as(x.officer), Swap{AssignmentID: ben.ID, AssessorID: x.assessors[3].ID, Reason: "Ben is away for a month"})
	if err != nil {
		t.Fatal(err)
	}
	old := x.db.Assignment.GetX(fx, ben.ID)
	if old.Status != assignment.StatusDeclined || old.DeclinedFor != assignment.DeclinedForSwapped || made.AssessorID != x.assessors[3].ID {
		t.Errorf("after the swap: old %s/%s, new assessor %d", old.Status, old.DeclinedFor, made.AssessorID)
	}
	// A re-run never puts ben back on the bid.
	if _, err := x.svc.RerunAssignment(as(x.officer), x.comp.ID); err != nil {
		t.Fatal(err)
	}
	if n := x.db.Assignment.Query().Where(assignment.BidID(x.bids[0].ID), assignment.AssessorID(x.assessors[1].ID), assignment.StatusEQ(assignment.StatusAssigned)).CountX(fx); n != 0 {
		t.Error("the re-run undid the swap")
	}
}

// A capacity the programme sets holds at the next run, and one out of range is refused.
func TestCapacityHoldsAtTheNextRun(t *testing.T) {
	x := newProposing(t)
	fx := testdb.Fixture()
	if err := x.svc.SetCapacity(as(x.officer), x.comp.ID, x.assessors[0].ID, -1); !errors.As(err, new(domain.Problems)) {
		t.Errorf("a capacity of -1: %v", err)
	}
	if err := x.svc.SetCapacity(as(x.officer), x.comp.ID, x.supplier.PersonID, 2); !errors.As(err, new(domain.Problems)) {
		t.Errorf("a capacity for a supplier: %v", err)
	}
	if err := x.svc.SetCapacity(as(x.officer), x.comp.ID, x.assessors[0].ID, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := x.svc.RerunAssignment(as(x.officer), x.comp.ID); err != nil {
		t.Fatal(err)
	}
	if n := x.db.Assignment.Query().Where(assignment.AssessorID(x.assessors[0].ID), assignment.StatusEQ(assignment.StatusAssigned)).CountX(fx); n != 1 {
		t.Errorf("amara, capacity 1, has %d bids", n)
	}
}
