package web

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent/webhookdelivery"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

var secretShown = regexp.MustCompile(`<code id="secret">(whsec_[^<]+)</code>`)

// The programme registers an endpoint on a page without JavaScript (a wrong URL and one inside
// the network named first),
// reads its secret once, rotates it, reads the delivery log and sends a failed delivery again.
func TestTheProgrammeManagesWebhooksOnPages(t *testing.T) {
	w := NewWorld(t)
	sys := authz.AsSystem(testdb.Fixture(), "test")
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	c := browser(t)
	read(t)(c.PostForm(srv.URL+"/sign-in", url.Values{"email": {"admin@programme.example"}}))
	code, page := read(t)(c.Get(srv.URL + "/webhooks"))
	if code != http.StatusOK || !strings.Contains(page, "Register an endpoint") || !strings.Contains(page, "contract.gate_stop") {
		t.Fatalf("the webhooks page: %d", code)
	}
	csrf := csrfInput.FindStringSubmatch(page)[1]
	code, page = read(t)(c.PostForm(srv.URL+"/webhooks", url.Values{"csrf_token": {csrf}, "url": {"http://finance.example/hook"},
		"description": {"Finance"}, "events": {"milestone.paid"}}))
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, `href="#url"`) || !strings.Contains(page, "Use https://") ||
		!strings.Contains(page, `value="Finance"`) || !strings.Contains(page, `value="milestone.paid" checked`) {
		t.Fatalf("a wrong URL: %d", code)
	}
	code, page = read(t)(c.PostForm(srv.URL+"/webhooks", url.Values{"csrf_token": {csrf}, "url": {"https://10.0.0.1/hook"},
		"description": {"Finance"}, "events": {"milestone.paid"}}))
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, `href="#url"`) ||
		!strings.Contains(page, "Catalyst cannot send to this URL: 10.0.0.1 is not on the public internet") {
		t.Fatalf("an endpoint inside the network: %d", code)
	}
	code, page = read(t)(c.PostForm(srv.URL+"/webhooks", url.Values{"csrf_token": {csrf}, "url": {"https://finance.example/hook"},
		"description": {"Finance"}, "events": {"milestone.paid", "contract.gate_stop"}}))
	m := secretShown.FindStringSubmatch(page)
	if code != http.StatusOK || m == nil || !strings.Contains(page, "Copy the signing secret now") {
		t.Fatalf("registering: %d", code)
	}
	first := html.UnescapeString(m[1])
	e := w.DB.WebhookEndpoint.Query().OnlyX(sys)
	if e.Secrets[0].Secret != first || len(e.Events) != 2 {
		t.Errorf("the endpoint %+v", e)
	}
	// The secret is never shown again.
	_, page = read(t)(c.Get(srv.URL + "/webhooks/" + strconv.Itoa(e.ID)))
	if strings.Contains(page, "whsec_") {
		t.Error("the secret is shown again")
	}

	// A rotation shows the new secret once; the old one signs beside it for a day.
	_, page = read(t)(c.PostForm(srv.URL+"/webhooks/"+strconv.Itoa(e.ID)+"/rotate", url.Values{"csrf_token": {csrf}}))
	m = secretShown.FindStringSubmatch(page)
	if m == nil || html.UnescapeString(m[1]) == first {
		t.Fatal("no new secret shown")
	}
	e = w.DB.WebhookEndpoint.GetX(sys, e.ID)
	if len(e.Secrets) != 2 || e.Secrets[0].EndsAt == nil || e.Secrets[1].EndsAt != nil {
		t.Errorf("secrets after rotating %+v", e.Secrets)
	}

	// A failed delivery is in the log with why, and is sent again.
	d := w.DB.WebhookDelivery.Create().SetEndpointID(e.ID).SetMessageID("msg_9_1").SetEvent("milestone.paid").SetPayload([]byte(`{}`)).
		SetState(webhookdelivery.StateFailed).SetAttempts(10).SetLastStatus(502).SetLastError("Given up after 10 attempts: the receiver answered 502").SaveX(sys)
	_, page = read(t)(c.Get(srv.URL + "/webhooks/" + strconv.Itoa(e.ID)))
	if !strings.Contains(page, "Given up after 10 attempts") || !strings.Contains(page, "last answer 502") {
		t.Error("the failed delivery is not in the log")
	}
	resp, err := c.PostForm(srv.URL+"/webhook-deliveries/"+strconv.Itoa(d.ID)+"/send-again", url.Values{"csrf_token": {csrf}})
	if code, _ := readBody(t, resp, err); code != http.StatusSeeOther {
		t.Fatalf("send again: %d", code)
	}
	if got := w.DB.WebhookDelivery.GetX(sys, d.ID); got.State != webhookdelivery.StatePending || got.Attempts != 0 || got.MessageID != "msg_9_1" {
		t.Errorf("after send again %+v", got)
	}

	// Disabled, it is sent nothing more; a supplier sees none of it.
	resp, err = c.PostForm(srv.URL+"/webhooks/"+strconv.Itoa(e.ID)+"/disable", url.Values{"csrf_token": {csrf}})
	if code, _ := readBody(t, resp, err); code != http.StatusSeeOther || w.DB.WebhookEndpoint.GetX(sys, e.ID).DisabledAt == nil {
		t.Fatalf("disable: %d", code)
	}
	dana := browser(t)
	read(t)(dana.PostForm(srv.URL+"/sign-in", url.Values{"email": {w.People[SupplierOwn].Email}}))
	if code, _ := read(t)(dana.Get(srv.URL + "/webhooks")); code != http.StatusForbidden && code != http.StatusNotFound {
		t.Errorf("a supplier read the webhooks: %d", code)
	}
}
