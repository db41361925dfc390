package api

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// TestAnAssessorScoresOnPages: the assessor's list, the bid beside its form with their scores
// kept, a missing comment named with the rest of the form kept, and a decline without a reason
// refused; another assessor finds nothing there.
func TestAnAssessorScoresOnPages(t *testing.T) {
	w := newWorld(t)
	srv := httptest.NewServer(w.h)
	defer srv.Close()
	c, csrf := signInAs(t, srv.URL, "ann@panel.example")
	_, page := read(t)(c.Get(srv.URL + "/assessments"))
	wantIn(t, "your assessments", page, "Your assessments", "Acme bid", "Scored")
	path := "/assignments/" + strconv.Itoa(w.assignAcme.ID)
	_, page = read(t)(c.Get(srv.URL + path))
	wantIn(t, "the scoring page", page, "Acme bid", "Fit to the challenge, weight 30", "Would you fund it?", "Save your changed scores")

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
	wantIn(t, "the refused scoring", page, "There is a problem", `Comment for "value" is missing`, `href="#scores.innovation.score"`,
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
	w := newWorld(t)
	w.db.Bid.UpdateOne(w.bidAcme).SetTitle("=HYPERLINK(\"x\")").ExecX(testdb.Fixture())
	srv := httptest.NewServer(w.h)
	defer srv.Close()
	c, _ := signInAs(t, srv.URL, "admin@programme.example")
	path := srv.URL + "/competitions/" + strconv.Itoa(w.compA.ID) + "/panel"
	_, page := read(t)(c.Get(path))
	wantIn(t, "the panel sheet", page, "Panel sheet", "Ranking", "Binsight", "Scores by assessor", "Weighted")
	code, csv := read(t)(c.Get(path + ".csv"))
	if code != http.StatusOK || !strings.HasPrefix(csv, "rank,bid_id,title,supplier,mean_percent") || !strings.Contains(csv, `"'=HYPERLINK(""x"")"`) {
		t.Errorf("the CSV: %d %q", code, csv)
	}
	other, _ := signInAs(t, srv.URL, "dana@acme.example")
	if code, _ := read(t)(other.Get(path)); code != http.StatusForbidden {
		t.Errorf("a supplier reading the panel sheet: %d", code)
	}
}

// TestADeclinedBidLeavesTheList: once declined for a conflict, the bid is hidden from the
// assessor, and their list says nothing of it rather than failing.
func TestADeclinedBidLeavesTheList(t *testing.T) {
	w := newWorld(t)
	srv := httptest.NewServer(w.h)
	defer srv.Close()
	c, csrf := signInAs(t, srv.URL, "ann@panel.example")
	path := "/assignments/" + strconv.Itoa(w.assignAcme.ID)
	w.db.Assessment.Delete().ExecX(testdb.Fixture()) // not scored yet
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
	w := newWorld(t)
	srv := httptest.NewServer(w.h)
	defer srv.Close()
	c, csrf := signInAs(t, srv.URL, "admin@programme.example")
	a := w.db.Assessment.Query().FirstX(testdb.Fixture())
	exclude := "/scores/" + strconv.Itoa(a.ID) + "/exclude"
	code, page := read(t)(c.PostForm(srv.URL+exclude, url.Values{"csrf_token": {csrf}, "competition_id": {strconv.Itoa(w.compA.ID)}, "reason-" + strconv.Itoa(a.ID): {""}}))
	if code != http.StatusUnprocessableEntity {
		t.Errorf("an exclusion without a reason: %d", code)
	}
	wantIn(t, "the refused exclusion", page, "Give the reason for excluding the score", "Panel sheet")
	_, page = read(t)(c.PostForm(srv.URL+exclude, url.Values{"csrf_token": {csrf}, "competition_id": {strconv.Itoa(w.compA.ID)}, "reason-" + strconv.Itoa(a.ID): {"Scored the wrong bid"}}))
	wantIn(t, "the sheet after excluding", page, "The score is out of the mean", "Excluded", "Scored the wrong bid", "Include again")
	_, page = read(t)(c.PostForm(srv.URL+"/scores/"+strconv.Itoa(a.ID)+"/include", url.Values{"csrf_token": {csrf}}))
	wantIn(t, "the sheet after including", page, "The score is back in the mean")
	if w.db.Assessment.GetX(testdb.Fixture(), a.ID).Exclusion != nil {
		t.Error("the score is still excluded")
	}
}

// TestTheProgrammeReleasesOutcomesInOneBatch: once decided, the sheet offers the release, and
// releasing lets every supplier read its outcome and feedback.
func TestTheProgrammeReleasesOutcomesInOneBatch(t *testing.T) {
	w := newWorld(t)
	fx := testdb.Fixture()
	w.db.Competition.UpdateOne(w.compA).SetStatus(domain.CompetitionDecided).ExecX(fx)
	srv := httptest.NewServer(w.h)
	defer srv.Close()
	c, csrf := signInAs(t, srv.URL, "admin@programme.example")
	base := srv.URL + "/competitions/" + strconv.Itoa(w.compA.ID)
	_, page := read(t)(c.Get(base + "/panel"))
	wantIn(t, "the decided sheet", page, "Release outcomes and feedback")
	if strings.Contains(page, "Record the decision") {
		t.Error("a decided competition offers the decision again")
	}
	_, page = read(t)(c.PostForm(base+"/release", url.Values{"csrf_token": {csrf}}))
	wantIn(t, "the sheet after the release", page, "Every outcome and its feedback is released", "Outcomes and feedback are released.")
	if w.db.Competition.GetX(fx, w.compA.ID).FeedbackReleasedAt == nil {
		t.Error("nothing was released")
	}
}

// TestTheDecisionFormAsksHowBidsAreChosen: nothing chosen, or a portfolio with no bids ticked,
// is refused on the page before anything is decided.
func TestTheDecisionFormAsksHowBidsAreChosen(t *testing.T) {
	w := newWorld(t)
	srv := httptest.NewServer(w.h)
	defer srv.Close()
	c, csrf := signInAs(t, srv.URL, "admin@programme.example")
	path := srv.URL + "/competitions/" + strconv.Itoa(w.compA.ID) + "/decision"
	for body, want := range map[string]string{"": "Choose top down or a portfolio", "portfolio": "Tick the bids in the portfolio"} {
		code, page := read(t)(c.PostForm(path, url.Values{"csrf_token": {csrf}, "method": {body}}))
		if code != http.StatusUnprocessableEntity {
			t.Errorf("method %q: %d", body, code)
		}
		wantIn(t, "the refused decision", page, want)
	}
}
