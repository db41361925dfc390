package api

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestATooManyRequestsSaysWhenToTryAgain: the public forms' limit per address answers 429 with
// Retry-After and the RateLimit-Policy and RateLimit fields (the IETF httpapi draft's), which
// every answer of a limited route carries; the quota comes back at its rate.
func TestATooManyRequestsSaysWhenToTryAgain(t *testing.T) {
	w := NewWorld(t)
	h, err := NewTestHandler(t, Deps{DB: w.DB, SessionKey: make([]byte, 32), SignInRate: 2, Log: Quiet})
	if err != nil {
		t.Fatal(err)
	}
	alert := func(header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/alerts", strings.NewReader(`{"email": "a@b.example", "fields": ["Transport"]}`))
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	first := alert()
	if first.Code >= 300 || first.Header().Get("RateLimit-Policy") != `"per-address";q=2;w=60` || first.Header().Get("RateLimit") != `"per-address";r=1;t=30` {
		t.Errorf("the first: %d, RateLimit-Policy %q, RateLimit %q", first.Code, first.Header().Get("RateLimit-Policy"), first.Header().Get("RateLimit"))
	}
	alert()
	third := alert()
	retry, _ := strconv.Atoi(third.Header().Get("Retry-After"))
	if third.Code != http.StatusTooManyRequests || retry < 29 || retry > 30 || !strings.HasPrefix(third.Header().Get("RateLimit"), `"per-address";r=0;t=`) {
		t.Errorf("the third: %d, Retry-After %q, RateLimit %q %s", third.Code, third.Header().Get("Retry-After"), third.Header().Get("RateLimit"), third.Body)
	}
	// A client naming another address in a header is still the address it connects from (echo's
	// RealIP trusts those headers unless told not to: GO-2026-6872).
	if spoofed := alert("X-Forwarded-For", "203.0.113.9", "X-Real-IP", "203.0.113.10"); spoofed.Code != http.StatusTooManyRequests {
		t.Errorf("a spoofed X-Forwarded-For and X-Real-IP got a fresh quota: %d", spoofed.Code)
	}

	// The bucket refills at its rate: half a minute on, one more request is taken.
	l := &addressLimits{rate: 2.0 / 60, burst: 2, limits: map[string]*addressLimit{}}
	now := time.Now()
	for range 2 {
		l.take("x", now)
	}
	if ok, _, _, retry := l.take("x", now); ok || retry != 30 {
		t.Errorf("an empty bucket: taken %v, retry in %d s", ok, retry)
	}
	if ok, left, full, _ := l.take("x", now.Add(31*time.Second)); !ok || left != 0 || full < 59 || full > 60 {
		t.Errorf("31 s on: taken %v, %d left, full in %d s", ok, left, full)
	}
}

// TestBehindTheOperatorsProxyEachClientHasItsOwnLimit: behind a trusted proxy each client is
// the address the proxy names in X-Forwarded-For, so one client spending its quota locks out
// nobody else behind the same proxy; a header from anyone else is not believed.
func TestBehindTheOperatorsProxyEachClientHasItsOwnLimit(t *testing.T) {
	w := NewWorld(t)
	h, err := NewTestHandler(t, Deps{DB: w.DB, SessionKey: make([]byte, 32), SignInRate: 1, Log: Quiet,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/28")}})
	if err != nil {
		t.Fatal(err)
	}
	alert := func(from, forwarded string) int {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/alerts", strings.NewReader(`{"email": "a@b.example", "fields": ["Transport"]}`))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = from + ":40000"
		if forwarded != "" {
			req.Header.Set("X-Forwarded-For", forwarded)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	if alert("192.0.2.1", "203.0.113.5") >= 300 || alert("192.0.2.1", "203.0.113.5") != http.StatusTooManyRequests {
		t.Fatal("one client behind the proxy was not limited after its quota")
	}
	if code := alert("192.0.2.1", "203.0.113.6"); code >= 300 {
		t.Errorf("another client behind the same proxy was locked out: %d", code)
	}
	// A client naming itself after another, through the proxy, is still the address the proxy saw.
	if code := alert("192.0.2.1", "203.0.113.99, 203.0.113.5"); code != http.StatusTooManyRequests {
		t.Errorf("a client spoofing X-Forwarded-For through the proxy got a fresh quota: %d", code)
	}
	// Not through the proxy: the header is the caller's word, and not believed.
	alert("198.51.100.7", "203.0.113.7")
	if code := alert("198.51.100.7", "203.0.113.8"); code != http.StatusTooManyRequests {
		t.Errorf("a direct caller escaped its limit by naming other addresses: %d", code)
	}
}
