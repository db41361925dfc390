package web

import (
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/api"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// TestPagesOfferOnlyWhatTheServiceAllows: where the service would refuse an action, the page
// does not offer it but says why, in the words the refusal would use, and the API lists it
// the same way: setting up phase 2 before the gate has decided every phase 1 contract, then
// after; recording the outcome before the final gate has decided every phase 2 contract.
func TestPagesOfferOnlyWhatTheServiceAllows(t *testing.T) {
	w := NewWorld(t)
	ctx := testdb.Fixture()
	w.DB.Challenge.UpdateOne(w.ChallengeA).SetStage(domain.ChallengePhase1Contracts).ExecX(ctx)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	ch := strconv.Itoa(w.ChallengeA.ID)
	admin, csrf := signInAs(t, srv.URL, "officer@programme.example")
	why := "the stage gate has still to decide Acme's phase 1 contract (active: decide it at the gate on that contract's page)"

	_, page := read(t)(admin.Get(srv.URL + "/challenges/" + ch))
	page = html.UnescapeString(page)
	wantIn(t, "the challenge with a phase 1 contract undecided", page, "You cannot set up the phase 2 competition yet: "+why)
	if strings.Contains(page, `action="/challenges/`+ch+`/competition-setup"`) {
		t.Error("the page offers setting up phase 2 before the gate has decided")
	}
	code, page := read(t)(admin.PostForm(srv.URL+"/challenges/"+ch+"/competition-setup", url.Values{"csrf_token": {csrf}}))
	if code < 400 || !strings.Contains(html.UnescapeString(page), why) {
		t.Errorf("setting up phase 2 anyway: %d, want the same reason", code)
	}
	rec := w.Do(Officer, http.MethodGet, "/api/v1/challenges/"+ch, "")
	var v api.ChallengeView
	_ = json.Unmarshal(rec.Body.Bytes(), &v)
	setup := actionNamed(v.Actions, "setup")
	if setup == nil || setup.Allowed || setup.Reason != why {
		t.Errorf("the API's setup action: %+v, want refused because %s", setup, why)
	}

	// Continued, phase 2 may be set up: the page offers it.
	w.DB.Contract.UpdateOne(w.ContractAcme).SetStatus(domain.ContractContinued).ExecX(ctx)
	_, page = read(t)(admin.Get(srv.URL + "/challenges/" + ch))
	wantIn(t, "the challenge once the gate continued Acme", page, `action="/challenges/`+ch+`/competition-setup"`, "Set up the phase 2 competition")

	// The outcome waits for the final gate.
	w.DB.Challenge.UpdateOne(w.ChallengeA).SetStage(domain.ChallengePhase2Contracts).ExecX(ctx)
	w.DB.Contract.UpdateOne(w.ContractAcme).SetPhase(2).SetStatus(domain.ContractReported).ExecX(ctx)
	w.DB.Competition.UpdateOne(w.CompA).SetPhase(2).ExecX(ctx)
	_, page = read(t)(admin.Get(srv.URL + "/challenges/" + ch))
	page = html.UnescapeString(page)
	wantIn(t, "the challenge with a phase 2 contract undecided", page,
		"You cannot record the outcome yet: the final gate has still to decide Acme's phase 2 contract (end-of-phase report received")
	if strings.Contains(page, `action="/challenges/`+ch+`/outcome"`) {
		t.Error("the page offers recording the outcome before the final gate has decided")
	}
}

func actionNamed(as []api.ActionView, name string) *api.ActionView {
	for i := range as {
		if as[i].Name == name {
			return &as[i]
		}
	}
	return nil
}

// TestYourWorkListsWhatThePagesOffer: the supplier's work, on its page and in the API, asks it
// for its running contract's end-of-phase report, linking to the contract, whose page offers it.
func TestYourWorkListsWhatThePagesOffer(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	k := strconv.Itoa(w.ContractAcme.ID)
	dana, _ := signInAs(t, srv.URL, "dana@acme.example")
	_, page := read(t)(dana.Get(srv.URL + "/work"))
	wantIn(t, "the supplier's work", page, `href="/contracts/`+k+`#report">Send your end-of-phase report`)
	_, page = read(t)(dana.Get(srv.URL + "/contracts/" + k))
	wantIn(t, "the contract the work links to", page, `action="/contracts/`+k+`/report"`)

	rec := w.Do(SupplierOwn, "GET", "/api/v1/me/work", "")
	var got struct{ Items []api.WorkItemView }
	_ = json.Unmarshal(rec.Body.Bytes(), &got)
	found := false
	for _, it := range got.Items {
		found = found || it.Kind == "contract" && it.Action == "report" && it.Link == "/contracts/"+k+"#report"
	}
	if !found {
		t.Errorf("the API's work for the supplier: %s", rec.Body)
	}
	// Someone else's contract is nobody else's work.
	rec = w.Do(SupplierOther, "GET", "/api/v1/me/work", "")
	if strings.Contains(rec.Body.String(), `"/contracts/`+k+`#`) {
		t.Errorf("another supplier is given Acme's contract: %s", rec.Body)
	}
}

// TestTheCompetitionPageOffersAmendingOnlyWhenTheServiceWouldTakeIt: an hour before the deadline
// the page says why the questions cannot be amended, rather than offering a form the service
// then refuses; with more than a week left it offers the form.
func TestTheCompetitionPageOffersAmendingOnlyWhenTheServiceWouldTakeIt(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	admin, _ := signInAs(t, srv.URL, "officer@programme.example")
	path := srv.URL + "/competitions/" + strconv.Itoa(w.CompE.ID)
	form := `action="/competitions/` + strconv.Itoa(w.CompE.ID) + `/amendments"`

	_, page := read(t)(admin.Get(path))
	page = html.UnescapeString(page)
	wantIn(t, "an hour before the deadline", page, "You cannot amend the questions now: an amendment leaves bidders at least 7 days before the deadline")
	if strings.Contains(page, form) {
		t.Error("the page offers amending an hour before the deadline")
	}

	w.DB.Competition.UpdateOne(w.CompE).SetClosesAt(time.Now().Add(8 * 24 * time.Hour)).ExecX(testdb.Fixture())
	_, page = read(t)(admin.Get(path))
	if !strings.Contains(page, form) || strings.Contains(page, "You cannot amend") {
		t.Error("with eight days left the page does not offer amending")
	}
}

// TestTheCompetitionPageLinksToItsSetupOnlyWhileItCanChange: a draft competition's page links to
// its setup; once it is open the link is gone, and the setup's own form is refused with the
// reason the action model gives.
func TestTheCompetitionPageLinksToItsSetupOnlyWhileItCanChange(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	admin, _ := signInAs(t, srv.URL, "officer@programme.example")
	ctx := testdb.Fixture()
	id := strconv.Itoa(w.CompE.ID)
	link := `href="/competitions/` + id + `/setup"`

	_, page := read(t)(admin.Get(srv.URL + "/competitions/" + id))
	if strings.Contains(page, link) {
		t.Error("an open competition's page links to its setup")
	}
	rec := w.Do(Officer, http.MethodPost, "/api/v1/competitions/"+id+"/setup", `{"details": {"summary": "Changed"}}`)
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "its setup can change only before it opens") {
		t.Errorf("changing an open competition's setup: %d %s", rec.Code, rec.Body)
	}

	w.DB.Competition.UpdateOne(w.CompE).SetStatus(domain.CompetitionDraft).ExecX(ctx)
	_, page = read(t)(admin.Get(srv.URL + "/competitions/" + id))
	wantIn(t, "a draft competition", page, link, "Continue setting it up")
}
