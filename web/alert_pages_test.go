package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/alert"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// TestAlertsOnPages: anyone asks for alerts without an account (mistakes named, what was typed
// kept), a signed-in person sees the notices their alert sent, and the link in a notice stops
// the alerts without signing in.
func TestAlertsOnPages(t *testing.T) {
	w := NewWorld(t)
	fx := testdb.Fixture()
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	field := string(domain.Fields[0])

	_, page := read(t)(http.Get(srv.URL + "/alerts?field=" + url.QueryEscape(field)))
	wantIn(t, "the alerts form", page, "Get alerts for new competitions", `value="`+field+`" checked`)
	code, page := read(t)(http.PostForm(srv.URL+"/alerts", url.Values{"email": {"rosa at example"}}))
	if code != http.StatusUnprocessableEntity {
		t.Errorf("a bad alert: %d", code)
	}
	wantIn(t, "the refused alert", page, "Enter an email address in the right format", "Choose at least one field", `value="rosa at example"`)
	_, page = read(t)(http.PostForm(srv.URL+"/alerts", url.Values{"email": {"rosa@example.org"}, "fields": {field}}))
	wantIn(t, "the confirmation", page, "Alerts set up", "rosa@example.org is told once")
	a := w.DB.Alert.Query().Where(alert.Email("rosa@example.org")).OnlyX(fx)

	// Signed in as the address's owner: the notices sent.
	dana := w.DB.Alert.Create().SetEmail("dana@acme.example").SetFields([]string{field}).SetToken("dana-token").SaveX(fx)
	w.DB.AlertNotice.Create().SetAlertID(dana.ID).SetCompetitionID(w.CompE.ID).SetValues(map[string]string{"title": "Potholes", "phase": "1",
		"closes_at": "1 March 2027 at 11am", "fields": field, "link": "/competitions/" + strconv.Itoa(w.CompE.ID), "unsubscribe": "/alerts/unsubscribe/dana-token"}).ExecX(fx)
	c, _ := signInAs(t, srv.URL, "dana@acme.example")
	_, page = read(t)(c.Get(srv.URL + "/alerts"))
	wantIn(t, "the signed-in alerts page", page, "Your alerts", "A competition in "+field+" is open for bids: “Potholes”")

	// The link stops them, without signing in; a made-up link is not found.
	_, page = read(t)(http.Get(srv.URL + "/alerts/unsubscribe/" + a.Token))
	wantIn(t, "the unsubscribe page", page, "Stop alerts", "rosa@example.org is told when a competition opens in "+field)
	_, page = read(t)(http.PostForm(srv.URL+"/alerts/unsubscribe/"+a.Token, url.Values{}))
	wantIn(t, "alerts stopped", page, "Alerts stopped", "gets no more alerts")
	if w.DB.Alert.GetX(fx, a.ID).UnsubscribedAt == nil {
		t.Error("the alert was not stopped")
	}
	if code, _ := read(t)(http.Get(srv.URL + "/alerts/unsubscribe/made-up")); code != http.StatusNotFound {
		t.Errorf("a made-up link: %d", code)
	}
}
