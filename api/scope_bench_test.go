package api

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// BenchmarkScopedBidList measures what the privacy rules cost a list: a page of 50 bids from a
// competition of 1,000, read by an assessor assigned a third of them (their scope is a join),
// against the same page read with no filter (the baseline), in the same run.
func BenchmarkScopedBidList(b *testing.B) {
	w := NewWorld(b)
	ctx := testdb.Fixture()
	orgs := make([]int, 1000)
	creates := make([]*ent.OrganisationCreate, len(orgs))
	for i := range creates {
		creates[i] = w.DB.Organisation.Create().SetName(fmt.Sprintf("Supplier %d", i))
	}
	for i, o := range w.DB.Organisation.CreateBulk(creates...).SaveX(ctx) {
		orgs[i] = o.ID
	}
	bids := make([]*ent.BidCreate, len(orgs))
	for i, o := range orgs {
		bids[i] = w.DB.Bid.Create().SetCompetitionID(w.CompA.ID).SetOrganisationID(o).SetTitle("Bid").
			SetAmount(domain.Pounds(10_000)).SetStatus(domain.BidSubmitted).SetSubmittedAt(time.Now())
	}
	saved := w.DB.Bid.CreateBulk(bids...).SaveX(ctx)
	var assigns []*ent.AssignmentCreate
	for i, sb := range saved {
		if i%3 == 0 {
			assigns = append(assigns, w.DB.Assignment.Create().SetCompetitionID(w.CompA.ID).SetBidID(sb.ID).SetAssessorID(w.People[AssessorAssigned].ID))
		}
	}
	w.DB.Assignment.CreateBulk(assigns...).ExecX(ctx)
	path := fmt.Sprintf("/api/v1/competitions/%d/bids?limit=50", w.CompA.ID)
	bench := func(read func()) time.Duration {
		start := time.Now()
		for range b.N {
			read()
		}
		return time.Since(start)
	}
	b.ResetTimer()
	scoped := bench(func() {
		if rec := w.Do(AssessorAssigned, http.MethodGet, path, ""); rec.Code != http.StatusOK || len(ids(b, rec.Body.Bytes())) != 50 {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	})
	sys := authz.AsSystem(ctx, "bench")
	baseline := bench(func() {
		if n := len(w.DB.Bid.Query().Where(bid.CompetitionID(w.CompA.ID)).Order(ent.Asc(bid.FieldID)).Limit(51).
			WithOrganisation().WithDocuments().AllX(sys)); n != 51 {
			b.Fatalf("baseline read %d", n)
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(scoped.Microseconds())/float64(b.N), "scoped-µs/op")
	b.ReportMetric(float64(baseline.Microseconds())/float64(b.N), "unscoped-query-µs/op")
	b.ReportMetric(float64(scoped)/float64(baseline), "ratio")
}
