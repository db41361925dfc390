package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent/auditevent"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// TestTheTrailNamesTheTokenUsed: an act with an API token is recorded as its person's, with the
// token and who issued it beside them, in the trail's API and its CSV.
func TestTheTrailNamesTheTokenUsed(t *testing.T) {
	w := NewWorld(t)
	sys := authz.AsSystem(testdb.Fixture(), "test")
	rec := w.Do(OwnerOwn, http.MethodPost, "/api/v1/challenges", `{"title":"Flooded underpasses","public_body":"Anytown","problem":"They flood"}`)
	if rec.Code != http.StatusCreated {
		t.Fatalf("a challenge: %d %s", rec.Code, rec.Body)
	}
	var ch struct {
		ID int `json:"id"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &ch)
	ev := w.DB.AuditEvent.Query().Where(auditevent.RecordType("challenge"), auditevent.RecordID(ch.ID)).FirstX(sys)
	tok := w.DB.APIToken.Query().AllX(sys)
	want := ""
	for _, k := range tok {
		if k.PersonID == w.People[OwnerOwn].ID && k.Name == OwnerOwn {
			want = fmt.Sprintf("API token %d %q, issued by test", k.ID, k.Name)
		}
	}
	if ev.Actor != w.People[OwnerOwn].Email || ev.Token != want {
		t.Fatalf("the trail has %q with %q; want %q with %q", ev.Actor, ev.Token, w.People[OwnerOwn].Email, want)
	}
	rec = w.Do(Officer, http.MethodGet, fmt.Sprintf("/api/v1/audit?record_type=challenge&record_id=%d", ch.ID), "")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"token":`+mustQuote(want)) {
		t.Errorf("the trail's API: %d %s", rec.Code, rec.Body)
	}
	rec = w.Do(Officer, http.MethodGet, "/api/v1/audit.csv", "")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "request_id,token,hash") || !strings.Contains(rec.Body.String(), `issued by test`) {
		t.Errorf("the trail's CSV: %d %.300s", rec.Code, rec.Body)
	}
}

func mustQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
