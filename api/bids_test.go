package api

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/docstore"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	entemail "github.com/catalyst-sbri/catalyst/ent/email"
	"github.com/catalyst-sbri/catalyst/ent/idempotencyrecord"
	"github.com/catalyst-sbri/catalyst/ent/outboxmessage"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/internal/testworld"
	"github.com/catalyst-sbri/catalyst/records"
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
	e, err := NewTestHandler(t, Deps{DB: db, SessionKey: make([]byte, 32), Log: Quiet})
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
	// A supplier of the bidding organisation, and a programme officer, each with a token.
	for _, r := range []authz.Role{authz.Supplier, authz.ProgrammeOfficer} {
		p := db.Person.Create().SetName(string(r)).SetEmail(string(r) + "@acme.example").SetRoles([]string{string(r)}).SetOrganisationID(org.ID).SaveX(ctx)
		secret := authz.NewAPIToken()
		db.APIToken.Create().SetName("test").SetTokenHash(authz.HashSecret(secret)).SetPersonID(p.ID).SetRole(string(r)).
			SetIssuedBy("test").SetCreatedAt(time.Now()).ExecX(ctx)
		f.tokens[r] = secret
	}
	return f
}

// do sends a request as the supplier, or as the programme officer for paths outside the bid.
func (f *submitFixture) do(method, path, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	role := authz.Supplier
	if strings.HasPrefix(path, "/api/v1/challenges") {
		role = authz.ProgrammeOfficer
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
	msgs := f.db.OutboxMessage.Query().Where(outboxmessage.SignalNEQ(workflows.SignalMailWaiting)).AllX(ctx)
	if len(msgs) != 1 || msgs[0].WorkflowID != workflows.CompetitionWorkflowID(f.comp.ID) || msgs[0].Signal != workflows.SignalBidSubmitted {
		t.Fatalf("outbox = %+v, want one %s signal for the competition", msgs, workflows.SignalBidSubmitted)
	}
	// One receipt by email, however many clicks.
	if mails := f.db.Email.Query().Where(entemail.Template(string(domain.NoticeBidReceived))).AllX(ctx); len(mails) != 1 {
		t.Fatalf("%d receipt emails, want 1", len(mails))
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
		{`{"title": "x"}`, "422", `"detail": "Give \"public_body\": it is required; give \"problem\": it is required"`},
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

// finishBid answers every task still open of supplier-other's bid at path, as its supplier.
func finishBid(w *World, path string) BidView {
	var b BidView
	_ = json.Unmarshal(w.FinishBid(SupplierOther, path).Body.Bytes(), &b)
	return b
}

// TestASubmitRefusedBusyIsReceivedAsOfItsFirstArrival: a keyed submit turned away because the
// service was busy keeps when it arrived; its retry after the deadline (up to 15 minutes) is
// received as of then, and the close waits for it. A first arrival after the deadline is late,
// and so is a retry more than 15 minutes after it.
func TestASubmitRefusedBusyIsReceivedAsOfItsFirstArrival(t *testing.T) {
	var srv *Server
	w := testworld.New(t, func(db *ent.Client, docs *docstore.Store) (http.Handler, error) {
		return NewTestHandler(t, Deps{DB: db, Docs: docs, SessionKey: make([]byte, 32), DevSignIn: true, Log: Quiet,
			SubmitSlots: 1, SubmitWait: 10 * time.Millisecond}, func(s *Server, _ Routes) { srv = s })
	})
	path := fmt.Sprintf("/api/v1/bids/%d", w.DraftBinsight.ID)
	finishBid(w, path)
	sys := testdb.Fixture()
	compID := w.DraftBinsight.CompetitionID
	deadline := func(at time.Time) { w.DB.Competition.UpdateOneID(compID).SetClosesAt(at).ExecX(sys) }
	// busy sends a submit while another holds the only slot: it is refused busy.
	busy := func(key string) *httptest.ResponseRecorder {
		srv.Submits.slots <- struct{}{}
		defer func() { <-srv.Submits.slots }()
		rec := w.Do(SupplierOther, http.MethodPost, path+"/submit", "", "Idempotency-Key", key)
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
			t.Fatalf("a submit while busy: %d %s", rec.Code, rec.Body)
		}
		return rec
	}
	submit := func(key string) *httptest.ResponseRecorder {
		return w.Do(SupplierOther, http.MethodPost, path+"/submit", "", "Idempotency-Key", key)
	}
	arrival := func(key string) time.Time {
		return *w.DB.IdempotencyRecord.Query().Where(idempotencyrecord.Key(key)).OnlyX(sys).ArrivedAt
	}
	// Without a key nothing is kept, and the answer says so.
	srv.Submits.slots <- struct{}{}
	rec := w.Do(SupplierOther, http.MethodPost, path+"/submit", "")
	<-srv.Submits.slots
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "its time is taken when it is accepted") ||
		w.DB.IdempotencyRecord.Query().ExistX(sys) {
		t.Errorf("an unkeyed submit while busy: %d %s", rec.Code, rec.Body)
	}

	// First sent in time, sent again 16 minutes after the deadline: late.
	busy("too-long")
	deadline(time.Now().Add(-16 * time.Minute))
	// (as if it had first arrived then: a first arrival is never changed, so it is written again)
	r := w.DB.IdempotencyRecord.Query().Where(idempotencyrecord.Key("too-long")).OnlyX(sys)
	w.DB.IdempotencyRecord.DeleteOne(r).ExecX(sys)
	w.DB.IdempotencyRecord.Create().SetPrincipal(r.Principal).SetKey(r.Key).SetMethod(r.Method).SetPath(r.Path).SetBodyHash(r.BodyHash).
		SetStatus(r.Status).SetCreatedAt(r.CreatedAt).SetArrivedAt(time.Now().Add(-17 * time.Minute)).ExecX(sys)
	if rec := submit("too-long"); rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "competition-closed") {
		t.Errorf("a retry 16 minutes after the deadline: %d %s", rec.Code, rec.Body)
	}
	// First sent after the deadline: late, however it is sent again.
	deadline(time.Now().Add(-time.Minute))
	busy("after")
	if rec := submit("after"); rec.Code != http.StatusConflict {
		t.Errorf("a retry of a first attempt after the deadline: %d %s", rec.Code, rec.Body)
	}

	// First sent in time; the deadline passes; the close waits for the retry, which is
	// received as of its first arrival.
	deadline(time.Now().Add(time.Hour))
	rec = busy("in-time")
	first := arrival("in-time")
	if !strings.Contains(rec.Body.String(), "is kept: send it again with the same Idempotency-Key") {
		t.Errorf("the busy answer does not say its arrival is kept: %s", rec.Body)
	}
	closesAt := time.Now()
	deadline(closesAt)
	if n, err := records.PendingBusySubmits(t.Context(), w.DB, compID, closesAt); n != 1 || err != nil {
		t.Fatalf("%d submits awaited by the close (%v), want 1", n, err)
	}
	closed := make(chan activities.CloseCompetitionOutput)
	go func() {
		out, err := (&activities.Activities{DB: w.DB, CloseGrace: time.Millisecond}).CloseCompetition(t.Context(),
			activities.CloseCompetitionInput{CompetitionID: compID, Eligibility: true})
		if err != nil {
			t.Error(err)
		}
		closed <- out
	}()
	select {
	case <-closed:
		t.Fatal("the competition closed while a submit that arrived in time was still to be sent again")
	case <-time.After(time.Second):
	}
	rec = submit("in-time")
	var receipt Receipt
	if err := json.Unmarshal(rec.Body.Bytes(), &receipt); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("the retry after the deadline: %d %s", rec.Code, rec.Body)
	}
	if !receipt.SubmittedAt.Equal(first) || !receipt.SubmittedAt.Before(closesAt) {
		t.Errorf("received at %s, want its first arrival %s, before the deadline %s", receipt.SubmittedAt, first, closesAt)
	}
	if out := <-closed; !slices.Contains(out.BidIDs, w.DraftBinsight.ID) {
		t.Errorf("the close counted %v, not the bid received in time", out.BidIDs)
	}
}

// TestABidIsWrittenThroughTheAPI: the API client does what the pages do, with the same rules:
// a task saved with its etag, a stale etag refused with 412 and none with 428, what is still
// missing listed task by task, then a receipt that verifies, and its own bids listed.
func TestABidIsWrittenThroughTheAPI(t *testing.T) {
	w := NewWorld(t)
	path := fmt.Sprintf("/api/v1/bids/%d", w.DraftBinsight.ID)
	var b BidView
	rec := w.Do(SupplierOther, http.MethodGet, path, "")
	if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil || len(b.Tasks) == 0 || b.Tasks[0].Key != "about" {
		t.Fatalf("the draft: %v %s", err, rec.Body)
	}
	etag := b.Tasks[0].ETag
	if rec := w.Do(SupplierOther, http.MethodPut, path+"/tasks/about", `{"title":"App"}`); rec.Code != http.StatusPreconditionRequired {
		t.Errorf("no If-Match: %d", rec.Code)
	}
	rec = w.Do(SupplierOther, http.MethodPut, path+"/tasks/about", `{"title":"Bin app","summary":"Residents report"}`, "If-Match", etag)
	if rec.Code != http.StatusOK || rec.Header().Get("ETag") == etag {
		t.Fatalf("a save: %d %s", rec.Code, rec.Body)
	}
	if rec := w.Do(SupplierOther, http.MethodPut, path+"/tasks/about", `{"title":"Mine"}`, "If-Match", etag); rec.Code != http.StatusPreconditionFailed ||
		!strings.Contains(rec.Body.String(), "ed@binsight.example saved") {
		t.Errorf("a stale etag: %d %s", rec.Code, rec.Body)
	}
	if rec := w.Do(SupplierOther, http.MethodPut, path+"/tasks/finances", `{"title":"Sneaky"}`, "If-Match", "*"); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("a title through finances: %d", rec.Code)
	}
	rec = w.Do(SupplierOther, http.MethodPost, path+"/submit", "", "Idempotency-Key", "unfinished")
	var p Problem
	_ = json.Unmarshal(rec.Body.Bytes(), &p)
	if rec.Code != http.StatusUnprocessableEntity || len(p.Errors) < 3 {
		t.Fatalf("an unfinished submit: %d %s", rec.Code, rec.Body)
	}
	// The refusal was the answer to its key: sent again, it is the answer again.
	if again := w.Do(SupplierOther, http.MethodPost, path+"/submit", "", "Idempotency-Key", "unfinished"); again.Code != rec.Code ||
		again.Body.String() != rec.Body.String() || again.Header().Get("Idempotent-Replayed") != "true" {
		t.Errorf("the refusal sent again: %d %s", again.Code, again.Body)
	}
	b = finishBid(w, path)
	for _, task := range b.Tasks {
		if task.Status != "completed" && !task.Optional {
			t.Errorf("task %s is %s: %v", task.Key, task.Status, task.Problems)
		}
	}
	if b.AmountPence != 1_200_000 || b.VATPence != 200_000 {
		t.Errorf("total %d, VAT %d", b.AmountPence, b.VATPence)
	}
	// Eight at once under one key (a client retrying before its first answer came): one seal,
	// and every one of them answered with its receipt, word for word.
	sent := make([]*httptest.ResponseRecorder, 8)
	var wg sync.WaitGroup
	for i := range sent {
		wg.Go(func() {
			sent[i] = w.Do(SupplierOther, http.MethodPost, path+"/submit", "", "Idempotency-Key", "finished")
		})
	}
	wg.Wait()
	rec = sent[0]
	for _, a := range sent {
		if a.Code != http.StatusOK || a.Body.String() != rec.Body.String() {
			t.Fatalf("a submit under one key: %d %s, another answered %d %s", a.Code, a.Body, rec.Code, rec.Body)
		}
	}
	var receipt Receipt
	if err := json.Unmarshal(rec.Body.Bytes(), &receipt); err != nil {
		t.Fatalf("the submit: %d %s", rec.Code, rec.Body)
	}
	if n := w.DB.IdempotencyRecord.Query().CountX(testdb.Fixture()); n != 2 {
		t.Errorf("%d answers kept, want 2 (the refusal and the receipt)", n)
	}
	var file ReceiptFile
	_ = json.Unmarshal(w.Do(SupplierOther, http.MethodGet, path+"/receipt", "").Body.Bytes(), &file)
	sum := sha256.Sum256(mustJSON(t, file.Sealed))
	if file.ContentHash != receipt.ContentHash || hex.EncodeToString(sum[:]) != receipt.ContentHash {
		t.Errorf("the receipt's sealed form does not hash to its hash")
	}
	var v VerificationView
	_ = json.Unmarshal(w.Do(SupplierOther, http.MethodPost, "/api/v1/receipts/verify",
		fmt.Sprintf(`{"receipt":%q,"content_hash":%q}`, receipt.Receipt, receipt.ContentHash)).Body.Bytes(), &v)
	if !v.Matches {
		t.Errorf("the receipt does not verify: %+v", v)
	}
	// Another supplier cannot find it to verify: their view holds no such bid.
	_ = json.Unmarshal(w.Do(SupplierOwn, http.MethodPost, "/api/v1/receipts/verify",
		fmt.Sprintf(`{"receipt":%q,"content_hash":%q}`, receipt.Receipt, receipt.ContentHash)).Body.Bytes(), &v)
	if v.Matches {
		t.Error("another supplier verified the bid")
	}
	var mine struct{ Items []BidView }
	_ = json.Unmarshal(w.Do(SupplierOther, http.MethodGet, "/api/v1/bids", "").Body.Bytes(), &mine)
	if len(mine.Items) == 0 || len(mine.Items[0].Due) == 0 {
		t.Errorf("its own bids: %+v", mine)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestTheDecisionIsCheckedBeforeTheWorkflowIsAsked: reasons for another competition's bid, or a
// lower minimum that is not lower or has no reason, are refused field by field.
func TestTheDecisionIsCheckedBeforeTheWorkflowIsAsked(t *testing.T) {
	w := NewWorld(t)
	path := "/api/v1/competitions/" + strconv.Itoa(w.CompA.ID) + "/decision"
	for body, want := range map[string]string{
		`{"reasons":{"` + strconv.Itoa(w.SealedAcme.ID) + `":"Strong"}}`:  "Give reasons only for this competition's bids",
		`{"lowered_minimum":{"minimum":3,"reason":"Two assessors left"}}`: "Lower the minimum to a number from 0 to 2",
		`{"lowered_minimum":{"minimum":2,"reason":" "}}`:                  `\"lowered_minimum.reason\" must not be blank`,
	} {
		rec := w.Do(Officer, http.MethodPost, path, body)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("%s: %d %s", body, rec.Code, rec.Body)
		}
	}
}
