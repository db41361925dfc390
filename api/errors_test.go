package api

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// TestServerErrorsHideTheirInsidesAndCarryTheRequestID: a failure deep inside (here, no
// workflow service at all) answers a plain problem; the detail and the request ID go to the log.
func TestServerErrorsHideTheirInsidesAndCarryTheRequestID(t *testing.T) {
	w := NewWorld(t)
	var logs bytes.Buffer
	h, err := NewTestHandler(t, Deps{DB: w.DB, SessionKey: make([]byte, 32), Log: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	w.DB.Screening.Create().SetChallengeID(w.ChallengeA.ID).SetCriterionID(w.Criterion.ID).SetMet(true).SetScreenedBy("test").
		ExecX(testdb.Fixture())
	round := w.DB.Round.Create().SetName("2026").SetBudget(domain.Pounds(1_000_000)).SetStartsAt(time.Now()).
		SetEndsAt(time.Now().AddDate(1, 0, 0)).SaveX(testdb.Fixture())
	req := httptest.NewRequest(http.MethodPost, fmt.Sprintf("/api/v1/challenges/%d/selection", w.ChallengeA.ID),
		strings.NewReader(fmt.Sprintf(`{"select": true, "round_id": %d}`, round.ID)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+w.Tokens[Officer])
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	rid := rec.Header().Get("X-Request-Id")
	if rec.Code != http.StatusInternalServerError || rid == "" {
		t.Fatalf("%d (request ID %q) %s", rec.Code, rid, rec.Body)
	}
	body := rec.Body.String()
	for _, leak := range []string{"nil pointer", "PANIC", "goroutine", ".go:"} {
		if strings.Contains(body, leak) {
			t.Errorf("the 500 shows %q: %s", leak, body)
		}
	}
	if !strings.Contains(body, "/problems/internal") || !strings.Contains(body, "logged with this request's ID") {
		t.Errorf("the 500 is not the internal problem: %s", body)
	}
	if !strings.Contains(logs.String(), rid) || !strings.Contains(logs.String(), "nil pointer") {
		t.Errorf("the log does not carry the request ID %s and the cause:\n%s", rid, logs.String())
	}
}
