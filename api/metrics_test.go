package api

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/internal/testworld"
	"github.com/catalyst-sbri/catalyst/metrics"
)

// /metrics tells Prometheus each route's latency by its pattern, the refusals by reason, and
// what waits in the outbox, in email and in webhooks.
func TestMetricsForPrometheus(t *testing.T) {
	w := NewWorld(t)
	sys := authz.AsSystem(testdb.Fixture(), "test")
	m := metrics.New()
	defer m.Close()
	m.WatchStore(w.DB)
	h, err := New(Deps{DB: w.DB, Docs: testworld.Docs, SessionKey: make([]byte, 32), Metrics: m, Log: Quiet})
	if err != nil {
		t.Fatal(err)
	}
	do := func(method, path, body, persona string) int {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if persona != "" {
			req.Header.Set("Authorization", "Bearer "+w.Tokens[persona])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	do(http.MethodGet, "/api/v1/competitions/"+strconv.Itoa(w.CompA.ID), "", "")
	do(http.MethodGet, "/api/v1/competitions/"+strconv.Itoa(w.CompE.ID), "", "")
	if code := do(http.MethodPost, "/api/v1/challenges", `{"title":" "}`, OwnerOwn); code != http.StatusUnprocessableEntity {
		t.Fatalf("the refused challenge: %d", code)
	}
	// An email waiting, as every notice writes one.
	dana := w.People[SupplierOwn]
	w.DB.Email.Create().SetTo(dana.Email).SetTemplate(string(domain.NoticeGateDecided)).SetUnsubscribeToken("metrics-test").ExecX(sys)

	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Body)
	text := string(body)
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics: %d", rec.Code)
	}
	for _, want := range []string{
		`catalyst_http_request_duration_seconds_count{method="GET",route="/api/v1/competitions/:id",status="200"} 2`,
		`catalyst_commands_refused_total{reason="invalid-input"} 1`,
		`catalyst_emails{state="pending"} `,
		`catalyst_outbox_waiting `,
		`catalyst_webhook_deliveries{state="failed"} 0`,
		`catalyst_store_up 1`,
		`go_goroutines `,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(text, `route="/api/v1/competitions/`+strconv.Itoa(w.CompA.ID)) {
		t.Error("a record's ID made its own metric")
	}
}

// TestNotReadySaysOnlyThat: a part that does not answer makes /readyz 503, telling the public
// only that Catalyst is not ready; which part, and why, are the operator's, in the log and in
// /metrics.
func TestNotReadySaysOnlyThat(t *testing.T) {
	w := NewWorld(t)
	m := metrics.New()
	defer m.Close()
	h, err := New(Deps{DB: w.DB, Docs: testworld.Docs, SessionKey: make([]byte, 32), Metrics: m, Log: Quiet,
		Ready: func(context.Context) error {
			return &NotReady{Part: "database", Err: errors.New("dial tcp 10.1.2.3:5432: connection refused")}
		}})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if rec.Code != http.StatusServiceUnavailable || strings.Contains(rec.Body.String(), "10.1.2.3") || strings.Contains(rec.Body.String(), "database") ||
		!strings.Contains(rec.Body.String(), "not ready") {
		t.Errorf("/readyz: %d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if !strings.Contains(rec.Body.String(), `catalyst_readiness_failures_total{part="database"} 1`) {
		t.Errorf("/metrics does not count the failure by its part")
	}
}
