package web

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent/auditevent"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// TestTheAuditFilterOffersEveryKindInTheTrail: the record-type filter offers each kind of record
// the trail holds, in words (a screening criterion, not screening_criterion), taken from the
// trail itself; and the page says how many of how many events it shows.
func TestTheAuditFilterOffersEveryKindInTheTrail(t *testing.T) {
	w := NewWorld(t)
	for _, text := range []string{"Is it a real problem?", "Can a supplier solve it?"} {
		if rec := w.Do(Officer, http.MethodPost, "/api/v1/screening-criteria", fmt.Sprintf(`{"text":%q}`, text)); rec.Code != http.StatusCreated {
			t.Fatalf("adding a criterion: %d %s", rec.Code, rec.Body)
		}
	}
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	c, _ := signInAs(t, srv.URL, "officer@programme.example")
	code, page := read(t)(c.Get(srv.URL + "/audit"))
	if code != http.StatusOK {
		t.Fatalf("/audit: %d", code)
	}
	page = html.UnescapeString(page)
	kinds, err := w.DB.AuditEvent.Query().Unique(true).Select(auditevent.FieldRecordType).Strings(authz.AsSystem(testdb.Fixture(), "test"))
	if err != nil {
		t.Fatal(err)
	}
	if len(kinds) < 2 {
		t.Fatalf("the trail holds %v", kinds)
	}
	for _, k := range kinds {
		if !strings.Contains(page, fmt.Sprintf(`<option value="%s">%s</option>`, k, strings.ReplaceAll(k, "_", " "))) {
			t.Errorf("the filter does not offer %q", k)
		}
	}
	n := w.DB.AuditEvent.Query().CountX(authz.AsSystem(testdb.Fixture(), "test"))
	if !regexp.MustCompile(fmt.Sprintf(`All %d|The newest \d+ of %d`, n, n)).MatchString(page) {
		t.Errorf("the page does not say how many of the %d events it shows", n)
	}
	// A kind chosen stays chosen, even where the trail has none of it.
	_, page = read(t)(c.Get(srv.URL + "/audit?record_type=alert"))
	if !strings.Contains(page, `<option value="alert" selected>alert</option>`) || !strings.Contains(page, "No events match.") {
		t.Error("a record type with no events is not kept chosen")
	}
}
