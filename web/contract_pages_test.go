package web

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// TestAMilestoneIsDeliveredAcceptedAndPaidOnPages drives the contract page without JavaScript:
// the supplier uploads a document and submits its deliverable (meeting the missing note first),
// the owner accepts it and the payment's due date shows, finance records the payment (the
// programme team sees it due but has no way to pay it); the JSON answers the same figures.
func TestAMilestoneIsDeliveredAcceptedAndPaidOnPages(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	k, m := strconv.Itoa(w.ContractAcme.ID), strconv.Itoa(w.MilestoneAcme.ID)

	dana, csrf := signInAs(t, srv.URL, "dana@acme.example")
	// The supplier's list says what the contract needs, with the contract page's own money
	// (VAT included), linking to where each thing is done.
	_, page := read(t)(dana.Get(srv.URL + "/bids"))
	wantIn(t, "the supplier's list", page, "Needs you now",
		`href="/contracts/`+k+`#milestone-1">Submit the deliverable for milestone 1, A feasibility study (£15,000.00 including VAT)`,
		`href="/contracts/`+k+`#report">Write and submit your end-of-phase report`)
	_, page = read(t)(dana.Get(srv.URL + "/bids/" + strconv.Itoa(w.BidAcme.ID)))
	wantIn(t, "the bid's link to its contract", page, `href="/contracts/`+k+`"`)
	_, page = read(t)(dana.Get(srv.URL + "/contracts/" + k))
	wantIn(t, "the supplier's contract", page, "Acme", "£40,000.00", "Spend so far", "A feasibility study", "Submit the deliverable")

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf_token", csrf)
	_ = mw.WriteField("contract_id", k)
	fw, _ := mw.CreateFormFile("file", "study.pdf")
	_, _ = fw.Write([]byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))
	_ = mw.Close()
	code, page := read(t)(dana.Post(srv.URL+"/milestones/"+m+"/documents", mw.FormDataContentType(), &body))
	if code != http.StatusOK {
		t.Fatalf("uploading the deliverable's document: %d", code)
	}
	wantIn(t, "after the upload", page, "The document is uploaded", "study.pdf")

	deliver := func(note string) (int, string) {
		return read(t)(dana.PostForm(srv.URL+"/milestones/"+m+"/deliverable", url.Values{"csrf_token": {csrf}, "contract_id": {k}, "note-" + m: {note}}))
	}
	code, page = deliver("")
	if code != http.StatusUnprocessableEntity {
		t.Errorf("a deliverable without a note: %d", code)
	}
	wantIn(t, "the refused deliverable", page, "There is a problem", `href="#note-`+m+`"`, "Enter a note on what you are delivering")
	_, page = deliver("The study, with the council's data")
	wantIn(t, "after submitting", page, "The deliverable is submitted", "Submitted for review")
	_, page = read(t)(dana.Get(srv.URL + "/bids"))
	wantIn(t, "the list after submitting", page, "Waiting: </span>Wait for the challenge owner to review your deliverable for milestone 1")

	tom, tcsrf := signInAs(t, srv.URL, "owner@anytown.gov.uk")
	review := func(decision, reason string) (int, string) {
		return read(t)(tom.PostForm(srv.URL+"/milestones/"+m+"/review", url.Values{"csrf_token": {tcsrf}, "contract_id": {k},
			"decision-" + m: {decision}, "reason-" + m: {reason}}))
	}
	code, page = review("", "")
	if code != http.StatusUnprocessableEntity {
		t.Errorf("a review with no decision: %d", code)
	}
	wantIn(t, "the refused review", page, "Choose whether you accept the deliverable or ask for changes")
	code, page = review("changes", "")
	wantIn(t, "changes without a reason", page, "Say what needs to change")
	_, page = review("accept", "")
	due := domain.FormatDate(domain.PaymentDue(time.Now()))
	wantIn(t, "after acceptance", page, "The deliverable is accepted", "Accepted, payment due", due)

	admin, acsrf := signInAs(t, srv.URL, "officer@programme.example")
	_, page = read(t)(admin.Get(srv.URL + "/contracts"))
	wantIn(t, "the programme's contracts", page, "Acme", "£15,000.00")
	_, page = read(t)(admin.Get(srv.URL + "/contracts/" + k))
	if strings.Contains(page, `action="/milestones/`+m+`/payment"`) {
		t.Error("the programme team is offered the payment that finance records")
	}
	if code, _ := read(t)(admin.PostForm(srv.URL+"/milestones/"+m+"/payment", url.Values{"csrf_token": {acsrf}, "contract_id": {k}})); code != http.StatusForbidden {
		t.Errorf("the programme team recording the payment: %d, want 403", code)
	}
	fin, fcsrf := signInAs(t, srv.URL, "fin@programme.example")
	_, page = read(t)(fin.Get(srv.URL + "/work"))
	wantIn(t, "finance's work", page, `href="/contracts/`+k+`#milestone-1">Record the payment`)
	code, page = read(t)(fin.PostForm(srv.URL+"/milestones/"+m+"/payment", url.Values{"csrf_token": {fcsrf}, "contract_id": {k}}))
	if code != http.StatusOK {
		t.Errorf("recording the payment: %d", code)
	}
	wantIn(t, "after payment", page, "The payment is recorded", "Paid")
	if _, page = read(t)(dana.Get(srv.URL + "/bids")); strings.Contains(page, "milestone 1,") {
		t.Errorf("a paid milestone is still listed as due on the supplier's list")
	}
	var list struct {
		Items []struct {
			Standing string `json:"standing"`
			Due      []struct {
				What  string `json:"what"`
				Link  string `json:"link"`
				Yours bool   `json:"yours"`
			} `json:"due"`
		} `json:"items"`
	}
	if err := json.Unmarshal(w.Do(SupplierOwn, http.MethodGet, "/api/v1/bids", "").Body.Bytes(), &list); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range list.Items {
		for _, d := range it.Due {
			if d.Link == "/contracts/"+k+"#report" && d.Yours && it.Standing == "yours" {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("GET /api/v1/bids does not link the report to its contract: %+v", list)
	}
	_, page = read(t)(fin.PostForm(srv.URL+"/milestones/"+m+"/payment", url.Values{"csrf_token": {fcsrf}, "contract_id": {k}}))
	wantIn(t, "a second payment", page, "only an accepted milestone is paid")

	rec := w.Do(SupplierOwn, http.MethodGet, "/api/v1/contracts/"+k, "")
	var v struct {
		Spent      int64 `json:"spent_pence"`
		Paid       int64 `json:"paid_pence"`
		Milestones []struct {
			Status     string `json:"status"`
			PaymentDue string `json:"payment_due"`
			Documents  []any  `json:"documents"`
		} `json:"milestones"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	if v.Spent != 15_000_00 || v.Paid != 15_000_00 || v.Milestones[0].Status != "paid" || v.Milestones[0].PaymentDue == "" || len(v.Milestones[0].Documents) != 1 {
		t.Errorf("the contract's JSON: %s", rec.Body)
	}
}

// A stopped contract says on both sides what it closed at.
func TestAStoppedContractShowsItsSpendToBothSides(t *testing.T) {
	w := NewWorld(t)
	ctx := testdb.Fixture()
	w.DB.Milestone.UpdateOne(w.MilestoneAcme).SetStatus(domain.MilestonePaid).ExecX(ctx)
	w.DB.Contract.UpdateOne(w.ContractAcme).SetStatus(domain.ContractStopped).SetValue(domain.Pounds(15_000)).ExecX(ctx)
	w.DB.GateDecision.Create().SetContractID(w.ContractAcme.ID).SetOutcome(domain.GateStop).SetRationale("The data is not there").SetDecidedBy("person:1").ExecX(ctx)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	for _, who := range []string{"dana@acme.example", "owner@anytown.gov.uk", "officer@programme.example"} {
		c, _ := signInAs(t, srv.URL, who)
		_, page := read(t)(c.Get(srv.URL + "/contracts/" + strconv.Itoa(w.ContractAcme.ID)))
		wantIn(t, who+"'s stopped contract", page, "It closed at its spend so far: £15,000.00 of the £40,000.00 awarded", "The data is not there")
		if strings.Contains(page, "Submit the deliverable") {
			t.Errorf("%s is offered a deliverable after the stop", who)
		}
	}
}

// The midpoint review on pages: the supplier sends its progress update, the owner gives the
// contract a status only after it, and both read it.
func TestTheMidpointReviewOnPages(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	k := strconv.Itoa(w.ContractAcme.ID)
	tom, tcsrf := signInAs(t, srv.URL, "owner@anytown.gov.uk")
	rec := w.Do(OwnerOwn, http.MethodPost, "/api/v1/contracts/"+k+"/midpoint-review", `{"rag":"green","rag_note":"Fine"}`)
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "has not sent its progress update yet") {
		t.Errorf("a status before the update: %d %s", rec.Code, rec.Body)
	}
	dana, csrf := signInAs(t, srv.URL, "dana@acme.example")
	code, page := read(t)(dana.PostForm(srv.URL+"/contracts/"+k+"/progress", url.Values{"csrf_token": {csrf}, "progress": {""}}))
	if code != http.StatusUnprocessableEntity {
		t.Errorf("an empty update: %d", code)
	}
	wantIn(t, "the refused update", page, `href="#progress"`)
	_, page = read(t)(dana.PostForm(srv.URL+"/contracts/"+k+"/progress", url.Values{"csrf_token": {csrf}, "progress": {"The trial is running on two routes"}}))
	wantIn(t, "after the update", page, "Your progress update is sent", "The trial is running on two routes")
	_, page = read(t)(tom.PostForm(srv.URL+"/contracts/"+k+"/midpoint-review", url.Values{"csrf_token": {tcsrf}, "rag": {"amber"}, "rag_note": {"One route is late"}}))
	wantIn(t, "after the status", page, "The midpoint status is recorded", "Amber: at risk", "One route is late")
	_, page = read(t)(dana.Get(srv.URL + "/contracts/" + k))
	wantIn(t, "the supplier reads the status", page, "Amber: at risk", "One route is late")
}
