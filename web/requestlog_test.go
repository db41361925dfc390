package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/api"
)

// TestTheRequestLogNamesWhoAndKeepsNoCapability: each request's line names the person (by ID,
// and the token when one was used), and an unsubscribe link's token, which acts for its person
// without a sign-in, is never written.
func TestTheRequestLogNamesWhoAndKeepsNoCapability(t *testing.T) {
	w := NewWorld(t)
	var log bytes.Buffer
	h, err := NewTestHandler(t, api.Deps{DB: w.DB, SessionKey: make([]byte, 32), DevSignIn: true,
		Log: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/api/v1/bids", nil)
	req.Header.Set("Authorization", "Bearer "+w.Tokens[SupplierOwn])
	h.ServeHTTP(httptest.NewRecorder(), req)
	const capability = "kjh23KJH23kjh23KJH23kjh23"
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/email/unsubscribe/"+capability, nil))
	text := log.String()
	if !strings.Contains(text, "path=/api/v1/bids") || !strings.Contains(text, "person_id="+strconv.Itoa(w.People[SupplierOwn].ID)) ||
		!strings.Contains(text, "token_id=") {
		t.Errorf("the log does not name who asked for the bids:\n%s", text)
	}
	if strings.Contains(text, capability) || !strings.Contains(text, "path=/email/unsubscribe/[token]") {
		t.Errorf("the log wrote an unsubscribe link's token:\n%s", text)
	}
}
