package api

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"entgo.io/ent/dialect"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/internal/testworld"
)

// BenchmarkListOf10000Bids: a page of 50 from a competition of 10,000 bids, through the API as
// the programme team and as an assessor given a third of them (their scope a join), against a
// raw SQL query of the same page and its JSON encoding, in the same run on the same SQLite
// file. It prints each one's p50 and p99 and the API's ratio to the raw read (goal: p99 under
// 50 ms, ratio at least 0.6 as raw time over API time).
//
//	go test -run '^$' -bench BenchmarkListOf10000Bids -benchtime 300x ./api/
func BenchmarkListOf10000Bids(b *testing.B) {
	ctx := testdb.Fixture()
	path := filepath.Join(b.TempDir(), "bench.db")
	raw, err := sql.Open("sqlite", ent.SQLiteDSN(path))
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	db := ent.NewClient(ent.Driver(entsql.OpenDB(dialect.SQLite, raw)))
	if err := db.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	token := func(p *ent.Person, role authz.Role) string {
		secret := authz.NewAPIToken()
		db.APIToken.Create().SetName("bench").SetTokenHash(authz.HashSecret(secret)).SetPersonID(p.ID).SetRole(string(role)).
			SetIssuedBy("bench").SetCreatedAt(time.Now()).ExecX(ctx)
		return secret
	}
	council := db.Organisation.Create().SetName("Anytown").SetPublicBody(true).SaveX(ctx)
	panel := db.Organisation.Create().SetName("Panel").SaveX(ctx)
	admin := db.Person.Create().SetName("priya").SetEmail("priya@programme.example").SetRoles([]string{string(authz.ProgrammeOfficer)}).SetOrganisationID(council.ID).SaveX(ctx)
	assessor := db.Person.Create().SetName("ann").SetEmail("ann@panel.example").SetRoles([]string{string(authz.Assessor)}).SetOrganisationID(panel.ID).SaveX(ctx)
	ch := db.Challenge.Create().SetTitle("Potholes").SetPublicBody("Anytown").SetProblem("P").SetStage(domain.ChallengePhase1Assessment).SaveX(ctx)
	comp := db.Competition.Create().SetChallengeID(ch.ID).SetPhase(1).SetStatus(domain.CompetitionAssessment).SetOpenedAt(time.Now().Add(-time.Hour)).
		SetClosesAt(time.Now().Add(-time.Minute)).SetAssignmentsReleasedAt(time.Now()).SetPot(domain.Pounds(250_000)).
		SetMaxContract(domain.Pounds(50_000)).SetScheme(domain.DefaultScheme()).SaveX(ctx)
	const n = 10_000
	for start := 0; start < n; start += 1000 {
		orgs := make([]*ent.OrganisationCreate, 1000)
		for i := range orgs {
			orgs[i] = db.Organisation.Create().SetName(fmt.Sprintf("Supplier %05d", start+i))
		}
		saved := db.Organisation.CreateBulk(orgs...).SaveX(ctx)
		bids := make([]*ent.BidCreate, len(saved))
		for i, o := range saved {
			bids[i] = db.Bid.Create().SetCompetitionID(comp.ID).SetOrganisationID(o.ID).SetTitle(fmt.Sprintf("Bid %05d", start+i)).
				SetAmount(domain.Pounds(40_000)).SetStatus(domain.BidSubmitted).SetSubmittedAt(time.Now())
		}
		var assigns []*ent.AssignmentCreate
		for i, sb := range db.Bid.CreateBulk(bids...).SaveX(ctx) {
			if i%3 == 0 {
				assigns = append(assigns, db.Assignment.Create().SetCompetitionID(comp.ID).SetBidID(sb.ID).SetAssessorID(assessor.ID))
			}
		}
		db.Assignment.CreateBulk(assigns...).ExecX(ctx)
	}
	h, err := New(Deps{DB: db, Docs: testworld.Docs, SessionKey: make([]byte, 32), Log: Quiet})
	if err != nil {
		b.Fatal(err)
	}
	page := fmt.Sprintf("/api/v1/competitions/%d/bids?limit=50", comp.ID)
	viaAPI := func(secret string) func() {
		return func() {
			req := httptest.NewRequest(http.MethodGet, page, nil)
			req.Header.Set("Authorization", "Bearer "+secret)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("%d %s", rec.Code, rec.Body)
			}
		}
	}
	type rawBid struct {
		ID             int       `json:"id"`
		CompetitionID  int       `json:"competition_id"`
		OrganisationID int       `json:"organisation_id"`
		Title          string    `json:"title"`
		Status         string    `json:"status"`
		Amount         int64     `json:"amount_pence"`
		SubmittedAt    time.Time `json:"submitted_at"`
	}
	rawRead := func() {
		rows, err := raw.QueryContext(context.Background(), `SELECT id, competition_id, organisation_id, title, status, amount, submitted_at
			FROM bids WHERE competition_id = ? ORDER BY id LIMIT 51`, comp.ID)
		if err != nil {
			b.Fatal(err)
		}
		var out []rawBid
		for rows.Next() {
			var r rawBid
			if err := rows.Scan(&r.ID, &r.CompetitionID, &r.OrganisationID, &r.Title, &r.Status, &r.Amount, &r.SubmittedAt); err != nil {
				b.Fatal(err)
			}
			out = append(out, r)
		}
		rows.Close()
		if _, err := json.Marshal(map[string]any{"items": out[:50]}); err != nil {
			b.Fatal(err)
		}
	}
	measure := func(read func()) (p50, p99 time.Duration) {
		times := make([]time.Duration, b.N)
		for i := range b.N {
			start := time.Now()
			read()
			times[i] = time.Since(start)
		}
		slices.Sort(times)
		return times[len(times)/2], times[min(len(times)-1, len(times)*99/100)]
	}
	b.ResetTimer()
	adminP50, adminP99 := measure(viaAPI(token(admin, authz.ProgrammeOfficer)))
	assessorP50, assessorP99 := measure(viaAPI(token(assessor, authz.Assessor)))
	rawP50, rawP99 := measure(rawRead)
	b.StopTimer()
	b.ReportMetric(float64(adminP99.Microseconds()), "programme-p99-µs")
	b.ReportMetric(float64(assessorP99.Microseconds()), "assessor-p99-µs")
	b.ReportMetric(float64(rawP99.Microseconds()), "raw-p99-µs")
	b.ReportMetric(float64(rawP50)/float64(adminP50), "ratio-programme")
	b.ReportMetric(float64(rawP50)/float64(assessorP50), "ratio-assessor")
	b.Logf("10,000 bids, pages of 50: programme p50 %s p99 %s; assessor p50 %s p99 %s; raw SQL + JSON p50 %s p99 %s",
		adminP50, adminP99, assessorP50, assessorP99, rawP50, rawP99)
}
