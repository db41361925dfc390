package web

import (
	"context"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/catalyst-sbri/catalyst/api"

	"github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/labstack/echo/v4"
	"golang.org/x/oauth2"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/service"
)

type oidcClient struct {
	cfg      api.OIDCConfig
	mu       sync.Mutex
	provider *oidc.Provider
}

func newOIDCClient(cfg api.OIDCConfig) *oidcClient {
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = []string{oidc.ScopeOpenID, "email"}
	}
	if cfg.Name == "" {
		cfg.Name = "your organisation's account"
	}
	return &oidcClient{cfg: cfg}
}

func (o *oidcClient) context(ctx context.Context) context.Context {
	if o.cfg.HTTPClient != nil {
		return oidc.ClientContext(ctx, o.cfg.HTTPClient)
	}
	return ctx
}

// discover reads the provider's metadata once; a provider that was down is asked again next time.
func (o *oidcClient) discover(ctx context.Context) (*oidc.Provider, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider != nil {
		return o.provider, nil
	}
	p, err := oidc.NewProvider(o.context(ctx), o.cfg.Issuer)
	if err != nil {
		return nil, err
	}
	o.provider = p
	return p, nil
}

func (o *oidcClient) oauth(p *oidc.Provider) *oauth2.Config {
	ep := p.Endpoint()
	if o.cfg.PrivateKey != nil {
		ep.AuthStyle = oauth2.AuthStyleInParams // client_id in the body, with the assertion
	}
	return &oauth2.Config{ClientID: o.cfg.ClientID, ClientSecret: o.cfg.ClientSecret, Endpoint: ep,
		RedirectURL: o.cfg.RedirectURL, Scopes: o.cfg.Scopes}
}

// clientAssertion is a short-lived JWT signed with Catalyst's private key that proves to the
// token endpoint who is asking (private_key_jwt).
func (o *oidcClient) clientAssertion(tokenURL string) (string, error) {
	alg := jose.RS256
	if _, ok := o.cfg.PrivateKey.Public().(*ecdsa.PublicKey); ok {
		alg = jose.ES256
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: o.cfg.PrivateKey, KeyID: o.cfg.KeyID}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", err
	}
	now := time.Now()
	return jwt.Signed(signer).Claims(jwt.Claims{
		Issuer: o.cfg.ClientID, Subject: o.cfg.ClientID, Audience: jwt.Audience{tokenURL},
		ID: authz.RandomSecret(), IssuedAt: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(now.Add(5 * time.Minute)),
	}).Serialize()
}

// oidcFlow is what Catalyst remembers between sending someone to the provider and their return.
type oidcFlow struct {
	State    string    `json:"s"`
	Nonce    string    `json:"n"`
	Verifier string    `json:"v"`
	Expires  time.Time `json:"e"`
}

const oidcCookie = "catalyst_oidc"

func (s *Server) sealFlow(f oidcFlow) string {
	body, _ := json.Marshal(f)
	enc := base64.RawURLEncoding.EncodeToString(body)
	m := hmac.New(sha256.New, s.SessionKey)
	m.Write([]byte(enc))
	return enc + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s *Server) openFlow(v string) (oidcFlow, bool) {
	enc, sig, ok := strings.Cut(v, ".")
	if !ok {
		return oidcFlow{}, false
	}
	m := hmac.New(sha256.New, s.SessionKey)
	m.Write([]byte(enc))
	want := base64.RawURLEncoding.EncodeToString(m.Sum(nil))
	if !hmac.Equal([]byte(sig), []byte(want)) {
		return oidcFlow{}, false
	}
	body, err := base64.RawURLEncoding.DecodeString(enc)
	var f oidcFlow
	if err != nil || json.Unmarshal(body, &f) != nil || time.Now().After(f.Expires) {
		return oidcFlow{}, false
	}
	return f, true
}

// oidcStart sends the person to the provider with a fresh state, nonce and PKCE challenge.
func (s *Server) oidcStart(c echo.Context) error {
	if s.oidc == nil {
		return api.NotFound("sign-in provider", "configured")
	}
	p, err := s.oidc.discover(c.Request().Context())
	if err != nil {
		s.Log.Error("the sign-in provider did not answer", "error", err, "request_id", api.RequestID(c))
		return api.NewProblem(http.StatusServiceUnavailable, "sign-in-unavailable", "Sign-in is not available",
			"the sign-in service did not answer; try again in a few minutes")
	}
	f := oidcFlow{State: authz.RandomSecret(), Nonce: authz.RandomSecret(), Verifier: oauth2.GenerateVerifier(), Expires: time.Now().Add(10 * time.Minute)}
	c.SetCookie(&http.Cookie{Name: oidcCookie, Value: s.sealFlow(f), Path: "/sign-in/oidc", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies, MaxAge: 600})
	url := s.oidc.oauth(p).AuthCodeURL(f.State, oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier))
	return c.Redirect(http.StatusFound, url)
}

// errSignIn is a sign-in that failed for a reason the person can act on.
func errSignIn(detail string) error {
	return api.NewProblem(http.StatusUnauthorized, "sign-in-failed", "You could not be signed in", detail)
}

// oidcCallback finishes sign-in: it checks the state, exchanges the code with the PKCE
// verifier, verifies the ID token's signature, issuer, audience, expiry and nonce, and finds
// the person in Catalyst's records.
func (s *Server) oidcCallback(c echo.Context) error {
	if s.oidc == nil {
		return api.NotFound("sign-in provider", "configured")
	}
	ck, err := c.Cookie(oidcCookie)
	if err != nil {
		return errSignIn("the sign-in took too long or was started in another browser: start again")
	}
	f, ok := s.openFlow(ck.Value)
	c.SetCookie(&http.Cookie{Name: oidcCookie, Value: "", Path: "/sign-in/oidc", MaxAge: -1, HttpOnly: true, Secure: s.SecureCookies})
	if !ok || subtle.ConstantTimeCompare([]byte(f.State), []byte(c.QueryParam("state"))) != 1 {
		return errSignIn("the sign-in could not be matched to this browser: start again")
	}
	if e := c.QueryParam("error"); e != "" {
		return errSignIn(fmt.Sprintf("the sign-in service said %q: start again", e))
	}
	ctx := s.oidc.context(c.Request().Context())
	p, err := s.oidc.discover(ctx)
	if err != nil {
		return err
	}
	conf := s.oidc.oauth(p)
	opts := []oauth2.AuthCodeOption{oauth2.VerifierOption(f.Verifier)}
	if s.oidc.cfg.PrivateKey != nil {
		assertion, err := s.oidc.clientAssertion(conf.Endpoint.TokenURL)
		if err != nil {
			return err
		}
		opts = append(opts,
			oauth2.SetAuthURLParam("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
			oauth2.SetAuthURLParam("client_assertion", assertion))
	}
	tok, err := conf.Exchange(ctx, c.QueryParam("code"), opts...)
	if err != nil {
		s.Log.Warn("sign-in code exchange failed", "error", err, "request_id", api.RequestID(c))
		return errSignIn("the sign-in service did not confirm who you are: start again")
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := p.Verifier(&oidc.Config{ClientID: s.oidc.cfg.ClientID}).Verify(ctx, raw)
	if err != nil {
		s.Log.Warn("ID token refused", "error", err, "request_id", api.RequestID(c))
		return errSignIn("the sign-in service's answer could not be verified: start again")
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(f.Nonce)) != 1 {
		return errSignIn("the sign-in answer was not for this sign-in: start again")
	}
	var claims struct {
		Email         string `json:"email"`
		EmailVerified bool   `json:"email_verified"`
		Name          string `json:"name"`
	}
	if err := idt.Claims(&claims); err != nil {
		return err
	}
	who, err := s.Svc.PersonForSubject(c.Request().Context(), service.SignInSubject{Issuer: s.oidc.cfg.Issuer,
		Subject: idt.Subject, Email: claims.Email, EmailVerified: claims.EmailVerified, Name: claims.Name})
	if err != nil {
		return err
	}
	if err := s.StartSession(c, who, "oidc"); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, s.landing(c, who))
}
