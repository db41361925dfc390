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

	"github.com/catalyst-sbri/catalyst/api"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/assessment"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/ui"
)

// TestASupplierWritesAndSubmitsABidOnPages walks a supplier's bid as a browser without
// JavaScript: find the competition, start the bid, save tasks with their problems shown and
// kept, meet another's save, upload a document, check the answers, submit for a receipt,
// verify the receipt, reopen and resubmit, and find nothing editable after the deadline.
func TestASupplierWritesAndSubmitsABidOnPages(t *testing.T) {
	w := NewWorld(t)
	fx := testdb.Fixture()
	scheme := domain.DefaultScheme()
	scheme.Criteria[0].WordLimit = 5
	scheme.Criteria[2].AppendixTypes, scheme.Criteria[2].AppendixMB = []string{"pdf"}, 1
	w.DB.Competition.UpdateOne(w.CompE).SetScheme(scheme).SetSummary("Routes gritted before the frost").ExecX(fx)
	w.DB.Bid.DeleteOne(w.DraftBinsight).ExecX(fx)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	c, csrf := signInAs(t, srv.URL, "ed@binsight.example")
	post := func(path string, v url.Values) (int, string) {
		v.Set("csrf_token", csrf)
		return read(t)(c.PostForm(srv.URL+path, v))
	}
	comp := "/competitions/" + strconv.Itoa(w.CompE.ID)

	// Anyone finds it by a word of its summary; a word in nothing finds nothing.
	_, page := read(t)(http.Get(srv.URL + "/competitions?q=FROST"))
	wantIn(t, "the search", page, `href="`+comp+`"`, "1 competition")
	if _, page := read(t)(http.Get(srv.URL + "/competitions?q=zebra")); !strings.Contains(page, "No competitions match") {
		t.Error("a search for nothing found something")
	}
	_, page = read(t)(http.Get(srv.URL + comp))
	wantIn(t, "the brief, to an anonymous visitor", page, "How to apply", "Sign in", "Bids received")

	code, page := post(comp+"/bids", url.Values{})
	if code != http.StatusOK {
		t.Fatalf("starting a bid: %d", code)
	}
	wantIn(t, "the new bid's task list", page, "About your project", "Fit to the challenge", "Payment milestones", "Not yet started", "Cannot start yet")
	b := w.DB.Bid.Query().Where(bid.OrganisationID(w.DraftBinsight.OrganisationID), bid.CompetitionID(w.CompE.ID)).OnlyX(fx)
	base := "/bids/" + strconv.Itoa(b.ID)

	// Save and come back later: kept, whatever it still needs.
	_, page = post(base+"/tasks/about", url.Values{"version": {"0"}, "title": {"Grit sensors"}, "then": {"later"}})
	wantIn(t, "the task list after a save", page, "Your answers are saved", "In progress", "Enter a summary of your project")
	// The word limit, counted as the page counts it; the answer is kept and the problem shown.
	code, page = post(base+"/tasks/question-challenge_fit", url.Values{"version": {"0"}, "answer-challenge_fit": {"one two three four five six"}, "then": {"continue"}})
	wantIn(t, "an answer over its limit", page, "Your answers are saved. Fix these", "has 6 words: it must be 5 words or fewer", "one two three four five six", `data-maxwords="5"`)
	// A colleague saved this task since this page was opened (version 0): refused, both shown.
	code, page = post(base+"/tasks/about", url.Values{"version": {"0"}, "title": {"Salt sensors"}, "summary": {"Mine"}, "then": {"later"}})
	if code != http.StatusConflict {
		t.Errorf("a stale save: %d", code)
	}
	wantIn(t, "the conflict", page, "Someone else saved this part of the bid", "Grit sensors", `value="Salt sensors"`, `name="version" value="1"`)
	// Background saves (JavaScript) answer in JSON.
	code, page = post(base+"/tasks/about", url.Values{"version": {"1"}, "title": {"Grit sensors"}, "summary": {"Sensors on gritters"},
		"fields": {string(domain.Fields[0])}, "autosave": {"1"}})
	if code != http.StatusOK || !strings.Contains(page, `"saved":true`) {
		t.Errorf("an autosave: %d %s", code, page)
	}
	// Money: the price is typed in pounds and checked with VAT against the cap.
	_, page = post(base+"/tasks/finances", url.Values{"version": {"0"}, "price": {"£45,000"}, "vat_rate": {"2000"}, "then": {"continue"}})
	wantIn(t, "a price over the cap", page, "Your price with VAT is £54,000.00, above this competition's maximum of £50,000.00", "£54,000.00")
	_, page = post(base+"/tasks/finances", url.Values{"version": {"1"}, "price": {"lots"}, "vat_rate": {"2000"}, "then": {"continue"}})
	wantIn(t, "a price that is not money", page, "There is a problem", `value="lots"`)
	post(base+"/tasks/finances", url.Values{"version": {"1"}, "price": {"37,500"}, "vat_rate": {"2000"}, "then": {"later"}})
	// Milestones: rows added without JavaScript, and checked against the price.
	_, page = post(base+"/tasks/milestones", url.Values{"version": {"0"}, "count": {"1"}, "milestone-1-deliverable": {"Survey"},
		"milestone-1-success_criteria": {"Routes mapped"}, "milestone-1-month": {"1"}, "milestone-1-amount": {"20,000"}, "then": {"add"}})
	wantIn(t, "a second milestone row", page, "Milestone 2", "Survey</textarea>")
	_, page = post(base+"/tasks/milestones", url.Values{"version": {"1"}, "count": {"2"}, "milestone-1-deliverable": {"Survey"},
		"milestone-1-success_criteria": {"Routes mapped"}, "milestone-1-month": {"1"}, "milestone-1-amount": {"20,000"},
		"milestone-2-deliverable": {"Trial"}, "milestone-2-success_criteria": {"Ten gritters"}, "milestone-2-month": {"3"}, "milestone-2-amount": {"10,000"}, "then": {"continue"}})
	wantIn(t, "milestones short of the price", page, "add up to £30,000.00 but your price is £37,500.00", "£7,500.00 short")
	post(base+"/tasks/milestones", url.Values{"version": {"2"}, "count": {"2"}, "milestone-1-deliverable": {"Survey"},
		"milestone-1-success_criteria": {"Routes mapped"}, "milestone-1-month": {"1"}, "milestone-1-amount": {"20,000"},
		"milestone-2-deliverable": {"Trial"}, "milestone-2-success_criteria": {"Ten gritters"}, "milestone-2-month": {"3"}, "milestone-2-amount": {"17,500"}, "then": {"later"}})
	for i, q := range scheme.Criteria {
		post(base+"/tasks/question-"+q.Key, url.Values{"version": {map[bool]string{true: "1", false: "0"}[i == 0]}, "answer-" + q.Key: {"We grit better."}, "then": {"later"}})
	}
	// A document, refused by its content, then accepted.
	uploadTo := func(task, name, content string) (int, string) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("csrf_token", csrf)
		_ = mw.WriteField("task", task)
		fw, _ := mw.CreateFormFile("file", name)
		_, _ = fw.Write([]byte(content))
		_ = mw.Close()
		return read(t)(c.Post(srv.URL+base+"/documents", mw.FormDataContentType(), &body))
	}
	upload := func(name, content string) (int, string) { return uploadTo("documents", name, content) }
	// An appendix keeps to what its question allows.
	png := "\x89PNG\r\n\x1a\n" + strings.Repeat("\x00", 64)
	if code, page := uploadTo("question-feasibility", "chart.png", png); code != http.StatusUnprocessableEntity ||
		!strings.Contains(page, "must be pdf: this file is not") {
		t.Errorf("a PNG appendix to a PDF-only question: %d", code)
	}
	_, page = uploadTo("question-feasibility", "plan-detail.pdf", "%PDF-1.4\ndetail\n%%EOF\n")
	wantIn(t, "the question's appendix", page, "Appendices", "plan-detail.pdf")
	code, page = upload("plan.pdf", "MZ\x90\x00 not a pdf at all")
	if code != http.StatusUnprocessableEntity {
		t.Errorf("a program named .pdf: %d", code)
	}
	wantIn(t, "a refused upload", page, "There is a problem", "plan.pdf is named as a PDF, but its content is no kind of file that may be uploaded: upload a PDF")
	_, page = upload("plan.pdf", "%PDF-1.4\nplan\n%%EOF\n")
	wantIn(t, "the uploaded document", page, "plan.pdf", "SHA-256")

	_, page = read(t)(c.Get(srv.URL + base + "/check"))
	wantIn(t, "check your answers", page, "Check your answers before you submit your bid", "Grit sensors", "£45,000.00", "Survey", "Submit your bid")
	code, page = post(base+"/submit", url.Values{})
	if code != http.StatusOK {
		t.Fatalf("submitting: %d", code)
	}
	sealed := w.DB.Bid.GetX(fx, b.ID)
	wantIn(t, "the confirmation", page, "Bid submitted", *sealed.Receipt, sealed.ContentHash, ui.Time(*sealed.SubmittedAt))
	// The receipt downloads, and checks out against the sealed bid.
	_, file := read(t)(c.Get(srv.URL + base + "/receipt"))
	var receipt api.ReceiptFile
	if err := json.Unmarshal([]byte(file), &receipt); err != nil || receipt.ContentHash != sealed.ContentHash || receipt.Sealed.Title != "Grit sensors" {
		t.Fatalf("the receipt file: %v %s", err, file)
	}
	_, page = post("/receipts/verify", url.Values{"receipt": {receipt.Receipt}, "content_hash": {receipt.ContentHash}})
	wantIn(t, "a good receipt", page, "The bid matches its receipt")
	_, page = post("/receipts/verify", url.Values{"receipt": {receipt.Receipt}, "content_hash": {strings.Repeat("0", 64)}})
	wantIn(t, "a wrong hash", page, "The bid does not match this receipt")

	// Reopen, change, resubmit: a new receipt.
	_, page = post(base+"/reopen", url.Values{})
	wantIn(t, "the reopened bid", page, "Your bid is reopened", "Check your answers and submit")
	post(base+"/tasks/about", url.Values{"version": {"-1"}, "title": {"Grit sensors, version 2"}, "summary": {"Sensors on gritters"},
		"fields": {string(domain.Fields[0])}, "then": {"later"}})
	if code, _ := post(base+"/submit", url.Values{}); code != http.StatusOK {
		t.Fatalf("resubmitting: %d", code)
	}
	if again := w.DB.Bid.GetX(fx, b.ID); again.Receipt == nil || *again.Receipt == *sealed.Receipt {
		t.Errorf("the resubmitted bid's receipt: %v", again.Receipt)
	}
	_, page = read(t)(c.Get(srv.URL + "/bids"))
	wantIn(t, "the dashboard", page, "Grit sensors, version 2", "Submitted", "What is due next")

	// After the deadline nothing is editable, and the page says why.
	w.DB.Competition.UpdateOne(w.CompE).SetClosesAt(time.Now().Add(-time.Second)).ExecX(fx)
	_, page = read(t)(c.Get(srv.URL + base))
	if strings.Contains(page, "Reopen your bid") || strings.Contains(page, "Withdraw your bid") {
		t.Error("a bid past its deadline offers to reopen or withdraw")
	}
	if code, page := post(base+"/reopen", url.Values{}); code != http.StatusConflict || !strings.Contains(page, "the deadline was") {
		t.Errorf("reopening after the deadline: %d", code)
	}
}

// TestFeedbackIsShownOnceReleased: a supplier reads the outcome, the score and each criterion's
// comments from "Assessor 1…n" on its bid's page, and nothing of them before the release.
func TestFeedbackIsShownOnceReleased(t *testing.T) {
	w := NewWorld(t)
	w.Unreleased()
	fx := testdb.Fixture()
	scores := map[string]domain.CriterionScore{}
	for _, q := range domain.DefaultScheme().Criteria {
		scores[q.Key] = domain.CriterionScore{Score: 8, Comment: "Strong evidence for " + q.Title}
	}
	w.DB.Assessment.Update().Where(assessment.BidID(w.BidAcme.ID)).SetScores(scores).SetPercent(80).ExecX(fx)
	w.DB.Bid.UpdateOne(w.BidAcme).SetStatus(domain.BidFunded).SetScore(80).SetOutcomeReason("Above the threshold, within the pot").ExecX(fx)
	w.DB.Competition.UpdateOne(w.CompA).SetStatus(domain.CompetitionDecided).ExecX(fx)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	c, _ := signInAs(t, srv.URL, "dana@acme.example")
	path := srv.URL + "/bids/" + strconv.Itoa(w.BidAcme.ID)
	_, page := read(t)(c.Get(path))
	wantIn(t, "the bid before the release", page, "released together")
	if strings.Contains(page, "Strong evidence") || strings.Contains(page, "80.0%") {
		t.Error("feedback shown before its release")
	}
	w.DB.Competition.UpdateOne(w.CompA).SetFeedbackReleasedAt(time.Now()).ExecX(fx)
	_, page = read(t)(c.Get(path))
	wantIn(t, "the bid after the release", page, "Feedback from the assessors", "80.0%", "Above the threshold, within the pot",
		"Assessor 1: 8 out of 10", "Strong evidence for Innovation")
}
