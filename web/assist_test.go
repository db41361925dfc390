package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/auditevent"
	"github.com/catalyst-sbri/catalyst/ent/notice"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// TestTheProgrammeActsForASupplierWithConsent walks assisted digital as a browser without
// JavaScript: the programme records how a supplier gave consent (mistakes named first), its
// session then acts as the supplier, with the supplier's scope and none of the programme's
// powers, every page saying so; what it does is in the trail as done by the helper on the
// supplier's behalf, a bid it submits sends the supplier their receipt, and the supplier is told
// when it starts. Stopped, the helper is themselves again. Nobody acts for themselves, nor for
// someone holding the programme's roles.
func TestTheProgrammeActsForASupplierWithConsent(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	fx := testdb.Fixture()
	dana := w.People[SupplierOwn]
	// Dana's sealed bid, written in full, which she will ask to have reopened and submitted again.
	answers := map[string]string{}
	for _, c := range w.CompE.Scheme.Criteria {
		answers[c.Key] = "Sensors on the gritters tell the depot where the ice is."
	}
	w.DB.Bid.UpdateOne(w.SealedAcme).SetSummary("Sensors on gritters").SetFields([]string{string(domain.Fields[0])}).SetAnswers(answers).
		SetNetPrice(domain.Pounds(40_000)).SetPriceGiven(true).
		SetMilestones([]domain.Milestone{{Deliverable: "A study", SuccessCriteria: "The owner decides", Month: 1, Amount: domain.Pounds(40_000)}}).ExecX(fx)
	admin, csrf := signInAs(t, srv.URL, "officer@programme.example")
	person := srv.URL + "/people/" + strconv.Itoa(dana.ID)

	_, page := read(t)(admin.Get(person))
	wantIn(t, "Dana's record", page, "Act for them", "How did they give their consent?", "Act for supplier-own")
	for _, p := range []string{Officer, PanelChair} {
		_, page := read(t)(admin.Get(srv.URL + "/people/" + strconv.Itoa(w.People[p].ID)))
		if !strings.Contains(page, "You cannot act for them:") || strings.Contains(page, `action="/people/`+strconv.Itoa(w.People[p].ID)+`/assist"`) {
			t.Errorf("acting for %s is offered", p)
		}
	}

	code, page := read(t)(admin.PostForm(person+"/assist", url.Values{"csrf_token": {csrf}}))
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("acting without consent: %d", code)
	}
	wantIn(t, "the refusal", page, "Choose how supplier-own gave their consent", "Enter what they agreed to")
	code, page = read(t)(admin.PostForm(person+"/assist", url.Values{"csrf_token": {csrf}, "how": {"phone"},
		"consent": {"Dana asked us on the phone on 7 December to reopen and submit her bid, as she cannot get online."}}))
	if code != http.StatusOK {
		t.Fatalf("starting to act for Dana: %d", code)
	}
	wantIn(t, "the first page as Dana", page, "Your work", "officer, you are acting for supplier-own, with their consent", "Stop acting for supplier-own")
	if code, _ := read(t)(admin.Get(srv.URL + "/people")); code != http.StatusForbidden {
		t.Errorf("the programme's own pages while acting for Dana: %d, want 403", code)
	}
	if n := w.DB.Notice.Query().Where(notice.RecipientID(dana.ID), notice.Template(string(domain.NoticeAssisted))).CountX(fx); n != 1 {
		t.Errorf("Dana was told %d times", n)
	}

	// As Dana: reopen her bid and submit it again.
	bid := srv.URL + "/bids/" + strconv.Itoa(w.SealedAcme.ID)
	if code, page := read(t)(admin.PostForm(bid+"/reopen", url.Values{"csrf_token": {csrf}})); code != http.StatusOK {
		t.Fatalf("reopening Dana's bid for her: %d %s", code, page)
	}
	e := w.DB.AuditEvent.Query().Where(auditevent.Action("bid.reopened")).OnlyX(fx)
	if e.Actor != "officer@programme.example on behalf of dana@acme.example" {
		t.Errorf("the trail records the reopening as by %q", e.Actor)
	}
	if code, page := read(t)(admin.PostForm(bid+"/submit", url.Values{"csrf_token": {csrf}})); code != http.StatusOK {
		t.Fatalf("submitting Dana's bid for her: %d %s", code, problemsIn(page))
	}
	receipt := w.DB.Notice.Query().Where(notice.RecipientID(dana.ID), notice.Template(string(domain.NoticeSubmittedForYou))).OnlyX(fx)
	sealed := w.DB.Bid.GetX(fx, w.SealedAcme.ID)
	if sealed.Receipt == nil || receipt.Values["receipt"] != *sealed.Receipt || receipt.Values["helper"] != w.People[Officer].Name {
		t.Errorf("Dana's receipt notice: %v, her bid's receipt %v", receipt.Values, sealed.Receipt)
	}

	code, page = read(t)(admin.PostForm(srv.URL+"/assist/stop", url.Values{"csrf_token": {csrf}}))
	if code != http.StatusOK {
		t.Fatalf("stopping: %d", code)
	}
	wantIn(t, "back as the programme", page, "You are no longer acting for supplier-own", "Who acted for them", "Dana asked us on the phone")
	if strings.Contains(page, "you are acting for") {
		t.Error("the banner stays after stopping")
	}
	if code, _ := read(t)(admin.Get(srv.URL + "/people")); code != http.StatusOK {
		t.Errorf("the programme's pages after stopping: %d", code)
	}
	if n := w.DB.AuditEvent.Query().Where(auditevent.ActionIn("assistance.started", "assistance.ended")).CountX(fx); n != 2 {
		t.Errorf("%d assistance events in the trail, want 2", n)
	}
}

// problemsIn is what a page's error summary says, for a failure's message.
func problemsIn(page string) string {
	if i := strings.Index(page, "govuk-error-summary__list"); i >= 0 {
		return page[i:min(len(page), i+1500)]
	}
	return "no error summary"
}
