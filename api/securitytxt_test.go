package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestSecurityTxtSaysWhomToTell: /.well-known/security.txt (RFC 9116) names the contact, expires
// within a year, and is canonical at the public address; with no contact configured there is
// none.
func TestSecurityTxtSaysWhomToTell(t *testing.T) {
	w := NewWorld(t)
	for _, c := range []struct {
		contact, public string
		status          int
	}{{"mailto:security@programme.example.gov.uk", "https://catalyst.example.gov.uk/", 200}, {"", "", 404}} {
		h, err := NewTestHandler(t, Deps{DB: w.DB, SessionKey: make([]byte, 32), Log: Quiet, SecurityContact: c.contact, PublicURL: c.public})
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/.well-known/security.txt", nil))
		if rec.Code != c.status {
			t.Fatalf("with contact %q: %d %s", c.contact, rec.Code, rec.Body)
		}
		if c.status != 200 {
			continue
		}
		body := rec.Body.String()
		fields := map[string]string{}
		for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
			k, v, ok := strings.Cut(line, ": ")
			if !ok {
				t.Fatalf("a line that is no field: %q", line)
			}
			fields[k] = v
		}
		expires, err := time.Parse(time.RFC3339, fields["Expires"])
		if fields["Contact"] != c.contact || err != nil || time.Until(expires) < 30*24*time.Hour || time.Until(expires) > 365*24*time.Hour ||
			fields["Canonical"] != "https://catalyst.example.gov.uk/.well-known/security.txt" ||
			!strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain; charset=utf-8") {
			t.Errorf("security.txt:\n%s\n%v", body, rec.Header())
		}
	}
}
