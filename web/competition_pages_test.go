package web

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// signInAs is a browser without JavaScript, signed in as email, and its CSRF token.
func signInAs(t *testing.T, srvURL, email string) (*http.Client, string) {
	t.Helper()
	c := browser(t)
	if code, _ := read(t)(c.PostForm(srvURL+"/sign-in", url.Values{"email": {email}})); code != http.StatusSeeOther {
		t.Fatalf("sign-in as %s: %d", email, code)
	}
	c.CheckRedirect = nil // from here on, follow a form's redirect as a browser does
	_, page := read(t)(c.Get(srvURL + "/notices"))
	m := csrfInput.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no CSRF token on the page")
	}
	return c, m[1]
}

func wantIn(t *testing.T, what, page string, wants ...string) {
	t.Helper()
	page = html.UnescapeString(page)
	for _, w := range wants {
		if !strings.Contains(page, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

// TestTheProgrammeSetsUpACompetitionTaskByTask walks the setup as a browser without JavaScript:
// each task refuses what is wrong with the answer kept, the question builder adds, changes,
// moves and removes, and the check page says what is missing until nothing is.
func TestTheProgrammeSetsUpACompetitionTaskByTask(t *testing.T) {
	w := NewWorld(t)
	fx := testdb.Fixture()
	ch := w.DB.Challenge.Create().SetTitle("Gritting routes").SetPublicBody("Anytown").SetProblem("Ice").SetStage(domain.ChallengeSelected).
		SetOwnerID(w.People[OwnerOwn].ID).SaveX(fx)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	c, csrf := signInAs(t, srv.URL, "officer@programme.example")
	post := func(path string, v url.Values) (int, string) {
		v.Set("csrf_token", csrf)
		return read(t)(c.PostForm(srv.URL+path, v))
	}

	_, page := read(t)(c.Get(srv.URL + "/challenges/" + strconv.Itoa(ch.ID)))
	wantIn(t, "the selected challenge's page", page, "Set up the phase 1 competition")
	if code, page := post("/challenges/"+strconv.Itoa(ch.ID)+"/competition-setup", url.Values{}); code != http.StatusOK {
		t.Fatalf("starting the setup: %d", code)
	} else {
		wantIn(t, "the task list", page, "Set up the phase 1 competition", "Competition details", "Not yet started", "Cannot start yet")
	}
	comp := w.DB.Competition.Query().Where(competition.ChallengeID(ch.ID)).OnlyX(fx)
	base := "/competitions/" + strconv.Itoa(comp.ID)
	// Anyone else finds nothing there yet.
	if code, _ := read(t)(http.Get(srv.URL + base)); code != http.StatusNotFound {
		t.Errorf("an anonymous visitor reading the draft: %d", code)
	}

	code, page := post(base+"/setup/dates", url.Values{"closes_at-day": {"31"}, "closes_at-month": {"2"}, "closes_at-year": {"2027"}, "closes_at-time": {"11am"},
		"clarification_closes_at-day": {"1"}, "clarification_closes_at-month": {"3"}, "clarification_closes_at-year": {"2027"}, "clarification_closes_at-time": {"25pm"}})
	if code != http.StatusUnprocessableEntity {
		t.Errorf("bad dates: %d", code)
	}
	wantIn(t, "the refused dates", page, "<title>Error: Dates", `href="#closes_at"`, "Enter a real date", `href="#clarification_closes_at"`,
		"Enter a time such as 11am", `value="25pm"`)

	closes := time.Now().In(domain.London).AddDate(0, 1, 0)
	last := closes.AddDate(0, 0, -7)
	dt := func(name string, t time.Time, at string) url.Values {
		return url.Values{name + "-day": {strconv.Itoa(t.Day())}, name + "-month": {strconv.Itoa(int(t.Month()))}, name + "-year": {strconv.Itoa(t.Year())}, name + "-time": {at}}
	}
	v := dt("closes_at", closes, "11am")
	for k, x := range dt("clarification_closes_at", last, "5pm") {
		v[k] = x
	}
	if code, page := post(base+"/setup/dates", v); code != http.StatusOK {
		t.Errorf("good dates: %d %s", code, page)
	}
	code, page = post(base+"/setup/money", url.Values{"pot_pence": {"250,000"}, "max_contract_pence": {"£60,000"}, "max_contracts": {"five"}})
	wantIn(t, "the refused money", page, "A phase 1 contract can be worth at most £50,000", "Enter the number of contracts as a whole number", `value="£60,000"`)
	if code, _ = post(base+"/setup/money", url.Values{"pot_pence": {"250,000"}, "max_contract_pence": {"50,000"}, "max_contracts": {"5"}}); code != http.StatusOK {
		t.Errorf("good money: %d", code)
	}
	code, page = post(base+"/setup/details", url.Values{"summary": {"Fewer icy roads"}, "scope": {"Gritting routes only"}, "fields": {string(domain.Fields[0])}})
	if code != http.StatusOK {
		t.Errorf("details: %d", code)
	}
	wantIn(t, "the task list after a save", page, "Your answers are saved", "Completed")

	// The question builder: a refused question keeps what was typed; five saved, two pass or fail.
	code, page = post(base+"/setup/questions/new", url.Values{"title": {"Innovation"}, "text": {"What is new?"}, "kind": {"scored"}, "word_limit": {"0"}, "weight": {"30"}, "max": {"10"}})
	wantIn(t, "the refused question", page, "<title>Error: Question", `href="#word_limit"`, "The word limit must be from 1 to 2000 words", `value="Innovation"`)
	for i, q := range []url.Values{
		{"title": {"Innovation"}, "text": {"What is new?"}, "kind": {"scored"}, "word_limit": {"500"}, "weight": {"30"}, "max": {"10"}},
		{"title": {"Feasibility"}, "text": {"How will you test it?"}, "kind": {"scored"}, "word_limit": {"500"}, "weight": {"40"}, "max": {"10"}, "appendix_types": {"pdf"}, "appendix_mb": {"5"}},
		{"title": {"Value"}, "text": {"Why is it worth the money?"}, "kind": {"scored"}, "word_limit": {"300"}, "weight": {"30"}, "max": {"10"}},
		{"title": {"Start date"}, "text": {"Can you start within four weeks?"}, "kind": {"pass_fail"}, "word_limit": {"100"}},
		{"title": {"Insurance"}, "text": {"Do you hold professional indemnity insurance?"}, "kind": {"pass_fail"}, "word_limit": {"100"}},
	} {
		if code, page := post(base+"/setup/questions/new", q); code != http.StatusOK {
			t.Fatalf("question %d: %d %s", i+1, code, page)
		}
	}
	post(base+"/setup/questions/q3/change", url.Values{"change": {"up"}})
	post(base+"/setup/questions/q5/change", url.Values{"change": {"remove"}})
	post(base+"/setup/questions/new", url.Values{"title": {"Insurance"}, "text": {"Do you hold insurance?"}, "kind": {"pass_fail"}, "word_limit": {"100"}})
	comp = w.DB.Competition.GetX(fx, comp.ID)
	var keys []string
	for _, q := range comp.Scheme.Criteria {
		keys = append(keys, q.Key+":"+q.Title)
	}
	if got := strings.Join(keys, " "); got != "q1:Innovation q3:Value q2:Feasibility q4:Start date q5:Insurance" {
		t.Errorf("questions after moving and removing: %s", got)
	}
	_, page = read(t)(c.Get(srv.URL + base + "/setup/preview"))
	wantIn(t, "the preview", page, "How will you test it?", `data-maxwords="500"`, "You may add appendices (pdf), each up to 5 MB", "Assessed as pass or fail")

	_, page = read(t)(c.Get(srv.URL + base + "/setup/check"))
	wantIn(t, "the check page", page, "Check the competition before it opens", "£250,000.00", "5 (3 scored)", "Now open the competition", "Open the competition now")
	if strings.Contains(page, "You cannot open this competition yet") {
		t.Errorf("a complete setup cannot open: %s", page)
	}

	// The challenge owner reads it; nobody else does; and nobody can change it but the programme.
	owner, ocsrf := signInAs(t, srv.URL, "owner@anytown.gov.uk")
	if code, _ := read(t)(owner.Get(srv.URL + base)); code != http.StatusOK {
		t.Errorf("the owner reading the draft: %d", code)
	}
	if code, _ := read(t)(owner.PostForm(srv.URL+base+"/setup/details", url.Values{"csrf_token": {ocsrf}, "summary": {"x"}})); code != http.StatusForbidden {
		t.Errorf("the owner changing the setup: %d", code)
	}
}

// TestDeadlinesAndClarificationsOnTheCompetitionPage: the programme's extension form refuses
// what is wrong, naming it; a supplier asks a question, which only the programme reads; the
// programme publishes an answer that everyone then reads, without the asker's name or words.
func TestDeadlinesAndClarificationsOnTheCompetitionPage(t *testing.T) {
	w := NewWorld(t)
	fx := testdb.Fixture()
	w.DB.Competition.UpdateOneID(w.CompE.ID).SetClarificationClosesAt(time.Now().Add(30 * time.Minute)).SetSummary("Fewer potholes").ExecX(fx)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	base := "/competitions/" + strconv.Itoa(w.CompE.ID)

	admin, acsrf := signInAs(t, srv.URL, "officer@programme.example")
	_, page := read(t)(admin.Get(srv.URL + base))
	wantIn(t, "the programme's view", page, "Extend the deadline", "Every supplier", "One supplier", "Binsight", "May a consortium bid?", "Publish answer")
	code, page := read(t)(admin.PostForm(srv.URL+base+"/extensions", url.Values{"csrf_token": {acsrf}, "who": {"one"},
		"closes_at-day": {"1"}, "closes_at-month": {"1"}, "closes_at-year": {"2020"}, "closes_at-time": {"9am"}}))
	if code != http.StatusUnprocessableEntity {
		t.Errorf("a bad extension: %d", code)
	}
	wantIn(t, "the refused extension", page, `href="#organisation_id"`, "Choose the supplier whose deadline moves")
	code, page = read(t)(admin.PostForm(srv.URL+base+"/extensions", url.Values{"csrf_token": {acsrf}, "who": {"all"},
		"closes_at-day": {"1"}, "closes_at-month": {"1"}, "closes_at-year": {"2020"}, "closes_at-time": {"9am"}}))
	wantIn(t, "the refused extension", page, `href="#reason"`, `href="#closes_at"`, "must be later than the current one")

	supplier, scsrf := signInAs(t, srv.URL, "ed@binsight.example")
	code, page = read(t)(supplier.PostForm(srv.URL+base+"/clarifications", url.Values{"csrf_token": {scsrf}, "question": {""}}))
	wantIn(t, "an empty question", page, "<title>Error:", `href="#question"`)
	code, _ = read(t)(supplier.PostForm(srv.URL+base+"/clarifications", url.Values{"csrf_token": {scsrf}, "question": {"Binsight asks: is Welsh data in scope?"}}))
	if code != http.StatusOK {
		t.Fatalf("asking: %d", code)
	}
	_, page = read(t)(http.Get(srv.URL + base))
	if strings.Contains(page, "Welsh") || strings.Contains(page, "consortium") {
		t.Error("an anonymous visitor reads unpublished questions")
	}
	_, page = read(t)(admin.Get(srv.URL + base))
	wantIn(t, "the programme's queue", page, "Binsight asks: is Welsh data in scope?")
	var id int
	for _, cl := range w.DB.Clarification.Query().AllX(fx) {
		if strings.Contains(cl.Question, "Welsh") {
			id = cl.ID
		}
	}
	sfx := "-" + strconv.Itoa(id)
	code, page = read(t)(admin.PostForm(srv.URL+"/clarifications/"+strconv.Itoa(id)+"/publish", url.Values{"csrf_token": {acsrf},
		"question" + sfx: {"Is Welsh data in scope?"}, "answer" + sfx: {""}}))
	if code != http.StatusUnprocessableEntity {
		t.Errorf("an empty answer: %d", code)
	}
	wantIn(t, "the refused answer", page, `href="#answer`+sfx+`"`, "Is Welsh data in scope?")
	code, _ = read(t)(admin.PostForm(srv.URL+"/clarifications/"+strconv.Itoa(id)+"/publish", url.Values{"csrf_token": {acsrf},
		"question" + sfx: {"Is Welsh data in scope?"}, "answer" + sfx: {"Yes, from all four nations."}}))
	if code != http.StatusOK {
		t.Fatalf("publishing: %d", code)
	}
	_, page = read(t)(http.Get(srv.URL + base))
	wantIn(t, "the public page", page, "Is Welsh data in scope?", "Yes, from all four nations.")
	if strings.Contains(page, "Binsight asks") {
		t.Error("the public page shows the asker's own words")
	}
}

// TestTheEligibilityCheckOnTheCompetitionPage: after the close the programme sees what the
// automatic checks flagged, cannot finish until it has decided, and decides with a reason.
func TestTheEligibilityCheckOnTheCompetitionPage(t *testing.T) {
	w := NewWorld(t)
	fx := testdb.Fixture()
	ch := w.DB.Challenge.Create().SetTitle("Fly-tipping").SetPublicBody("Anytown").SetProblem("P").SetStage(domain.ChallengePhase1Assessment).
		SetOwnerID(w.People[OwnerOwn].ID).SaveX(fx)
	comp := w.DB.Competition.Create().SetChallengeID(ch.ID).SetPhase(1).SetStatus(domain.CompetitionEligibility).SetOpenedAt(time.Now().Add(-48 * time.Hour)).
		SetClosesAt(time.Now().Add(-time.Hour)).SetPot(domain.Pounds(250_000)).SetMaxContract(domain.Pounds(50_000)).SetScheme(domain.DefaultScheme()).SaveX(fx)
	acmeOrg := w.People[SupplierOwn].Edges.Organisation
	if acmeOrg == nil {
		acmeOrg = w.DB.Person.QueryOrganisation(w.People[SupplierOwn]).OnlyX(fx)
	}
	flagged := w.DB.Bid.Create().SetCompetitionID(comp.ID).SetOrganisationID(acmeOrg.ID).SetTitle("Camera traps").SetAmount(domain.Pounds(40_000)).
		SetStatus(domain.BidSubmitted).SetSubmittedAt(time.Now().Add(-2 * time.Hour)).SetReceipt("R-flagged").
		SetEligibilityFlags([]string{"It has no documents: the proposal is missing"}).SaveX(fx)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	base := "/competitions/" + strconv.Itoa(comp.ID)
	id := strconv.Itoa(flagged.ID)

	admin, csrf := signInAs(t, srv.URL, "officer@programme.example")
	_, page := read(t)(admin.Get(srv.URL + base))
	wantIn(t, "the eligibility check", page, "Closed, checking eligibility", "Camera traps, from Acme", "It has no documents: the proposal is missing",
		"Needs your decision", "You cannot finish the eligibility check yet: decide the 1 bid the automatic checks flagged first")
	code, page := read(t)(admin.PostForm(srv.URL+"/bids/"+id+"/eligibility", url.Values{"csrf_token": {csrf}, "reason-" + id: {"No proposal"}}))
	if code != http.StatusUnprocessableEntity {
		t.Errorf("a decision without a choice: %d", code)
	}
	wantIn(t, "the refused decision", page, `href="#eligible-`+id+`"`, "Choose whether the bid is eligible", "No proposal</textarea>")
	code, page = read(t)(admin.PostForm(srv.URL+"/bids/"+id+"/eligibility", url.Values{"csrf_token": {csrf}, "eligible-" + id: {"no"}, "reason-" + id: {"No proposal arrived"}}))
	if code != http.StatusOK {
		t.Fatalf("deciding: %d", code)
	}
	wantIn(t, "the check after the decision", page, "Your decision is saved", "Your reason: No proposal arrived", "Finish the eligibility check and assign assessors")
	if got := w.DB.Bid.GetX(fx, flagged.ID).Status; got != domain.BidIneligible {
		t.Errorf("bid is %s, want ineligible", got)
	}
	// The challenge owner reads the competition but not the check.
	owner, _ := signInAs(t, srv.URL, "owner@anytown.gov.uk")
	_, page = read(t)(owner.Get(srv.URL + base))
	if strings.Contains(page, "Needs your decision") || strings.Contains(page, "Save decision") {
		t.Error("the challenge owner is offered the programme's eligibility decisions")
	}
}
