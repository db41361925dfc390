package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	entemail "github.com/catalyst-sbri/catalyst/ent/email"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/records"
)

// A person chooses their emails on a page without JavaScript; an email's unsubscribe link
// stops its kind without signing in; the programme sees a failed email and sends it again.
func TestEmailChoicesUnsubscribeAndSendAgainOnPages(t *testing.T) {
	w := NewWorld(t)
	sys := authz.AsSystem(testdb.Fixture(), "test")
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	dana := w.People[SupplierOwn]

	c := browser(t)
	read(t)(c.PostForm(srv.URL+"/sign-in", url.Values{"email": {dana.Email}}))
	code, page := read(t)(c.Get(srv.URL + "/notices/email"))
	if code != http.StatusOK || !strings.Contains(page, "Choose your emails") || !strings.Contains(page, `value="payment_made" checked`) {
		t.Fatalf("the choices page: %d", code)
	}
	csrf := csrfInput.FindStringSubmatch(page)[1]
	// Everything ticked but payments.
	form := url.Values{"csrf_token": {csrf}}
	for _, k := range domain.NoticeTemplates {
		if k != domain.NoticePaymentMade {
			form.Add("on", string(k))
		}
	}
	resp, err := c.PostForm(srv.URL+"/notices/email", form)
	if code, _ := readBody(t, resp, err); code != http.StatusSeeOther {
		t.Fatalf("saving choices: %d", code)
	}
	_, page = read(t)(c.Get(srv.URL + resp.Header.Get("Location")))
	if !strings.Contains(page, "Your email choices are saved") || !strings.Contains(page, `value="payment_made">`) {
		t.Error("the saved choices are not shown")
	}
	if off := w.DB.Person.GetX(sys, dana.ID).EmailOff; !slices.Equal(off, []string{"payment_made"}) {
		t.Errorf("email off %v", off)
	}

	// A notice of a kind still on is emailed; its link stops that kind, from a browser with no
	// session.
	var e *ent.Email
	err = w.DB.WithTx(sys, func(tx *ent.Tx) error {
		if err := records.Notify(sys, tx, dana.ID, domain.NoticeGateDecided, "contract", w.ContractAcme.ID, nil); err != nil {
			return err
		}
		e, err = tx.Email.Query().Order(ent.Desc(entemail.FieldID)).First(sys)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	anon := browser(t)
	link := srv.URL + "/email/unsubscribe/" + *e.UnsubscribeToken
	code, page = read(t)(anon.Get(link))
	if code != http.StatusOK || !strings.Contains(page, "The stage gate decided on your contract") || !strings.Contains(page, dana.Email) {
		t.Fatalf("the unsubscribe page: %d", code)
	}
	code, page = read(t)(anon.PostForm(link, url.Values{}))
	if code != http.StatusOK || !strings.Contains(page, "Emails stopped") {
		t.Fatalf("unsubscribing: %d", code)
	}
	if off := w.DB.Person.GetX(sys, dana.ID).EmailOff; !slices.Contains(off, "gate_decided") || !slices.Contains(off, "payment_made") {
		t.Errorf("email off after the link %v", off)
	}
	if code, _ := read(t)(anon.Get(srv.URL + "/email/unsubscribe/not-a-token")); code != http.StatusNotFound {
		t.Errorf("a made-up link: %d", code)
	}

	// The programme sees the failed email with why, and sends it again.
	w.DB.Email.UpdateOneID(e.ID).SetState(entemail.StateFailed).SetLastError("GOV.UK Notify answered 400; BadRequestError: Not a valid email address").ExecX(sys)
	priya := browser(t)
	read(t)(priya.PostForm(srv.URL+"/sign-in", url.Values{"email": {"officer@programme.example"}}))
	code, page = read(t)(priya.Get(srv.URL + "/emails?state=failed"))
	if code != http.StatusOK || !strings.Contains(page, "Not a valid email address") || !strings.Contains(page, "Send again") {
		t.Fatalf("the failed emails: %d", code)
	}
	csrf = csrfInput.FindStringSubmatch(page)[1]
	resp, err = priya.PostForm(srv.URL+"/emails/"+strconv.Itoa(e.ID)+"/send-again", url.Values{"csrf_token": {csrf}})
	if code, _ := readBody(t, resp, err); code != http.StatusSeeOther {
		t.Fatalf("send again: %d", code)
	}
	if got := w.DB.Email.GetX(sys, e.ID); got.State != entemail.StatePending || got.Attempts != 0 {
		t.Errorf("after send again: %+v", got)
	}
	_, page = read(t)(priya.Get(srv.URL + resp.Header.Get("Location")))
	if !strings.Contains(page, "waiting to be sent again") {
		t.Error("no confirmation")
	}
	// Dana cannot see the programme's list.
	if code, _ := read(t)(c.Get(srv.URL + "/emails")); code != http.StatusForbidden && code != http.StatusNotFound {
		t.Errorf("a supplier read the emails: %d", code)
	}
}
