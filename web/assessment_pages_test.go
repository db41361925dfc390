package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/assignment"
	"github.com/catalyst-sbri/catalyst/ent/auditevent"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// TestAnAssessorScoresOnPages: the assessor's list, the bid beside its form with their scores
// kept, a missing comment named with the rest of the form kept, and a decline without a reason
// refused; another assessor finds nothing there.
func TestAnAssessorScoresOnPages(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	c, csrf := signInAs(t, srv.URL, "ann@panel.example")
	_, page := read(t)(c.Get(srv.URL + "/assessments"))
	wantIn(t, "your assessments", page, "Your assessments", "Acme bid", "Scored")
	path := "/assignments/" + strconv.Itoa(w.AssignAcme.ID)
	_, page = read(t)(c.Get(srv.URL + path))
	wantIn(t, "the scoring page", page, "Acme bid", "Fit to the challenge, weight 30", "Would you fund it?", "Submit your changed scores", "What the scores mean", "9 to 10: Excellent", "Save and come back later")

	v := url.Values{"csrf_token": {csrf}, "in_scope": {"yes"}, "fund": {"no"}}
	for _, k := range []string{"challenge_fit", "innovation", "feasibility", "value"} {
		v.Set("scores."+k+".score", "7")
		v.Set("scores."+k+".comment", "Clear plan for "+k)
	}
	v.Set("scores.value.comment", "")
	v.Set("scores.innovation.score", "eleven")
	code, page := read(t)(c.PostForm(srv.URL+path, v))
	if code != http.StatusUnprocessableEntity {
		t.Errorf("a scoring with mistakes: %d", code)
	}
	wantIn(t, "the refused scoring", page, "There is a problem", "Enter your comment on Value for money", `href="#scores.innovation.score"`,
		"Clear plan for feasibility", `value="eleven"`)

	code, page = read(t)(c.PostForm(srv.URL+path+"/decline", url.Values{"csrf_token": {csrf}, "reason": {""}}))
	if code != http.StatusUnprocessableEntity {
		t.Errorf("a decline without a reason: %d", code)
	}
	wantIn(t, "the refused decline", page, "There is a problem")

	other, _ := signInAs(t, srv.URL, "otto@panel.example")
	if code, _ := read(t)(other.Get(srv.URL + path)); code != http.StatusNotFound {
		t.Errorf("another assessor reading the assignment: %d", code)
	}
}

// TestThePanelSheetOnPages: the programme reads the ranked sheet and downloads it as CSV, with a
// title that starts like a formula neutralised; nobody else reads it.
func TestThePanelSheetOnPages(t *testing.T) {
	w := NewWorld(t)
	w.DB.Bid.UpdateOne(w.BidAcme).SetTitle("=HYPERLINK(\"x\")").ExecX(testdb.Fixture())
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	c, _ := signInAs(t, srv.URL, "officer@programme.example")
	path := srv.URL + "/competitions/" + strconv.Itoa(w.CompA.ID) + "/panel"
	_, page := read(t)(c.Get(path))
	wantIn(t, "the panel sheet", page, "Panel sheet", "Ranking", "Binsight", "Scores by assessor", "Weighted")
	code, csv := read(t)(c.Get(path + ".csv"))
	if code != http.StatusOK || !strings.HasPrefix(csv, "Rank,Bid,Title,Supplier,Mean %") || !strings.Contains(csv, `"'=HYPERLINK(""x"")"`) {
		t.Errorf("the CSV: %d %q", code, csv)
	}

	// The workbook, read back: its header, the neutralised title, numbers stored as numbers.
	code, xlsx := read(t)(c.Get(path + ".xlsx"))
	if code != http.StatusOK {
		t.Fatalf("the XLSX: %d", code)
	}
	book, err := excelize.OpenReader(strings.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := book.GetRows("Panel sheet")
	if err != nil || len(rows) < 3 {
		t.Fatalf("the workbook's rows: %v %v", rows, err)
	}
	want := []string{"Rank", "Bid", "Title", "Supplier", "Mean %", "Normalised %", "In scope votes", "Fund votes", "Fundable", "Flags", "Decision",
		"Assessor", "Assessor %", "Fit to the challenge"}
	for i, h := range want {
		if rows[0][i] != h {
			t.Errorf("header %d = %q, want %q", i, rows[0][i], h)
		}
	}
	var acme []string
	for _, r := range rows[1:] {
		if len(r) > 2 && strings.Contains(r[2], "HYPERLINK") {
			acme = r
		}
	}
	if acme == nil || acme[2] != `'=HYPERLINK("x")` || acme[4] != "80" || acme[13] != "8" {
		t.Errorf("Acme's row: %q", acme)
	}
	if kind, err := book.GetCellType("Panel sheet", "E2"); err != nil || kind != excelize.CellTypeUnset && kind != excelize.CellTypeNumber {
		t.Errorf("the mean is stored as %v (%v), not a number", kind, err)
	}
	other, _ := signInAs(t, srv.URL, "dana@acme.example")
	if code, _ := read(t)(other.Get(path)); code != http.StatusForbidden {
		t.Errorf("a supplier reading the panel sheet: %d", code)
	}
}

// TestADeclinedBidLeavesTheList: once declined for a conflict, the bid is hidden from the
// assessor, and their list says nothing of it rather than failing.
func TestADeclinedBidLeavesTheList(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	c, csrf := signInAs(t, srv.URL, "ann@panel.example")
	path := "/assignments/" + strconv.Itoa(w.AssignAcme.ID)
	w.DB.Assessment.Delete().ExecX(testdb.Fixture()) // not scored yet
	code, page := read(t)(c.PostForm(srv.URL+path+"/decline", url.Values{"csrf_token": {csrf}, "for": {"conflict"}, "reason": {"I advised Acme"}}))
	if code != http.StatusOK {
		t.Fatalf("declining: %d %s", code, page)
	}
	wantIn(t, "the list after declining", page, "your interest is recorded")
	if strings.Contains(page, "Acme bid") {
		t.Error("the declined bid is still listed")
	}
}

// TestTheProgrammeExcludesAScoreOnThePanelSheet: a reason is asked for, then the score is out
// of the mean and says why, and it can be included again.
func TestTheProgrammeExcludesAScoreOnThePanelSheet(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	c, csrf := signInAs(t, srv.URL, "officer@programme.example")
	a := w.DB.Assessment.Query().FirstX(testdb.Fixture())
	exclude := "/scores/" + strconv.Itoa(a.ID) + "/exclude"
	code, page := read(t)(c.PostForm(srv.URL+exclude, url.Values{"csrf_token": {csrf}, "competition_id": {strconv.Itoa(w.CompA.ID)}, "reason-" + strconv.Itoa(a.ID): {""}}))
	if code != http.StatusUnprocessableEntity {
		t.Errorf("an exclusion without a reason: %d", code)
	}
	wantIn(t, "the refused exclusion", page, "Enter the reason for excluding the score", "Panel sheet")
	_, page = read(t)(c.PostForm(srv.URL+exclude, url.Values{"csrf_token": {csrf}, "competition_id": {strconv.Itoa(w.CompA.ID)}, "reason-" + strconv.Itoa(a.ID): {"Scored the wrong bid"}}))
	wantIn(t, "the sheet after excluding", page, "The score is out of the mean", "Excluded", "Scored the wrong bid", "Include again")
	_, page = read(t)(c.PostForm(srv.URL+"/scores/"+strconv.Itoa(a.ID)+"/include", url.Values{"csrf_token": {csrf}}))
	wantIn(t, "the sheet after including", page, "The score is back in the mean")
	if w.DB.Assessment.GetX(testdb.Fixture(), a.ID).Exclusion != nil {
		t.Error("the score is still excluded")
	}
}

// TestTheProgrammeReleasesOutcomesInOneBatch: once decided, the sheet offers the release, and
// releasing lets every supplier read its outcome and feedback.
func TestTheProgrammeReleasesOutcomesInOneBatch(t *testing.T) {
	w := NewWorld(t)
	w.Unreleased()
	fx := testdb.Fixture()
	w.DB.Competition.UpdateOne(w.CompA).SetStatus(domain.CompetitionDecided).ExecX(fx)
	w.DB.Bid.UpdateOne(w.BidAcme).SetStatus(domain.BidFunded).SetScore(80).SetOutcomeReason("Ranked 1 of 2: funded").ExecX(fx)
	w.DB.Bid.UpdateOne(w.BidBinsight).SetStatus(domain.BidNotFunded).SetScore(40).SetOutcomeReason("Ranked 2 of 2: below the threshold").ExecX(fx)
	srv := httptest.NewServer(w.H)
	defer srv.Close()

	// Before the release the supplier learns nothing: not on its page, not in the API.
	dana, _ := signInAs(t, srv.URL, "dana@acme.example")
	_, page := read(t)(dana.Get(srv.URL + "/bids/" + strconv.Itoa(w.BidAcme.ID)))
	wantIn(t, "the supplier's bid before the release", page, "The outcome and the assessors' feedback are released together")
	if strings.Contains(page, "Successful") || strings.Contains(page, "Ranked 1 of 2") || strings.Contains(page, "Contract") {
		t.Error("the outcome shows before its release")
	}
	rec := w.Do(SupplierOwn, http.MethodGet, "/api/v1/bids/"+strconv.Itoa(w.BidAcme.ID), "")
	if body := rec.Body.String(); rec.Code != http.StatusOK || !strings.Contains(body, `"status":"submitted"`) || strings.Contains(body, "Ranked") || strings.Contains(body, `"score"`) {
		t.Errorf("the API's bid before the release: %d %s", rec.Code, body)
	}
	if rec := w.Do(SupplierOwn, http.MethodGet, "/api/v1/contracts/"+strconv.Itoa(w.ContractAcme.ID), ""); rec.Code != http.StatusNotFound {
		t.Errorf("the contract before the release: %d", rec.Code)
	}

	c, csrf := signInAs(t, srv.URL, "officer@programme.example")
	base := srv.URL + "/competitions/" + strconv.Itoa(w.CompA.ID)
	_, page = read(t)(c.Get(base + "/panel"))
	wantIn(t, "the decided sheet", page, "Release outcomes and feedback")
	if strings.Contains(page, "Record the decision") {
		t.Error("a decided competition offers the decision again")
	}
	_, page = read(t)(c.PostForm(base+"/release", url.Values{"csrf_token": {csrf}}))
	wantIn(t, "the sheet after the release", page, "Every outcome and its feedback is released", "Outcomes and feedback are released.")
	if w.DB.Competition.GetX(fx, w.CompA.ID).FeedbackReleasedAt == nil {
		t.Error("nothing was released")
	}

	// Then each supplier is told, and reads its outcome and its contract.
	_, page = read(t)(dana.Get(srv.URL + "/notices"))
	wantIn(t, "the supplier's notices", page, "The outcome of your bid “Acme bid” to “Missed bins”: funded")
	_, page = read(t)(dana.Get(srv.URL + "/bids/" + strconv.Itoa(w.BidAcme.ID)))
	wantIn(t, "the supplier's bid after the release", page, "Successful", "Ranked 1 of 2: funded", "Contract")
	ed, _ := signInAs(t, srv.URL, "ed@binsight.example")
	_, page = read(t)(ed.Get(srv.URL + "/notices"))
	wantIn(t, "the other supplier's notices", page, "“Binsight bid” to “Missed bins”: not funded")
	if rec := w.Do(SupplierOwn, http.MethodGet, "/api/v1/contracts/"+strconv.Itoa(w.ContractAcme.ID), ""); rec.Code != http.StatusOK {
		t.Errorf("the contract after the release: %d", rec.Code)
	}
}

// TestTheDecisionFormAsksHowBidsAreChosen: nothing chosen, or a portfolio with no bids ticked,
// is refused on the page before anything is decided.
func TestTheDecisionFormAsksHowBidsAreChosen(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	c, csrf := signInAs(t, srv.URL, "officer@programme.example")
	path := srv.URL + "/competitions/" + strconv.Itoa(w.CompA.ID) + "/decision"
	for body, want := range map[string]string{"": "Choose top down or a portfolio", "portfolio": "Tick the bids in the portfolio"} {
		code, page := read(t)(c.PostForm(path, url.Values{"csrf_token": {csrf}, "method": {body}}))
		if code != http.StatusUnprocessableEntity {
			t.Errorf("method %q: %d", body, code)
		}
		wantIn(t, "the refused decision", page, want)
	}
}

// TestTheDecisionFormOffersAWayOutOfTooFewAssessments: the sheet says which bids lack
// assessments, and a lower minimum is checked (a number below the scheme's, with a reason), as
// are the panel's reasons, before anything is decided.
func TestTheDecisionFormOffersAWayOutOfTooFewAssessments(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	c, csrf := signInAs(t, srv.URL, "officer@programme.example")
	base := srv.URL + "/competitions/" + strconv.Itoa(w.CompA.ID)
	_, page := read(t)(c.Get(base + "/panel"))
	wantIn(t, "the sheet with short bids", page, "2 of the bids have fewer than the 3 assessments", "Acme bid: 1 of 3", "Binsight bid: 0 of 3",
		"Go ahead with at least this many assessments a bid", "Reason for Acme bid, Acme")
	for _, tc := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"lowered_minimum": {"two"}, "lowered_reason": {"One assessor left"}}, "Enter the lower minimum as a whole number"},
		{url.Values{"lowered_minimum": {"3"}, "lowered_reason": {"One assessor left"}}, "Lower the minimum to a number from 0 to 2"},
		{url.Values{"lowered_minimum": {"1"}}, "Enter why the decision goes ahead with fewer assessments"},
		{url.Values{"reasons." + strconv.Itoa(w.BidAcme.ID): {strings.Repeat("x", 2001)}}, "must be 2000 characters or fewer; it is 2001"},
	} {
		tc.form.Set("csrf_token", csrf)
		tc.form.Set("method", "top_down")
		code, page := read(t)(c.PostForm(base+"/decision", tc.form))
		if code != http.StatusUnprocessableEntity {
			t.Errorf("%v: %d", tc.form, code)
		}
		wantIn(t, "the refused decision", page, tc.want)
	}
	if st := w.DB.Competition.GetX(testdb.Fixture(), w.CompA.ID).Status; st != domain.CompetitionAssessment {
		t.Errorf("a refused decision left the competition %s", st)
	}
}

// TestAnAssessorSavesADraftAndTheProgrammeSendsScoresBack: a draft keeps what was entered and
// says the submitted scores stand; a comment without its score is refused; the programme sends
// the scores back with a note from the panel sheet, and the assessor reads it.
func TestAnAssessorSavesADraftAndTheProgrammeSendsScoresBack(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	c, csrf := signInAs(t, srv.URL, "ann@panel.example")
	path := srv.URL + "/assignments/" + strconv.Itoa(w.AssignAcme.ID)
	v := url.Values{"csrf_token": {csrf}, "action": {"draft"}, "scores.innovation.score": {"6"}, "scores.innovation.comment": {"Half new"},
		"scores.value.comment": {"Pricey"}}
	code, page := read(t)(c.PostForm(path, v))
	if code != http.StatusUnprocessableEntity {
		t.Errorf("a draft with a comment but no score: %d", code)
	}
	wantIn(t, "the refused draft", page, "Enter the score for", "Half new")
	v.Del("scores.value.comment")
	_, page = read(t)(c.PostForm(path, v))
	wantIn(t, "the list after saving a draft", page, "Your scores are saved as a draft")
	_, page = read(t)(c.Get(path))
	wantIn(t, "the scoring page with its draft", page, "You saved this draft on", "Your submitted scores stand until you submit again", "Half new", `value="6"`)
	if a := w.DB.Assessment.Query().OnlyX(testdb.Fixture()); a.Scores["innovation"].Score != 8 {
		t.Errorf("the draft changed the submitted scores: %v", a.Scores)
	}

	id := w.DB.Assessment.Query().OnlyIDX(testdb.Fixture())
	admin, adminCSRF := signInAs(t, srv.URL, "officer@programme.example")
	form := url.Values{"csrf_token": {adminCSRF}, "competition_id": {strconv.Itoa(w.CompA.ID)}}
	code, page = read(t)(admin.PostForm(srv.URL+"/scores/"+strconv.Itoa(id)+"/return", form))
	if code != http.StatusUnprocessableEntity {
		t.Errorf("sent back without a note: %d", code)
	}
	wantIn(t, "the refused sending back", page, "Enter what the assessor should look at again")
	form.Set("note-"+strconv.Itoa(id), "Innovation reads as if for another bid.")
	_, page = read(t)(admin.PostForm(srv.URL+"/scores/"+strconv.Itoa(id)+"/return", form))
	wantIn(t, "the sheet after sending back", page, "The scores are back with their assessor", "Sent back", "Innovation reads as if for another bid.")

	_, page = read(t)(c.Get(srv.URL + "/assessments"))
	wantIn(t, "the assessor's list", page, "Sent back")
	_, page = read(t)(c.Get(path))
	wantIn(t, "the scoring page sent back", page, "The programme team sent your scores back to look at again", "Innovation reads as if for another bid.")
}

// TestTheProgrammeReviewsTheAssignmentOnPages: the proposal page shows each pairing and why,
// the pool with its declarations; a swap onto a conflict is refused with why, and a swap to a
// free assessor with a reason is made; a capacity out of range is refused.
func TestTheProgrammeReviewsTheAssignmentOnPages(t *testing.T) {
	w := NewWorld(t)
	fx := testdb.Fixture()
	dev := w.DB.Person.Create().SetName("Dev Free").SetEmail("dev@assess.example").SetRoles([]string{"assessor"}).SaveX(fx)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	c, csrf := signInAs(t, srv.URL, "officer@programme.example")
	base := srv.URL + "/competitions/" + strconv.Itoa(w.CompA.ID)
	_, page := read(t)(c.Get(base))
	wantIn(t, "the competition page", page, "Review the assignment of assessors")
	_, page = read(t)(c.Get(base + "/assignments"))
	wantIn(t, "the proposal", page, "Assignment of assessors", "Acme bid, Acme", "assessor-assigned", "Dev Free", "Stands until", "Swap the assessor")

	swap := func(assessor int, reason string) (int, string) {
		id := strconv.Itoa(w.AssignAcme.ID)
		return read(t)(c.PostForm(srv.URL+"/assignments/"+id+"/swap", url.Values{"csrf_token": {csrf}, "competition_id": {strconv.Itoa(w.CompA.ID)},
			"assessor_id-" + id: {strconv.Itoa(assessor)}, "reason-" + id: {reason}}))
	}
	// Ann has scored Acme's bid, so her assignment is not swapped; Otto's (Binsight's) is free.
	code, page := swap(dev.ID, "Ann is away")
	if code != http.StatusUnprocessableEntity {
		t.Errorf("swapping a scored assignment: %d", code)
	}
	wantIn(t, "the refused swap", page, "the assessor has scored the bid")
	w.AssignAcme = w.DB.Assignment.Query().Where(assignment.BidID(w.BidBinsight.ID)).OnlyX(fx)
	code, page = swap(w.People[SupplierOther].ID, "Ed knows waste")
	if code != http.StatusUnprocessableEntity {
		t.Errorf("swapping onto a supplier: %d", code)
	}
	wantIn(t, "the swap onto a supplier", page, "Choose an active assessor from the pool")
	_, page = swap(dev.ID, "Otto is away for a month")
	wantIn(t, "the proposal after the swap", page, "The bid goes to the assessor you chose", "Swapped: Otto is away for a month", "Chosen by the programme team")

	code, _ = read(t)(c.PostForm(base+"/capacities", url.Values{"csrf_token": {csrf}, "assessor_id": {strconv.Itoa(dev.ID)},
		"capacity-" + strconv.Itoa(dev.ID): {"lots"}}))
	if code != http.StatusUnprocessableEntity {
		t.Errorf("a capacity of lots: %d", code)
	}
}

// TestADraftIsCheckedAlikeInTheAPI: a comment without its score is refused by the API with the
// page's words, and a draft with its score is kept.
func TestADraftIsCheckedAlikeInTheAPI(t *testing.T) {
	w := NewWorld(t)
	path := "/api/v1/assignments/" + strconv.Itoa(w.AssignAcme.ID) + "/draft"
	rec := w.Do(AssessorAssigned, http.MethodPut, path, `{"scores":{"value":{"comment":"Pricey"}}}`)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `Enter the score for \"Value for money\" too`) {
		t.Errorf("a comment without its score: %d %s", rec.Code, rec.Body)
	}
	rec = w.Do(AssessorAssigned, http.MethodPut, path, `{"scores":{"value":{"score":6,"comment":"Pricey"}},"fund":false}`)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"comment":"Pricey"`) {
		t.Errorf("a draft with its score: %d %s", rec.Code, rec.Body)
	}
}

// TestAnAssessorAnswersAnAssignmentOnPages: an assessor first sees only a bid's title and
// supplier, to check for a conflict, and says they will assess it; then the bid and its form
// show. The programme sees who has not answered, and a declined assignment cannot be accepted.
func TestAnAssessorAnswersAnAssignmentOnPages(t *testing.T) {
	w := NewWorld(t)
	fx := testdb.Fixture()
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	otto := w.DB.Assignment.Query().Where(assignment.BidID(w.BidBinsight.ID)).OnlyX(fx)
	path := "/assignments/" + strconv.Itoa(otto.ID)

	c, csrf := signInAs(t, srv.URL, "otto@panel.example")
	_, page := read(t)(c.Get(srv.URL + "/assessments"))
	wantIn(t, "the assessor's list", page, "Binsight bid", "Not answered")
	_, page = read(t)(c.Get(srv.URL + path))
	wantIn(t, "an assignment not answered", page, "Will you assess this bid?", "Binsight bid", "Binsight", "Yes, I have no conflict and will assess it", "Decline this bid")
	if strings.Contains(page, "Submit your scores") || strings.Contains(page, "Fit to the challenge") {
		t.Error("the bid and its scoring form show before the assessor has said they will assess it")
	}

	prog, _ := signInAs(t, srv.URL, "officer@programme.example")
	proposal := srv.URL + "/competitions/" + strconv.Itoa(w.CompA.ID) + "/assignments"
	_, page = read(t)(prog.Get(proposal))
	wantIn(t, "the programme's view before the answer", page, "1 not answered", `govuk-tag--yellow">Not answered`)

	code, page := read(t)(c.PostForm(srv.URL+path+"/accept", url.Values{"csrf_token": {csrf}}))
	if code != http.StatusOK {
		t.Fatalf("accepting: %d", code)
	}
	wantIn(t, "after accepting", page, "You will assess this bid", "Fit to the challenge, weight 30", "Submit your scores")
	_, page = read(t)(prog.Get(proposal))
	if strings.Contains(page, "1 not answered") || strings.Contains(page, `govuk-tag--yellow">Not answered`) {
		t.Error("the programme still sees the accepted assignment as not answered")
	}
	var v struct {
		Assignments []struct {
			BidID      int     `json:"bid_id"`
			Answer     string  `json:"answer"`
			AcceptedAt *string `json:"accepted_at"`
		} `json:"assignments"`
	}
	if err := json.Unmarshal(w.Do(Officer, http.MethodGet, "/api/v1/competitions/"+strconv.Itoa(w.CompA.ID)+"/assignments", "").Body.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	for _, a := range v.Assignments {
		if a.Answer != "accepted" || (a.BidID == w.BidBinsight.ID && a.AcceptedAt == nil) {
			t.Errorf("the API's proposal: %+v", v.Assignments)
		}
	}

	// A declined assignment is not taken back by accepting it.
	w.DB.Assignment.UpdateOne(otto).SetStatus(assignment.StatusDeclined).ClearAcceptedAt().ExecX(fx)
	rec := w.Do(AssessorOther, http.MethodPost, "/api/v1/assignments/"+strconv.Itoa(otto.ID)+"/accept", "")
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "you declined this bid") {
		t.Errorf("accepting a declined assignment: %d %s", rec.Code, rec.Body)
	}
}

// TestTheProgrammeProposesAndAnotherAnswers: the programme proposes the decision on the panel
// sheet and is told nothing is decided yet; the panel chair finds it in their work, reads what
// it funds and its total, and is asked for a reason before refusing it; the refusal sends it
// back, and the programme may propose again. The programme cannot answer its own proposal.
func TestTheProgrammeProposesAndAnotherAnswers(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	ctx := testdb.Fixture()
	admin, csrf := signInAs(t, srv.URL, "officer@programme.example")
	base := srv.URL + "/competitions/" + strconv.Itoa(w.CompA.ID)
	propose := func() (int, string) {
		return read(t)(admin.PostForm(base+"/decision", url.Values{"csrf_token": {csrf}, "method": {"top_down"},
			"lowered_minimum": {"0"}, "lowered_reason": {"Two assessors withdrew."}}))
	}
	code, page := propose()
	if code != http.StatusOK {
		t.Fatalf("proposing: %d", code)
	}
	wantIn(t, "after proposing", page, "The decision is proposed", "The proposed decision", "aiting for approval by a panel chair or budget holder")
	if strings.Contains(page, `action="/competitions/`+strconv.Itoa(w.CompA.ID)+`/decision/approval"`) {
		t.Error("the programme is offered its own proposal's approval")
	}
	if code, _ := read(t)(admin.PostForm(base+"/decision/approval", url.Values{"csrf_token": {csrf}, "answer": {"approve"}})); code != http.StatusForbidden {
		t.Errorf("the programme approving: %d, want 403", code)
	}
	_, page = propose()
	wantIn(t, "proposing again", page, "The decision cannot be made yet", "waiting for approval")

	chair, ccsrf := signInAs(t, srv.URL, "chair@programme.example")
	_, page = read(t)(chair.Get(srv.URL + "/work"))
	wantIn(t, "the chair's work", page, `href="/competitions/`+strconv.Itoa(w.CompA.ID)+`/panel#proposal">Approve the decision`)
	_, page = read(t)(chair.Get(base + "/panel"))
	wantIn(t, "the chair's panel sheet", page, "The proposed decision", "officer@programme.example", "Do you approve this decision?")
	code, page = read(t)(chair.PostForm(base+"/decision/approval", url.Values{"csrf_token": {ccsrf}, "answer": {"refuse"}}))
	if code != http.StatusUnprocessableEntity {
		t.Errorf("a refusal without a reason: %d", code)
	}
	wantIn(t, "a refusal without a reason", page, `href="#approval_reason"`, "Say why you refuse it")
	code, page = read(t)(chair.PostForm(base+"/decision/approval", url.Values{"csrf_token": {ccsrf}, "answer": {"refuse"},
		"approval_reason": {"Wait for the third assessor."}}))
	if code != http.StatusOK {
		t.Fatalf("refusing: %d", code)
	}
	wantIn(t, "after refusing", page, "You refused the proposed decision")
	if c := w.DB.Competition.GetX(ctx, w.CompA.ID); c.FundingProposal != nil || c.Status != domain.CompetitionAssessment {
		t.Errorf("after the refusal: %s %+v", c.Status, c.FundingProposal)
	}
	if code, page := propose(); code != http.StatusOK || !strings.Contains(page, "The decision is proposed") {
		t.Errorf("proposing again after the refusal: %d", code)
	}
}

// TestAnApproverRefusesAProposalTheSheetNoLongerBacks: once a score is excluded after the
// proposal, the panel chair is told why they cannot approve it and is offered only the refusal,
// which the service takes.
func TestAnApproverRefusesAProposalTheSheetNoLongerBacks(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	ctx := testdb.Fixture()
	admin, csrf := signInAs(t, srv.URL, "officer@programme.example")
	base := srv.URL + "/competitions/" + strconv.Itoa(w.CompA.ID)
	if code, _ := read(t)(admin.PostForm(base+"/decision", url.Values{"csrf_token": {csrf}, "method": {"top_down"},
		"lowered_minimum": {"0"}, "lowered_reason": {"Two assessors withdrew."}})); code != http.StatusOK {
		t.Fatalf("proposing: %d", code)
	}
	if p := w.DB.Competition.GetX(ctx, w.CompA.ID).FundingProposal; p == nil || len(p.Funded) != 1 {
		t.Fatalf("the proposal funds %+v, want Acme's bid", p)
	}
	score := w.DB.Assessment.Query().FirstX(ctx)
	if code, _ := read(t)(admin.PostForm(srv.URL+"/scores/"+strconv.Itoa(score.ID)+"/exclude", url.Values{"csrf_token": {csrf},
		"competition_id": {strconv.Itoa(w.CompA.ID)}, "reason-" + strconv.Itoa(score.ID): {"Scored another bid."}})); code != http.StatusOK {
		t.Fatalf("excluding the score: %d", code)
	}
	chair, ccsrf := signInAs(t, srv.URL, "chair@programme.example")
	_, page := read(t)(chair.Get(base + "/panel"))
	wantIn(t, "the chair's sheet", page, "You cannot approve this decision: the panel sheet has changed since the proposal",
		`<input type="hidden" name="answer" value="refuse">`, "Refuse it, and send it back to the programme")
	if strings.Contains(page, "Approve it") {
		t.Error("the chair is offered an approval the service would refuse")
	}
	code, page := read(t)(chair.PostForm(base+"/decision/approval", url.Values{"csrf_token": {ccsrf}, "answer": {"refuse"},
		"approval_reason": {"The scores changed: propose again."}}))
	if code != http.StatusOK || !strings.Contains(page, "You refused the proposed decision") {
		t.Errorf("refusing: %d", code)
	}
	if p := w.DB.Competition.GetX(ctx, w.CompA.ID).FundingProposal; p != nil {
		t.Errorf("the proposal is still there: %+v", p)
	}
}

// TestTheProgrammeWithdrawsItsProposal: while a proposal waits, the programme is offered its
// withdrawal; without a reason it is refused in the page's words, with one it is withdrawn,
// audited with the proposal and the reason, gone from the approvers' work, and the programme
// may propose again. Nobody else may withdraw it.
func TestTheProgrammeWithdrawsItsProposal(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	ctx := testdb.Fixture()
	admin, csrf := signInAs(t, srv.URL, "officer@programme.example")
	base := srv.URL + "/competitions/" + strconv.Itoa(w.CompA.ID)
	propose := func() (int, string) {
		return read(t)(admin.PostForm(base+"/decision", url.Values{"csrf_token": {csrf}, "method": {"top_down"},
			"lowered_minimum": {"0"}, "lowered_reason": {"Two assessors withdrew."}}))
	}
	if code, page := propose(); code != http.StatusOK || !strings.Contains(page, "Withdraw the proposed decision") {
		t.Fatalf("proposing: %d, or the withdrawal is not offered", code)
	}
	if rec := w.Do(PanelChair, http.MethodPost, "/api/v1/competitions/"+strconv.Itoa(w.CompA.ID)+"/decision/withdrawal", `{"reason": "x"}`); rec.Code != http.StatusForbidden {
		t.Errorf("the chair withdrawing: %d", rec.Code)
	}
	code, page := read(t)(admin.PostForm(base+"/decision/withdrawal", url.Values{"csrf_token": {csrf}, "withdrawal_reason": {" "}}))
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("withdrawing without a reason: %d", code)
	}
	wantIn(t, "the refused withdrawal", page, `href="#withdrawal_reason"`, "Enter why you withdraw it", `<details class="govuk-details" open>`)
	code, page = read(t)(admin.PostForm(base+"/decision/withdrawal", url.Values{"csrf_token": {csrf},
		"withdrawal_reason": {"Binsight's bid was found ineligible after the proposal."}}))
	if code != http.StatusOK {
		t.Fatalf("withdrawing: %d", code)
	}
	wantIn(t, "after withdrawing", page, "The proposed decision is withdrawn")
	if c := w.DB.Competition.GetX(ctx, w.CompA.ID); c.FundingProposal != nil {
		t.Errorf("the proposal is still there: %+v", c.FundingProposal)
	}
	e := w.DB.AuditEvent.Query().Where(auditevent.Action("competition.decision_withdrawn")).OnlyX(ctx)
	if e.Reason != "Binsight's bid was found ineligible after the proposal." || !strings.Contains(e.Before, `"proposed_by":"officer@programme.example"`) {
		t.Errorf("the trail of the withdrawal: %q, %s", e.Reason, e.Before)
	}
	chair, _ := signInAs(t, srv.URL, "chair@programme.example")
	if _, page := read(t)(chair.Get(srv.URL + "/work")); strings.Contains(page, "Approve the decision") {
		t.Error("the withdrawn proposal is still in the chair's work")
	}
	if rec := w.Do(Officer, http.MethodPost, "/api/v1/competitions/"+strconv.Itoa(w.CompA.ID)+"/decision/withdrawal", `{"reason": "again"}`); rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "no decision is proposed") {
		t.Errorf("withdrawing again: %d %s", rec.Code, rec.Body)
	}
	if code, page := propose(); code != http.StatusOK || !strings.Contains(page, "The decision is proposed") {
		t.Errorf("proposing again: %d", code)
	}
}
