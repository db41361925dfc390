package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/ent/idempotencyrecord"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// TestASecretIsNeverKeptForARetry: an API token, a webhook's signing secret and its rotation are
// shown once, in the answer to the request that made them. Sent with an Idempotency-Key, that
// answer is not kept for the key's retries (it would hold the secret for a day, readable again
// by anyone holding the key): the retry is told the command was done and its secret shown once,
// and what to do if it was lost, and the command is not done twice.
func TestASecretIsNeverKeptForARetry(t *testing.T) {
	w := NewWorld(t)
	tokens := w.DB.APIToken.Query().CountX(testdb.Fixture())
	for _, c := range []struct {
		name, path, body, secretField, lost string
	}{
		{"a token", "/api/v1/tokens", fmt.Sprintf(`{"name":"Finance","person_id":%d,"role":"admin"}`, w.People[Admin].ID), "token", "revoke the token"},
		{"a webhook's secret", "/api/v1/webhooks", `{"url":"https://finance.example/hook","events":["contract.awarded"],"description":"Finance"}`, "secret", "rotate the endpoint's secret"},
		{"a rotated secret", fmt.Sprintf("/api/v1/webhooks/%d/rotate-secret", w.Webhook().ID), "", "secret", "rotate the endpoint's secret again"},
	} {
		key := "secret-" + strings.ReplaceAll(c.name, " ", "-")
		first := w.Do(Admin, http.MethodPost, c.path, c.body, "Idempotency-Key", key)
		var shown map[string]any
		if err := json.Unmarshal(first.Body.Bytes(), &shown); err != nil || first.Code >= 300 {
			t.Fatalf("%s: %d %s", c.name, first.Code, first.Body)
		}
		secret, _ := shown[c.secretField].(string)
		if len(secret) < 16 {
			t.Fatalf("%s: the first answer shows no secret: %s", c.name, first.Body)
		}
		for _, rec := range w.DB.IdempotencyRecord.Query().Where(idempotencyrecord.Key(key)).AllX(testdb.Fixture()) {
			if bytes.Contains(rec.Body, []byte(secret)) {
				t.Errorf("%s: the secret is kept with the key's answer", c.name)
			}
		}
		again := w.Do(Admin, http.MethodPost, c.path, c.body, "Idempotency-Key", key)
		var p Problem
		_ = json.Unmarshal(again.Body.Bytes(), &p)
		if again.Code != http.StatusConflict || p.Type != problemBase+"secret-shown-once" || !strings.Contains(p.Detail, c.lost) ||
			again.Header().Get("Idempotent-Replayed") != "true" || strings.Contains(again.Body.String(), secret) {
			t.Errorf("%s: the retry answered %d %s", c.name, again.Code, again.Body)
		}
	}
	if n := w.DB.APIToken.Query().CountX(testdb.Fixture()); n != tokens+1 {
		t.Errorf("%d tokens: the retry issued another", n)
	}
}

// TestPersonalAnswersAreNeverCached: whatever a signed-in person is answered (their bids,
// tokens, notices, the audit trail and its CSV) tells every cache on the way not to keep it;
// the public's answers are left to cache.
func TestPersonalAnswersAreNeverCached(t *testing.T) {
	w := NewWorld(t)
	for _, c := range []struct{ persona, path string }{
		{SupplierOwn, "/api/v1/bids"}, {SupplierOwn, "/api/v1/tokens"}, {SupplierOwn, "/api/v1/notices"},
		{Officer, "/api/v1/audit"}, {Officer, "/api/v1/audit?format=csv"},
	} {
		rec := w.Do(c.persona, http.MethodGet, c.path, "")
		if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != "no-store" && rec.Header().Get("Cache-Control") != "private, no-store" {
			t.Errorf("%s as %s: %d, Cache-Control %q", c.path, c.persona, rec.Code, rec.Header().Get("Cache-Control"))
		}
	}
	if rec := w.Do(Anon, http.MethodGet, "/api/v1/competitions", ""); strings.Contains(rec.Header().Get("Cache-Control"), "no-store") {
		t.Errorf("the public's list of competitions: Cache-Control %q", rec.Header().Get("Cache-Control"))
	}
}
