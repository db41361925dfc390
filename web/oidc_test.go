package web

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/catalyst-sbri/catalyst/api"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent/auditevent"
	"github.com/catalyst-sbri/catalyst/ent/person"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// provider is a small OpenID Connect provider for tests, built on go-jose: discovery, keys,
// an authorisation endpoint that signs in whoever the test says, and a token endpoint that
// checks PKCE and the client's authentication (client_secret_basic or private_key_jwt) as a
// real provider does.
type provider struct {
	*httptest.Server
	t         *testing.T
	key       *rsa.PrivateKey
	clientID  string
	secret    string           // for client_secret_basic
	clientKey *ecdsa.PublicKey // for private_key_jwt

	mu    sync.Mutex
	codes map[string]grant
	// Who signs in next, and how the next ID token is spoiled, if at all.
	subject, email string
	verified       bool
	spoil          string // "audience", "key", "nonce"
}

type grant struct {
	challenge, nonce, redirect string
}

func newProvider(t *testing.T) *provider {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &provider{t: t, key: key, clientID: "catalyst", codes: map[string]grant{}, verified: true}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer": p.URL, "authorization_endpoint": p.URL + "/authorize", "token_endpoint": p.URL + "/token",
			"jwks_uri": p.URL + "/jwks", "response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"}, "code_challenge_methods_supported": []string{"S256"},
			"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "private_key_jwt"},
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.key.PublicKey, KeyID: "p1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	p.Server = httptest.NewServer(mux)
	t.Cleanup(p.Close)
	return p
}

func (p *provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != p.clientID || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" ||
		q.Get("code_challenge") == "" || q.Get("nonce") == "" || q.Get("state") == "" || !strings.Contains(q.Get("scope"), "openid") {
		http.Error(w, "bad authorisation request: "+r.URL.RawQuery, http.StatusBadRequest)
		return
	}
	code := authz.RandomSecret()
	p.mu.Lock()
	p.codes[code] = grant{challenge: q.Get("code_challenge"), nonce: q.Get("nonce"), redirect: q.Get("redirect_uri")}
	p.mu.Unlock()
	http.Redirect(w, r, q.Get("redirect_uri")+"?code="+code+"&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
}

func (p *provider) token(w http.ResponseWriter, r *http.Request) {
	fail := func(msg string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_request", "error_description": msg})
	}
	if err := r.ParseForm(); err != nil {
		fail("form")
		return
	}
	// The client proves who it is.
	if p.clientKey != nil {
		if r.Form.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
			fail("private_key_jwt required")
			return
		}
		tok, err := jwt.ParseSigned(r.Form.Get("client_assertion"), []jose.SignatureAlgorithm{jose.ES256})
		var claims jwt.Claims
		if err == nil {
			err = tok.Claims(p.clientKey, &claims)
		}
		if err == nil {
			err = claims.ValidateWithLeeway(jwt.Expected{Issuer: p.clientID, Subject: p.clientID, AnyAudience: jwt.Audience{p.URL + "/token"}, Time: time.Now()}, 0)
		}
		if err != nil || claims.ID == "" {
			fail("bad client assertion")
			return
		}
	} else if id, secret, ok := r.BasicAuth(); !ok || id != p.clientID || secret != p.secret {
		fail("bad client credentials")
		return
	}
	p.mu.Lock()
	g, ok := p.codes[r.Form.Get("code")]
	delete(p.codes, r.Form.Get("code"))
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.Form.Get("code_verifier")))
	if !ok || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge || r.Form.Get("redirect_uri") != g.redirect {
		fail("bad code, verifier or redirect")
		return
	}
	key, aud, nonce := p.key, p.clientID, g.nonce
	switch p.spoil {
	case "audience":
		aud = "someone-else"
	case "key":
		key, _ = rsa.GenerateKey(rand.Reader, 2048)
	case "nonce":
		nonce = "not-the-nonce"
	}
	signer, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: "p1"}}, nil)
	now := time.Now()
	idt, _ := jwt.Signed(signer).Claims(map[string]any{
		"iss": p.URL, "sub": p.subject, "aud": aud, "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
		"nonce": nonce, "email": p.email, "email_verified": p.verified,
	}).Serialize()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": authz.RandomSecret(), "token_type": "Bearer", "expires_in": 300, "id_token": idt})
}

// signInWith walks a browser through sign-in: Catalyst, the provider, back to Catalyst. It
// returns the callback's status and body, and the browser.
func signInWith(t *testing.T, base string, tamperState bool) (int, string, *http.Client) {
	t.Helper()
	c := browser(t)
	resp, err := c.Get(base + "/sign-in/oidc")
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("start: %v %v", err, resp)
	}
	resp.Body.Close()
	resp, err = c.Get(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound {
		code, body := readBody(t, resp, err)
		t.Fatalf("provider: %d %s", code, body)
	}
	resp.Body.Close()
	back := resp.Header.Get("Location")
	if tamperState {
		u, _ := url.Parse(back)
		q := u.Query()
		q.Set("state", "forged")
		u.RawQuery = q.Encode()
		back = u.String()
	}
	code, body := read(t)(c.Get(back))
	return code, body, c
}

func oidcWorld(t *testing.T, p *provider, cfg api.OIDCConfig) (*World, string) {
	w := NewWorld(t)
	var h http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { h.ServeHTTP(rw, r) }))
	t.Cleanup(srv.Close)
	cfg.Issuer, cfg.ClientID, cfg.RedirectURL, cfg.Name = p.URL, p.clientID, srv.URL+"/sign-in/oidc/callback", "Test ID"
	var err error
	if h, err = NewTestHandler(t, api.Deps{DB: w.DB, SessionKey: make([]byte, 32), OIDC: &cfg, Log: Quiet}); err != nil {
		t.Fatal(err)
	}
	return w, srv.URL
}

// TestOIDCSignInWithPrivateKeyJWT signs in end to end against a real provider over HTTP, the
// way GOV.UK One Login works: PKCE, state, nonce, and the client authenticated by a signed JWT.
func TestOIDCSignInWithPrivateKeyJWT(t *testing.T) {
	p := newProvider(t)
	clientKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p.clientKey = &clientKey.PublicKey
	w, base := oidcWorld(t, p, api.OIDCConfig{PrivateKey: clientKey, KeyID: "c1"})
	p.subject, p.email = "urn:fdc:gov.uk:2022:dana", "Dana@Acme.example"

	code, body, c := signInWith(t, base, false)
	if code != http.StatusSeeOther {
		t.Fatalf("callback: %d %s", code, body)
	}
	// Signed in as the supplier Catalyst knows, with Catalyst's roles for her.
	if code, body := read(t)(c.Get(base + "/api/v1/bids/" + itoa(w.BidAcme.ID))); code != http.StatusOK {
		t.Fatalf("the signed-in supplier reading her bid: %d %s", code, body)
	}
	if code, _ := read(t)(c.Get(base + "/api/v1/bids/" + itoa(w.BidBinsight.ID))); code != http.StatusNotFound {
		t.Errorf("the signed-in supplier read another's bid: %d", code)
	}
	linked := w.DB.Person.Query().Where(person.OidcSubject(p.subject)).OnlyX(testdb.Fixture())
	if linked.Email != "dana@acme.example" {
		t.Errorf("subject linked to %s", linked.Email)
	}
	if n := w.DB.AuditEvent.Query().Where(auditevent.Action("person.sign_in_linked"), auditevent.RecordID(linked.ID)).
		CountX(testdb.Fixture()); n != 1 {
		t.Errorf("%d audit events for linking the sign-in, want 1", n)
	}
	// Next time the subject, not the email, finds her.
	p.email = "changed@acme.example"
	if code, body, _ := signInWith(t, base, false); code != http.StatusSeeOther {
		t.Errorf("second sign-in by subject: %d %s", code, body)
	}
}

func TestOIDCRefusesWhatItCannotVerify(t *testing.T) {
	p := newProvider(t)
	p.secret = "s3cret"
	_, base := oidcWorld(t, p, api.OIDCConfig{ClientSecret: "s3cret"})
	p.subject, p.email = "owner-1", "owner@anytown.gov.uk"
	if code, body, _ := signInWith(t, base, false); code != http.StatusSeeOther {
		t.Fatalf("client_secret_basic sign-in: %d %s", code, body)
	}
	for _, c := range []struct {
		name, spoil, email string
		verified, forge    bool
		status             int
		says               string
	}{
		{"forged state", "", "owner@anytown.gov.uk", true, true, 401, "could not be matched"},
		{"wrong audience", "audience", "owner@anytown.gov.uk", true, false, 401, "could not be verified"},
		{"unknown signing key", "key", "owner@anytown.gov.uk", true, false, 401, "could not be verified"},
		{"replayed nonce", "nonce", "owner@anytown.gov.uk", true, false, 401, "not for this sign-in"},
		{"unverified email", "", "ann@panel.example", false, false, 403, "verified email"},
		{"someone else's account", "", "owner@anytown.gov.uk", true, false, 403, "linked to a different sign-in"},
	} {
		p.spoil, p.email, p.verified, p.subject = c.spoil, c.email, c.verified, "sub-"+c.name
		code, body, browser := signInWith(t, base, c.forge)
		if code != c.status || !strings.Contains(body, c.says) {
			t.Errorf("%s: %d %s, want %d saying %q", c.name, code, body, c.status, c.says)
		}
		if code, _ := read(t)(browser.Get(base + "/api/v1/challenges")); code != http.StatusUnauthorized {
			t.Errorf("%s: the browser is signed in anyway (%d)", c.name, code)
		}
	}
	// A verified email with no account is a supplier's first sign-in: an account is made, and
	// they are sent to register their organisation.
	p.spoil, p.email, p.verified, p.subject = "", "stranger@newco.example", true, "sub-new"
	if code, body, browser := signInWith(t, base, false); code >= 400 {
		t.Errorf("first sign-in: %d %s", code, body)
	} else if code, page := read(t)(browser.Get(base + "/organisation")); code != http.StatusOK || !strings.Contains(page, "Register your organisation") {
		t.Errorf("after a first sign-in: %d", code)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
