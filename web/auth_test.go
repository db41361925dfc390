package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/api"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent/idempotencyrecord"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// browser is a cookie-keeping client that does not follow redirects.
func browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// read returns a function that reads a response into its status and body.
func read(t *testing.T) func(*http.Response, error) (int, string) {
	return func(resp *http.Response, err error) (int, string) { return readBody(t, resp, err) }
}

func readBody(t *testing.T, resp *http.Response, err error) (int, string) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// TestDevSignInSessionAndSignOut: signing in makes a server-side session with a cookie that is
// HttpOnly and SameSite=Lax; forms need the session's CSRF token; signing out ends the session
// on the server, so the old cookie no longer works.
func TestDevSignInSessionAndSignOut(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	c := browser(t)
	if code, body := read(t)(c.Get(srv.URL + "/api/v1/challenges")); code != http.StatusUnauthorized || !strings.Contains(body, "unauthenticated") {
		t.Fatalf("anonymous API call: %d %s", code, body)
	}
	resp, err := c.PostForm(srv.URL+"/sign-in", url.Values{"email": {"owner@anytown.gov.uk"}})
	if code, _ := readBody(t, resp, err); code != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", code)
	}
	var cookie *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == api.SessionCookie {
			cookie = ck
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie = %+v", cookie)
	}
	if n := w.DB.Session.Query().CountX(testdb.Fixture()); n != 1 {
		t.Fatalf("%d sessions stored, want 1", n)
	}
	if code, body := read(t)(c.Get(srv.URL + "/api/v1/challenges")); code != http.StatusOK {
		t.Fatalf("signed-in API call: %d %s", code, body)
	}
	// The sign-out form carries the token; a forged post without it is refused.
	_, page := read(t)(c.Get(srv.URL + "/challenges"))
	m := csrfInput.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF field in the page's sign-out form")
	}
	if code, body := read(t)(c.PostForm(srv.URL+"/sign-out", nil)); code != http.StatusForbidden || !strings.Contains(body, "csrf") {
		t.Fatalf("sign-out without the token: %d %s", code, body)
	}
	if code, _ := read(t)(c.PostForm(srv.URL+"/sign-out", url.Values{"csrf_token": {m[1]}})); code != http.StatusSeeOther {
		t.Fatalf("sign-out: %d", code)
	}
	if n := w.DB.Session.Query().CountX(testdb.Fixture()); n != 0 {
		t.Fatalf("%d sessions remain after sign-out", n)
	}
	// A copy of the old cookie is worthless now.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/challenges", nil)
	req.AddCookie(cookie)
	if code, _ := read(t)(http.DefaultClient.Do(req)); code != http.StatusUnauthorized {
		t.Errorf("the old cookie still works after sign-out: %d", code)
	}
}

func TestSessionsEndWhenIdleAndAtTheirAbsoluteLimit(t *testing.T) {
	w := NewWorld(t)
	ctx := testdb.Fixture()
	now := time.Now()
	for name, c := range map[string]struct{ created, lastSeen time.Time }{
		"fresh":    {now.Add(-time.Hour), now.Add(-time.Minute)},
		"idle":     {now.Add(-time.Hour), now.Add(-api.IdleTimeout - time.Minute)},
		"absolute": {now.Add(-api.AbsoluteTimeout - time.Hour), now.Add(-time.Minute)},
	} {
		token := authz.RandomSecret()
		w.DB.Session.Create().SetTokenHash(authz.HashSecret(token)).SetPersonID(w.People[OwnerOwn].ID).SetMethod("dev").
			SetCsrfToken(authz.RandomSecret()).SetCreatedAt(c.created).SetLastSeenAt(c.lastSeen).
			SetExpiresAt(c.created.Add(api.AbsoluteTimeout)).ExecX(ctx)
		req := httptest.NewRequest(http.MethodGet, "/api/v1/challenges", nil)
		req.AddCookie(&http.Cookie{Name: api.SessionCookie, Value: token})
		rec := httptest.NewRecorder()
		w.H.ServeHTTP(rec, req)
		want := http.StatusUnauthorized
		if name == "fresh" {
			want = http.StatusOK
		}
		if rec.Code != want {
			t.Errorf("%s session: %d, want %d", name, rec.Code, want)
		}
	}
	if n := w.DB.Session.Query().CountX(ctx); n != 1 {
		t.Errorf("%d sessions left, want only the fresh one", n)
	}
}

func TestCrossSiteRequestsAndHeaders(t *testing.T) {
	w := NewWorld(t)
	req := httptest.NewRequest(http.MethodPost, "/api/v1/challenges", strings.NewReader("{}"))
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Authorization", "Bearer "+w.Tokens[OwnerOwn])
	rec := httptest.NewRecorder()
	w.H.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "cross-origin") {
		t.Errorf("cross-site POST: %d %s", rec.Code, rec.Body)
	}
	rec = w.Do(Anon, http.MethodGet, "/", "")
	for h, want := range map[string]string{
		"Content-Security-Policy": "frame-ancestors 'none'", "X-Content-Type-Options": "nosniff",
		"Referrer-Policy": "same-origin", "X-Request-Id": "",
	} {
		if got := rec.Header().Get(h); got == "" || !strings.Contains(got, want) {
			t.Errorf("%s = %q, want it to contain %q", h, got, want)
		}
	}
	if csp := rec.Header().Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "object-src 'none'") {
		t.Errorf("the CSP allows inline scripts or plugins: %s", csp)
	}
	if rec.Header().Get("Strict-Transport-Security") != "" {
		t.Errorf("HSTS outside production")
	}
	prod, err := NewTestHandler(t, api.Deps{DB: w.DB, SessionKey: make([]byte, 32), Production: true, SecureCookies: true, Log: Quiet})
	if err != nil {
		t.Fatal(err)
	}
	req = httptest.NewRequest(http.MethodGet, "https://catalyst.example/", nil)
	rec = httptest.NewRecorder()
	prod.ServeHTTP(rec, req)
	if !strings.Contains(rec.Header().Get("Strict-Transport-Security"), "max-age=") {
		t.Errorf("no HSTS in production: %v", rec.Header())
	}
	// In production the session cookie is __Host-: a cookie by the plain name (as a subdomain or
	// a plain-HTTP page could plant) signs nobody in.
	token := authz.RandomSecret()
	w.DB.Session.Create().SetTokenHash(authz.HashSecret(token)).SetPersonID(w.People[OwnerOwn].ID).SetMethod("oidc").
		SetCsrfToken(authz.RandomSecret()).SetCreatedAt(time.Now()).SetLastSeenAt(time.Now()).
		SetExpiresAt(time.Now().Add(api.AbsoluteTimeout)).ExecX(authz.AsSystem(testdb.Fixture(), "test"))
	for name, want := range map[string]int{"__Host-" + api.SessionCookie: http.StatusOK, api.SessionCookie: http.StatusUnauthorized} {
		req = httptest.NewRequest(http.MethodGet, "https://catalyst.example/api/v1/tokens", nil)
		req.AddCookie(&http.Cookie{Name: name, Value: token})
		rec = httptest.NewRecorder()
		prod.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("in production, a session in the cookie %s: %d, want %d", name, rec.Code, want)
		}
	}
	if _, err := api.New(api.Deps{DB: w.DB, SessionKey: make([]byte, 32), Production: true, DevSignIn: true}); err == nil {
		t.Errorf("production accepted the dev sign-in")
	}
}

func TestSignInIsRateLimited(t *testing.T) {
	w := NewWorld(t)
	h, err := NewTestHandler(t, api.Deps{DB: w.DB, SessionKey: make([]byte, 32), DevSignIn: true, SignInRate: 3, Log: Quiet})
	if err != nil {
		t.Fatal(err)
	}
	codes := []int{}
	var last *httptest.ResponseRecorder
	for _, path := range []string{"/sign-in", "/sign-in", "/sign-in", "/sign-in", "/sign-in/new"} {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader("email=nobody%40example.com"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		last = httptest.NewRecorder()
		h.ServeHTTP(last, req)
		codes = append(codes, last.Code)
	}
	if codes[0] != http.StatusNotFound || codes[3] != http.StatusTooManyRequests || codes[4] != http.StatusTooManyRequests {
		t.Errorf("sign-in attempts answered %v; want 404s then 429", codes)
	}
	// The refusal says when to try again, and the policy it keeps (three a minute: one every 20
	// seconds), in the IETF httpapi draft's fields; so does every answer before it.
	retry, _ := strconv.Atoi(last.Header().Get("Retry-After"))
	if retry < 1 || retry > 20 || last.Header().Get("RateLimit-Policy") != `"per-address";q=3;w=60` ||
		!strings.HasPrefix(last.Header().Get("RateLimit"), `"per-address";r=0;t=`) || !strings.Contains(last.Body.String(), "then try again") {
		t.Errorf("the 429 says Retry-After %q, RateLimit-Policy %q, RateLimit %q", last.Header().Get("Retry-After"),
			last.Header().Get("RateLimit-Policy"), last.Header().Get("RateLimit"))
	}
}

func TestIdempotencyKeyReplaysTheFirstAnswer(t *testing.T) {
	w := NewWorld(t)
	body := `{"title": "Cold homes", "public_body": "Anytown", "problem": "Damp"}`
	first := w.Do(OwnerOwn, http.MethodPost, "/api/v1/challenges", body, "Idempotency-Key", "k-1")
	again := w.Do(OwnerOwn, http.MethodPost, "/api/v1/challenges", body, "Idempotency-Key", "k-1")
	if first.Code != http.StatusCreated || again.Code != http.StatusCreated || first.Body.String() != again.Body.String() {
		t.Fatalf("replay: %d %s / %d %s", first.Code, first.Body, again.Code, again.Body)
	}
	if again.Header().Get("Idempotent-Replayed") != "true" {
		t.Errorf("the replay is not marked")
	}
	if n := w.DB.Challenge.Query().CountX(testdb.Fixture()); n != 4 {
		t.Errorf("%d challenges, want 4: the retry created another", n)
	}
	other := w.Do(OwnerOwn, http.MethodPost, "/api/v1/challenges", strings.Replace(body, "Cold", "Warm", 1), "Idempotency-Key", "k-1")
	if other.Code != http.StatusUnprocessableEntity || !strings.Contains(other.Body.String(), "idempotency-key-reused") {
		t.Errorf("same key, other body: %d %s", other.Code, other.Body)
	}
	// Keys are the sender's own: another person's identical key is a new request.
	if rec := w.Do(OwnerOther, http.MethodPost, "/api/v1/challenges", body, "Idempotency-Key", "k-1"); rec.Code != http.StatusCreated || rec.Header().Get("Idempotent-Replayed") != "" {
		t.Errorf("another sender's key: %d", rec.Code)
	}
	// A refusal is remembered too: it was the answer.
	bad := w.Do(OwnerOwn, http.MethodPost, "/api/v1/challenges", `{}`, "Idempotency-Key", "k-2")
	bad2 := w.Do(OwnerOwn, http.MethodPost, "/api/v1/challenges", `{}`, "Idempotency-Key", "k-2")
	if bad.Code != http.StatusUnprocessableEntity || bad2.Code != bad.Code || bad2.Body.String() != bad.Body.String() {
		t.Errorf("refusal replay: %d / %d", bad.Code, bad2.Code)
	}
}

func TestStaleEditsAreRefusedWithPreconditionFailed(t *testing.T) {
	w := NewWorld(t)
	path := fmt.Sprintf("/api/v1/challenges/%d", w.ChallengeD.ID)
	got := w.Do(OwnerOwn, http.MethodGet, path, "")
	etag := got.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag on GET")
	}
	if rec := w.Do(OwnerOwn, http.MethodPatch, path, `{"title": "Damp homes"}`); rec.Code != http.StatusPreconditionRequired {
		t.Errorf("edit without If-Match: %d %s", rec.Code, rec.Body)
	}
	// The admin edits first; the owner's edit, made on the old version, is refused.
	if rec := w.Do(Officer, http.MethodPatch, path, `{"problem": "Homes are damp"}`, "If-Match", etag); rec.Code != http.StatusOK || rec.Header().Get("ETag") == etag {
		t.Fatalf("first edit: %d %s", rec.Code, rec.Body)
	}
	rec := w.Do(OwnerOwn, http.MethodPatch, path, `{"title": "Damp homes"}`, "If-Match", etag)
	if rec.Code != http.StatusPreconditionFailed || !strings.Contains(rec.Body.String(), "stale-edit") {
		t.Fatalf("stale edit: %d %s", rec.Code, rec.Body)
	}
	var ch api.ChallengeView
	_ = json.Unmarshal(w.Do(OwnerOwn, http.MethodGet, path, "").Body.Bytes(), &ch)
	if ch.Title != "Draft idea" || ch.Problem != "Homes are damp" || ch.Version != 2 {
		t.Errorf("after the stale edit: %+v", ch)
	}
	if rec := w.Do(OwnerOther, http.MethodPatch, path, `{"title": "Mine"}`, "If-Match", etag); rec.Code != http.StatusNotFound {
		t.Errorf("another owner's edit: %d", rec.Code)
	}
}

func TestAdminIssuesAndRevokesScopedTokens(t *testing.T) {
	w := NewWorld(t)
	body := fmt.Sprintf(`{"name": "Finance sync", "person_id": %d, "role": "admin"}`, w.People[SupplierOwn].ID)
	if rec := w.Do(Admin, http.MethodPost, "/api/v1/tokens", body); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "does not hold the role") {
		t.Fatalf("token for a role not held: %d %s", rec.Code, rec.Body)
	}
	body = fmt.Sprintf(`{"name": "Bid sync", "person_id": %d, "role": "supplier", "expires_in_days": 30}`, w.People[SupplierOwn].ID)
	rec := w.Do(Admin, http.MethodPost, "/api/v1/tokens", body)
	var tok api.TokenView
	_ = json.Unmarshal(rec.Body.Bytes(), &tok)
	if rec.Code != http.StatusCreated || !strings.HasPrefix(tok.Token, authz.TokenPrefix) {
		t.Fatalf("issue: %d %s", rec.Code, rec.Body)
	}
	use := func() int {
		req := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/api/v1/bids/%d", w.BidAcme.ID), nil)
		req.Header.Set("Authorization", "Bearer "+tok.Token)
		rec := httptest.NewRecorder()
		w.H.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := use(); code != http.StatusOK {
		t.Fatalf("using the token: %d", code)
	}
	if strings.Contains(w.Do(Admin, http.MethodGet, "/api/v1/tokens", "").Body.String(), tok.Token) {
		t.Errorf("the token list shows a secret")
	}
	if rec := w.Do(Admin, http.MethodPost, fmt.Sprintf("/api/v1/tokens/%d/revoke", tok.ID), ""); rec.Code != http.StatusOK {
		t.Fatalf("revoke: %d %s", rec.Code, rec.Body)
	}
	if code := use(); code != http.StatusUnauthorized {
		t.Errorf("a revoked token still works: %d", code)
	}
}

// TestAKeyedRequestCutOffIsServedAfreshOnRetry: a keyed request whose process stopped before it
// answered leaves its key unanswered. A retry soon after is told it is still in progress; one
// after service.abandonedAfter is served afresh rather than refused for good.
func TestAKeyedRequestCutOffIsServedAfreshOnRetry(t *testing.T) {
	w := NewWorld(t)
	fx := testdb.Fixture()
	body := `{"title": "Cold homes", "public_body": "Anytown", "problem": "Damp"}`
	cutOff := func(key string, ago time.Duration) {
		if rec := w.Do(OwnerOwn, http.MethodPost, "/api/v1/challenges", body, "Idempotency-Key", key); rec.Code != http.StatusCreated {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		// As if the process had stopped before it could keep the answer.
		r := w.DB.IdempotencyRecord.Query().Where(idempotencyrecord.Key(key)).OnlyX(fx)
		w.DB.IdempotencyRecord.DeleteOne(r).ExecX(fx)
		w.DB.IdempotencyRecord.Create().SetPrincipal(r.Principal).SetKey(r.Key).SetMethod(r.Method).SetPath(r.Path).
			SetBodyHash(r.BodyHash).SetCreatedAt(time.Now().Add(-ago)).ExecX(fx)
	}
	cutOff("k-recent", time.Second)
	if rec := w.Do(OwnerOwn, http.MethodPost, "/api/v1/challenges", body, "Idempotency-Key", "k-recent"); rec.Code != http.StatusConflict ||
		!strings.Contains(rec.Body.String(), "idempotency-in-progress") {
		t.Errorf("a retry while the first may still be answered: %d %s, want 409 in progress", rec.Code, rec.Body)
	}
	cutOff("k-old", time.Minute)
	before := w.DB.Challenge.Query().CountX(fx)
	rec := w.Do(OwnerOwn, http.MethodPost, "/api/v1/challenges", body, "Idempotency-Key", "k-old")
	if rec.Code != http.StatusCreated || rec.Header().Get("Idempotent-Replayed") != "" {
		t.Fatalf("a retry a minute after a request was cut off: %d %s, want it served afresh", rec.Code, rec.Body)
	}
	if n := w.DB.Challenge.Query().CountX(fx); n != before+1 {
		t.Errorf("%d challenges after the retry, want %d", n, before+1)
	}
	again := w.Do(OwnerOwn, http.MethodPost, "/api/v1/challenges", body, "Idempotency-Key", "k-old")
	if again.Code != http.StatusCreated || again.Header().Get("Idempotent-Replayed") != "true" {
		t.Errorf("the retry's answer is kept for the next: %d, replayed %q", again.Code, again.Header().Get("Idempotent-Replayed"))
	}
}
