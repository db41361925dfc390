package web

import (
	"encoding/json"
	"fmt"
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

// TestTheProgrammeRunsInterviewsOnPagesAndInTheAPI: Acme's written 80% shortlists it; the
// programme gives it a slot (meeting the missing-field errors first), the supplier reads when
// and where, and the interview score reaches the panel sheet by its weight. The API refuses
// what the page refuses.
func TestTheProgrammeRunsInterviewsOnPagesAndInTheAPI(t *testing.T) {
	w := NewWorld(t)
	w.Unreleased()
	scheme := w.CompA.Scheme
	scheme.InterviewWeight = 30
	w.CompA = w.DB.Competition.UpdateOne(w.CompA).SetScheme(scheme).SaveX(testdb.Fixture())
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	c, csrf := signInAs(t, srv.URL, "officer@programme.example")
	comp, acme := strconv.Itoa(w.CompA.ID), strconv.Itoa(w.BidAcme.ID)
	_, page := read(t)(c.Get(srv.URL + "/competitions/" + comp + "/interviews"))
	wantIn(t, "the shortlist", page, "Interviews", "The decision waits for 1 interview score", "80.00%", "Not scheduled")
	if code, _ := read(t)(c.Get(srv.URL + "/competitions/" + comp + "/panel")); code != http.StatusOK {
		t.Errorf("panel sheet: %d", code)
	}

	slot := func(day, place string) (int, string) {
		return read(t)(c.PostForm(srv.URL+"/bids/"+acme+"/interview-slot", url.Values{"csrf_token": {csrf}, "competition_id": {comp},
			"at-" + acme + "-day": {day}, "at-" + acme + "-month": {"3"}, "at-" + acme + "-year": {strconv.Itoa(time.Now().Year() + 1)},
			"at-" + acme + "-time": {"10:30am"}, "place-" + acme: {place}}))
	}
	code, page := slot("", "")
	if code != http.StatusUnprocessableEntity {
		t.Errorf("a slot with nothing in it: %d", code)
	}
	wantIn(t, "the refused slot", page, "Enter the date as numbers", `href="#at-`+acme+`"`,
		"Enter where the interview is held, or the link to join it", `href="#place-`+acme+`"`)
	code, page = slot("30", "")
	wantIn(t, "the slot with no place", page, "Enter where the interview is held")
	_, page = slot("30", "Room 4, Anytown Council offices")
	wantIn(t, "the page after the slot", page, "The interview slot is saved", "10:30am on 30 March", "Room 4, Anytown Council offices")

	dana, _ := signInAs(t, srv.URL, "dana@acme.example")
	_, page = read(t)(dana.Get(srv.URL + "/bids/" + acme))
	wantIn(t, "the supplier's bid", page, "Your bid is shortlisted for interview: 10:30am on 30 March", "Room 4")

	score := func(pct, note string) (int, string) {
		return read(t)(c.PostForm(srv.URL+"/bids/"+acme+"/interview-score", url.Values{"csrf_token": {csrf}, "competition_id": {comp},
			"percent-" + acme: {pct}, "note-" + acme: {note}}))
	}
	code, page = score("150", "")
	if code != http.StatusUnprocessableEntity {
		t.Errorf("a score of 150: %d", code)
	}
	wantIn(t, "the refused score", page, "Enter the interview score as a percentage from 0 to 100", "Enter the interview panel")
	_, page = score("90", "Convincing answers on data protection")
	wantIn(t, "the page after the score", page, "The interview score is saved", "90.0%", "83.00%") // 80 × 0.7 + 90 × 0.3
	_, page = read(t)(dana.Get(srv.URL + "/bids/" + acme))
	if containsAny(page, "Convincing answers", "90.0%") {
		t.Error("the supplier reads the interview score before the release")
	}
	_, page = read(t)(c.Get(srv.URL + "/competitions/" + comp + "/panel"))
	wantIn(t, "the panel sheet", page, "83.0%", "written 80.0%, interview 90.0%", "the interview gives 30% of the final score")

	// The API: the same shortlist, and the same refusals.
	rec := w.Do(Officer, http.MethodGet, "/api/v1/competitions/"+comp+"/interviews", "")
	var iv api.InterviewsView
	if err := json.Unmarshal(rec.Body.Bytes(), &iv); err != nil || len(iv.Shortlist) != 1 || iv.Shortlist[0].CombinedPercent == nil ||
		*iv.Shortlist[0].CombinedPercent != 83 || len(iv.Waiting) != 0 {
		t.Errorf("GET interviews = %d %s", rec.Code, rec.Body)
	}
	past := fmt.Sprintf(`{"at":%q,"place":"Room 4"}`, time.Now().Add(-time.Hour).Format(time.RFC3339))
	if rec := w.Do(Officer, http.MethodPut, "/api/v1/bids/"+acme+"/interview-slot", past); rec.Code != http.StatusUnprocessableEntity ||
		!containsAny(rec.Body.String(), "The interview must be in the future") {
		t.Errorf("a slot in the past = %d %s", rec.Code, rec.Body)
	}
	binsight := strconv.Itoa(w.BidBinsight.ID)
	if rec := w.Do(Officer, http.MethodPut, "/api/v1/bids/"+binsight+"/interview-score", `{"percent":70,"note":"x"}`); rec.Code != http.StatusConflict ||
		!containsAny(rec.Body.String(), "not shortlisted") {
		t.Errorf("scoring a bid that is not shortlisted = %d %s", rec.Code, rec.Body)
	}
	if rec := w.Do(Officer, http.MethodPut, "/api/v1/bids/"+acme+"/interview-score", `{"percent":60,"note":"Second thoughts"}`); rec.Code != http.StatusOK {
		t.Errorf("changing the score = %d %s", rec.Code, rec.Body)
	}
	if got := *w.DB.Bid.GetX(testdb.Fixture(), w.BidAcme.ID).InterviewScore; got != 60 {
		t.Errorf("score = %v", got)
	}
	if w.CompA.Status != domain.CompetitionAssessment {
		t.Errorf("competition = %s", w.CompA.Status)
	}

	// A panel member scores the interview on the same page, and is offered no slot to give.
	member, memberCSRF := signInAs(t, srv.URL, "member@programme.example")
	_, page = read(t)(member.Get(srv.URL + "/competitions/" + comp + "/interviews"))
	if strings.Contains(page, "/bids/"+acme+"/interview-slot") || !strings.Contains(page, "/bids/"+acme+"/interview-score") {
		t.Error("the panel member's interviews page offers a slot, or no score")
	}
	code, page = read(t)(member.PostForm(srv.URL+"/bids/"+acme+"/interview-score", url.Values{"csrf_token": {memberCSRF}, "competition_id": {comp},
		"percent-" + acme: {"70"}, "note-" + acme: {"The panel agreed the answers were sound"}}))
	wantIn(t, "the panel member's score", page, "The interview score is saved", "70.0%")
	if code != http.StatusOK {
		t.Errorf("the panel member scoring: %d", code)
	}
	if rec := w.Do(PanelMember, http.MethodPut, "/api/v1/bids/"+acme+"/interview-slot", `{"at":"2030-01-01T10:00:00Z","place":"Room 4"}`); rec.Code != http.StatusForbidden {
		t.Errorf("a panel member giving a slot = %d %s", rec.Code, rec.Body)
	}
	// Whoever declared an interest in the supplier is told why they cannot score it.
	w.DB.Interest.Create().SetAssessorID(w.People[PanelMember].ID).SetOrganisationID(w.BidAcme.OrganisationID).SetKind(domain.InterestProfessional).
		SetDescription("Worked there").ExecX(testdb.Fixture())
	member, _ = signInAs(t, srv.URL, "member@programme.example") // the interests come with the session
	_, page = read(t)(member.Get(srv.URL + "/competitions/" + comp + "/interviews"))
	wantIn(t, "the interested panel member's page", page, "You cannot score this interview: you declared an interest in")
	if strings.Contains(page, "/bids/"+acme+"/interview-score") {
		t.Error("the interested panel member is offered the score")
	}
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}
