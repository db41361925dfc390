package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// submitFixture is an open competition with one draft bid, on a real database. The submit path
// needs no Temporal: that is the point of it.
type submitFixture struct {
	db     *ent.Client
	h      http.Handler
	comp   *ent.Competition
	bid    *ent.Bid
	tokens map[authz.Role]string
}

func newSubmitFixture(t *testing.T, closesIn time.Duration) *submitFixture {
	t.Helper()
	ctx := testdb.Fixture()
	db := testdb.Open(t)
	e, err := newTestHandler(t, Deps{DB: db, SessionKey: make([]byte, 32), Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	ch := db.Challenge.Create().SetTitle("Bins").SetPublicBody("Anytown").SetProblem("Missed bins").
		SetStage(domain.ChallengePhase1Open).SaveX(ctx)
	comp := db.Competition.Create().SetChallengeID(ch.ID).SetPhase(1).SetOpenedAt(time.Now()).
		SetClosesAt(time.Now().Add(closesIn)).SetPot(domain.Pounds(250_000)).SetMaxContract(domain.Pounds(50_000)).
		SetScheme(domain.DefaultScheme()).SaveX(ctx)
	org := db.Organisation.Create().SetName("Acme").SaveX(ctx)
	b := testdb.Written(db.Bid.Create().SetCompetitionID(comp.ID).SetOrganisationID(org.ID), comp.Scheme, domain.Pounds(40_000)).SaveX(ctx)
	f := &submitFixture{db: db, h: e, comp: comp, bid: b, tokens: map[authz.Role]string{}}
	// A supplier of the bidding organisation, and a programme admin, each with a token.
	for _, r := range []authz.Role{authz.Supplier, authz.Admin} {
		p := db.Person.Create().SetName(string(r)).SetEmail(string(r) + "@acme.example").SetRoles([]string{string(r)}).SetOrganisationID(org.ID).SaveX(ctx)
		secret := authz.NewAPIToken()
		db.APIToken.Create().SetName("test").SetTokenHash(authz.HashSecret(secret)).SetPersonID(p.ID).SetRole(string(r)).
			SetIssuedBy("test").SetCreatedAt(time.Now()).ExecX(ctx)
		f.tokens[r] = secret
	}
	return f
}

// do sends a request as the supplier, or as the admin for paths outside the bid.
func (f *submitFixture) do(method, path, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	role := authz.Supplier
	if strings.HasPrefix(path, "/api/v1/challenges") {
		role = authz.Admin
	}
	req.Header.Set("Authorization", "Bearer "+f.tokens[role])
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return rec
}

func TestSubmitBidSealsOnceWithOneReceiptAndOneSignal(t *testing.T) {
	f := newSubmitFixture(t, time.Hour)
	path := fmt.Sprintf("/api/v1/bids/%d/submit", f.bid.ID)
	// A burst of double clicks: every answer carries the same receipt, one signal is queued.
	const clicks = 12
	receipts := make([]Receipt, clicks)
	var wg sync.WaitGroup
	for i := range clicks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := f.do(http.MethodPost, path, "")
			if rec.Code != http.StatusOK {
				t.Errorf("click %d: %d %s", i, rec.Code, rec.Body)
				return
			}
			_ = json.Unmarshal(rec.Body.Bytes(), &receipts[i])
		}()
	}
	wg.Wait()
	for i, r := range receipts {
		if r.Receipt == "" || r.Receipt != receipts[0].Receipt || !r.SubmittedAt.Equal(receipts[0].SubmittedAt) {
			t.Fatalf("click %d got receipt %+v, click 0 got %+v", i, r, receipts[0])
		}
	}
	ctx := testdb.Fixture()
	msgs := f.db.OutboxMessage.Query().AllX(ctx)
	if len(msgs) != 1 || msgs[0].WorkflowID != workflows.CompetitionWorkflowID(f.comp.ID) || msgs[0].Signal != workflows.SignalBidSubmitted {
		t.Fatalf("outbox = %+v, want one %s signal for the competition", msgs, workflows.SignalBidSubmitted)
	}
	b := f.db.Bid.GetX(ctx, f.bid.ID)
	if b.Status != domain.BidSubmitted || b.SubmittedAt == nil || b.ContentHash == "" {
		t.Fatalf("bid after submit: %+v", b)
	}
	if !strings.Contains(receipts[0].Message, "Keep your receipt number") {
		t.Errorf("receipt message = %q", receipts[0].Message)
	}
}

func TestSubmitBidAfterTheDeadlineIsRefusedAndNothingIsWritten(t *testing.T) {
	f := newSubmitFixture(t, time.Hour)
	ctx := testdb.Fixture()
	// The deadline passes; the timer has not closed the competition yet. The server's clock
	// decides.
	f.db.Competition.UpdateOneID(f.comp.ID).SetClosesAt(time.Now().Add(-time.Second)).ExecX(ctx)
	rec := f.do(http.MethodPost, fmt.Sprintf("/api/v1/bids/%d/submit", f.bid.ID), "")
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "competition-closed") || !strings.Contains(rec.Body.String(), "deadline was") {
		t.Fatalf("late submit: %d %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("content type = %q, want application/problem+json", ct)
	}
	if b := f.db.Bid.GetX(ctx, f.bid.ID); b.Status != domain.BidDraft || b.Receipt != nil {
		t.Errorf("a refused submit changed the bid: %+v", b)
	}
	if n := f.db.OutboxMessage.Query().CountX(ctx); n != 0 {
		t.Errorf("a refused submit queued %d signals", n)
	}
}

func TestBadRequestBodiesSayWhatToFix(t *testing.T) {
	f := newSubmitFixture(t, time.Hour)
	cases := []struct{ body, status, detail string }{
		{`{"title": "x"`, "400", "not valid JSON"},
		{`{"title": 5}`, "400", `\"title\" must be a string`},
		{`{"titel": "x"}`, "400", `a field this request does not take: \"titel\"`},
		{``, "400", "body is empty"},
		{`{"title": "x"}`, "422", `"detail": "Enter the public body; enter the problem"`},
	}
	for _, c := range cases {
		rec := f.do(http.MethodPost, "/api/v1/challenges", c.body)
		if fmt.Sprint(rec.Code) != c.status || !strings.Contains(rec.Body.String(), c.detail) {
			t.Errorf("body %q: got %d %s, want %s containing %q", c.body, rec.Code, rec.Body, c.status, c.detail)
		}
	}
	if rec := f.do(http.MethodGet, "/api/v1/challenges/abc", ""); rec.Code != http.StatusBadRequest {
		t.Errorf("GET /challenges/abc = %d, want 400", rec.Code)
	}
	if rec := f.do(http.MethodGet, "/api/v1/challenges/999999", ""); rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "there is no such challenge") {
		t.Errorf("GET /challenges/999999 = %d %s, want 404 naming a challenge", rec.Code, rec.Body)
	}
}

func TestListChallengesPagesWithCursors(t *testing.T) {
	f := newSubmitFixture(t, time.Hour)
	ctx := testdb.Fixture()
	for i := range 4 {
		f.db.Challenge.Create().SetTitle(fmt.Sprintf("C%d", i)).SetPublicBody("B").SetProblem("P").ExecX(ctx)
	}
	var seen []int
	cursor := ""
	for pages := 0; pages < 10; pages++ {
		rec := f.do(http.MethodGet, "/api/v1/challenges?limit=2&cursor="+cursor, "")
		var p Page[ChallengeView]
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		for _, c := range p.Items {
			seen = append(seen, c.ID)
		}
		if p.Next == "" {
			break
		}
		cursor = p.Next
	}
	if len(seen) != 5 {
		t.Fatalf("paged through %v, want all 5 challenges once", seen)
	}
	if rec := f.do(http.MethodGet, "/api/v1/challenges?cursor=!!", ""); rec.Code != http.StatusBadRequest {
		t.Errorf("bad cursor = %d, want 400", rec.Code)
	}
}
