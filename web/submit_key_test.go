package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/api"
	"github.com/catalyst-sbri/catalyst/docstore"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/internal/testworld"
)

var submitKeyInput = regexp.MustCompile(`name="submit_key" value="([^"]+)"`)

// TestASubmitFromItsPageTurnedAwayBusyIsReceivedAsOfItsFirstArrival: a supplier presses Submit
// while the service is busy; the page says the bid is not submitted yet and that its arrival is
// kept. The deadline passes; pressing "Submit your bid again" seals it as of that first
// arrival, and pressing it once more shows the receipt rather than an error.
func TestASubmitFromItsPageTurnedAwayBusyIsReceivedAsOfItsFirstArrival(t *testing.T) {
	var srv *api.Server
	w := testworld.New(t, func(db *ent.Client, docs *docstore.Store) (http.Handler, error) {
		h, err := api.New(api.Deps{DB: db, Docs: docs, SessionKey: make([]byte, 32), DevSignIn: true, Log: Quiet,
			SubmitSlots: 1, SubmitWait: 10 * time.Millisecond}, Pages, func(s *api.Server, _ api.Routes) { srv = s })
		if err != nil {
			return nil, err
		}
		return testworld.Checked(t, h, api.OpenAPIDocument())
	})
	fx := testdb.Fixture()
	id := w.DraftBinsight.ID
	w.FinishBid(SupplierOther, "/api/v1/bids/"+strconv.Itoa(id))
	site := httptest.NewServer(w.H)
	defer site.Close()
	ed := browser(t)
	read(t)(ed.PostForm(site.URL+"/sign-in", url.Values{"email": {"ed@binsight.example"}}))
	base := site.URL + "/bids/" + strconv.Itoa(id)
	_, page := read(t)(ed.Get(base + "/check"))
	key, csrf := submitKeyInput.FindStringSubmatch(page), csrfInput.FindStringSubmatch(page)
	if key == nil || csrf == nil {
		t.Fatalf("the check-answers page has no submit form with its key")
	}
	form := url.Values{"csrf_token": {csrf[1]}, "submit_key": {key[1]}}

	// A form already answered, pressed again (Back, after the bid was reopened): submitted afresh,
	// never shown a receipt for a bid that is a draft.
	for range 2 {
		resp, err := ed.PostForm(base+"/submit", form)
		if code, _ := readBody(t, resp, err); code != http.StatusSeeOther || w.DB.Bid.GetX(fx, id).Status != domain.BidSubmitted {
			t.Fatalf("submitting: %d, the bid %s", code, w.DB.Bid.GetX(fx, id).Status)
		}
		if rec := w.Do(SupplierOther, http.MethodPost, "/api/v1/bids/"+strconv.Itoa(id)+"/reopen", ""); rec.Code != http.StatusOK {
			t.Fatalf("reopening: %d %s", rec.Code, rec.Body)
		}
	}
	_, page = read(t)(ed.Get(base + "/check"))
	key = submitKeyInput.FindStringSubmatch(page)
	form.Set("submit_key", key[1])

	release := srv.Submits.Hold()
	code, page := read(t)(ed.PostForm(base+"/submit", form))
	release()
	if code != http.StatusServiceUnavailable || !strings.Contains(page, "Your bid has not been submitted yet") ||
		!strings.Contains(page, "that time is kept") || !strings.Contains(page, `value="`+key[1]+`"`) {
		t.Fatalf("a submit while busy: %d %s", code, page)
	}
	if w.DB.Bid.GetX(fx, id).Status != domain.BidDraft {
		t.Fatal("a submit turned away busy sealed the bid")
	}
	arrived := time.Now() // after the first arrival: the deadline, which the retry comes after
	w.DB.Competition.UpdateOneID(w.DraftBinsight.CompetitionID).SetClosesAt(arrived).ExecX(fx)
	time.Sleep(10 * time.Millisecond)

	resp, err := ed.PostForm(base+"/submit", form)
	if code, page := readBody(t, resp, err); code != http.StatusSeeOther || resp.Header.Get("Location") != "/bids/"+strconv.Itoa(id)+"/submitted" {
		t.Fatalf("the same form sent again after the deadline: %d %s %.500s", code, resp.Header.Get("Location"), page)
	}
	sealed := w.DB.Bid.GetX(fx, id)
	if sealed.Status != domain.BidSubmitted || sealed.SubmittedAt == nil || !sealed.SubmittedAt.Before(arrived) {
		t.Errorf("sealed %s at %v, want before the deadline %v: as of its first arrival", sealed.Status, sealed.SubmittedAt, arrived)
	}
	resp, err = ed.PostForm(base+"/submit", form)
	if code, _ := readBody(t, resp, err); code != http.StatusSeeOther || resp.Header.Get("Location") != "/bids/"+strconv.Itoa(id)+"/submitted" {
		t.Errorf("the form pressed once more: %d", code)
	}

	// Without its key (a form from before keys), a submit after the deadline is late.
	w.DB.Bid.UpdateOneID(id).SetStatus(domain.BidDraft).ClearReceipt().ClearSubmittedAt().ExecX(fx)
	if code, _ := read(t)(ed.PostForm(base+"/submit", url.Values{"csrf_token": {csrf[1]}})); code != http.StatusConflict {
		t.Errorf("an unkeyed submit after the deadline: %d", code)
	}
}
