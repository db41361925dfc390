package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/internal/testworld"
	"github.com/labstack/echo/v4"
)

// Under overload the submit path answers at once with 503 and Retry-After, having changed
// nothing, rather than holding the request until it times out; once a slot is free the next
// request goes through.
func TestOverloadedSubmitsAreAskedToComeBack(t *testing.T) {
	a := newAdmission(2, 50*time.Millisecond)
	release := make(chan struct{})
	var ran sync.WaitGroup
	slow := a.Admit(func(c echo.Context) error { ran.Done(); <-release; return c.NoContent(http.StatusOK) })
	e := echo.New()
	serve := func(h echo.HandlerFunc) (*httptest.ResponseRecorder, error, time.Duration) {
		rec := httptest.NewRecorder()
		c := e.NewContext(httptest.NewRequest(http.MethodPost, "/api/v1/bids/1/submit", nil), rec)
		start := time.Now()
		err := h(c)
		return rec, err, time.Since(start)
	}
	// Two submits hold both slots.
	ran.Add(2)
	for range 2 {
		go serve(slow)
	}
	ran.Wait()
	rec, err, took := serve(a.Admit(func(c echo.Context) error { t.Error("an overloaded submit ran"); return nil }))
	if err != errBusy || rec.Header().Get("Retry-After") != "2" {
		t.Fatalf("the third submit: %v, Retry-After %q", err, rec.Header().Get("Retry-After"))
	}
	t.Logf("turned away in %s", took.Round(time.Millisecond))
	p, expected := ToProblem(err)
	if p.Status != http.StatusServiceUnavailable || !expected || !strings.Contains(p.Detail, "nothing was changed") {
		t.Errorf("problem %+v", p)
	}
	close(release)
	// With the slots free again, a submit goes through.
	rec, err, _ = serve(a.Admit(func(c echo.Context) error { return c.NoContent(http.StatusOK) }))
	if err != nil || rec.Code != http.StatusOK {
		t.Errorf("after the rush: %v %d", err, rec.Code)
	}
}

// A 503 through the whole server carries Retry-After, as a well-behaved client needs.
func TestEveryUnavailableSaysWhenToComeBack(t *testing.T) {
	w := NewWorld(t)
	h, err := New(Deps{DB: w.DB, Docs: testworld.Docs, SessionKey: make([]byte, 32), Log: Quiet})
	if err != nil {
		t.Fatal(err)
	}
	srv := h
	// The busy answer as the server's own error handler writes it.
	rec := httptest.NewRecorder()
	c := srv.NewContext(httptest.NewRequest(http.MethodPost, fmt.Sprintf("/api/v1/bids/%d/submit", w.BidAcme.ID), nil), rec)
	srv.HTTPErrorHandler(errBusy, c)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "busy") {
		t.Errorf("%d %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
}
