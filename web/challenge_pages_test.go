package web

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/document"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// TestAnOwnerDraftsAChallengeOverSeveralSittings walks the owner's pages as a browser without
// JavaScript would: mistakes come back named with what was typed kept; a draft is saved
// incomplete; the check page lists what is missing and will not submit; the form comes back
// with the draft's answers; once complete, the check page offers to submit.
func TestAnOwnerDraftsAChallengeOverSeveralSittings(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	c := browser(t)
	if code, _ := read(t)(c.PostForm(srv.URL+"/sign-in", url.Values{"email": {"owner@anytown.gov.uk"}})); code != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", code)
	}
	_, page := read(t)(c.Get(srv.URL + "/challenges"))
	if !strings.Contains(page, `href="/challenges/new"`) {
		t.Fatal("the challenges page offers no way to start a challenge")
	}
	code, page := read(t)(c.Get(srv.URL + "/challenges/new"))
	if code != http.StatusOK || !strings.Contains(page, "Describe your challenge") {
		t.Fatalf("the empty form: %d", code)
	}
	csrf := csrfInput.FindStringSubmatch(page)[1]

	code, page = read(t)(c.PostForm(srv.URL+"/challenges/new", url.Values{"csrf_token": {csrf}, "title": {"Gritting\u202e routes"},
		"budget_phase1_pence": {"£50k"}}))
	for _, want := range []string{"<title>Error: Describe your challenge", `href="#title"`, "right-to-left", `href="#public_body"`,
		"Enter the public body", `href="#budget_phase1_pence"`, "not an amount", `value="£50k"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the refused form lacks %q", want)
		}
	}
	if code != http.StatusUnprocessableEntity {
		t.Errorf("the refused form's status = %d, want 422", code)
	}

	resp, err := c.PostForm(srv.URL+"/challenges/new", url.Values{"csrf_token": {csrf}, "title": {"Gritting routes"},
		"public_body": {"Anytown Council"}, "problem": {"Roads ice before the gritters reach them."}})
	if code, _ := readBody(t, resp, err); code != http.StatusSeeOther {
		t.Fatalf("saving a draft: %d", code)
	}
	check := resp.Header.Get("Location")
	_, page = read(t)(c.Get(srv.URL + check))
	for _, want := range []string{"Your answers are saved", "Check your answers", "Before you can submit", "Say who has the problem", "Not given"} {
		if !strings.Contains(page, want) {
			t.Errorf("the check page lacks %q", want)
		}
	}
	if strings.Contains(page, "Submit challenge") {
		t.Error("an incomplete draft offers to submit")
	}
	ch := w.DB.Challenge.Query().Where().AllX(testdb.Fixture())
	draft := ch[len(ch)-1]
	if draft.Title != "Gritting routes" || draft.Stage != domain.ChallengeDraft {
		t.Fatalf("stored %q %s", draft.Title, draft.Stage)
	}
	base := strings.TrimSuffix(check, "/check?saved=1")

	// Submitting a draft that is missing answers is refused on the page, saying what is missing.
	code, page = read(t)(c.PostForm(srv.URL+base+"/submit", url.Values{"csrf_token": {csrf}}))
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, "There is a problem") || !strings.Contains(page, "Give the evidence for the problem") {
		t.Errorf("submitting an incomplete draft: %d", code)
	}

	// Another sitting: the form comes back with the draft's answers, and the rest are added.
	_, page = read(t)(c.Get(srv.URL + base + "/edit"))
	if !strings.Contains(page, `value="Gritting routes"`) || !strings.Contains(page, "Roads ice before the gritters reach them.</textarea>") {
		t.Fatal("the form does not come back with the draft's answers")
	}
	version := versionInput.FindStringSubmatch(page)[1]
	resp, err = c.PostForm(srv.URL+base+"/edit", url.Values{"csrf_token": {csrf}, "version": {version},
		"title": {"Gritting routes"}, "public_body": {"Anytown Council"}, "problem": {"Roads ice before the gritters reach them."},
		"who_has_it": {"Drivers and cyclists on 40 miles of hill roads."}, "evidence": {"Twelve crashes last winter."},
		"user_need": {"As a driver I need the road gritted before it ices."}, "fields": {"Transport", "Local services"},
		"budget_phase1_pence": {"£250,000"}, "budget_phase2_pence": {""}, "commitment": {"A follow-on contract in 2028."},
		"sponsor_name": {"Morgan Ellis"}, "sponsor_role": {"Director of Place"}})
	if code, _ := readBody(t, resp, err); code != http.StatusSeeOther {
		t.Fatalf("completing the draft: %d", code)
	}
	_, page = read(t)(c.Get(srv.URL + resp.Header.Get("Location")))
	for _, want := range []string{"Submit challenge", "£250,000.00", "Transport, Local services", "Morgan Ellis"} {
		if !strings.Contains(page, want) {
			t.Errorf("the complete check page lacks %q", want)
		}
	}
	if got := w.DB.Challenge.GetX(testdb.Fixture(), draft.ID); got.BudgetPhase1 != domain.Pounds(250_000) || len(got.Fields) != 2 {
		t.Errorf("stored budget %s, fields %v", got.BudgetPhase1, got.Fields)
	}

	// An edit made on an old version is refused on the form, the owner's answers kept.
	code, page = read(t)(c.PostForm(srv.URL+base+"/edit", url.Values{"csrf_token": {csrf}, "version": {version}, "title": {"Old tab"},
		"public_body": {"Anytown Council"}, "problem": {"P"}}))
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, "Someone else changed this challenge") || !strings.Contains(page, `value="Old tab"`) {
		t.Errorf("a stale edit: %d", code)
	}
	// Another owner cannot reach the draft.
	other := browser(t)
	read(t)(other.PostForm(srv.URL+"/sign-in", url.Values{"email": {"other-owner@anytown.gov.uk"}}))
	if code, _ := read(t)(other.Get(srv.URL + base + "/check")); code != http.StatusNotFound {
		t.Errorf("another owner's view of the draft: %d", code)
	}
}

var versionInput = regexp.MustCompile(`name="version" value="(\d+)"`)

// TestTheChallengePageSaysWhatYouCanDoAndWhyNotYet: each person sees the actions open to them
// now as buttons, and the others with the domain's reason; a refused selection comes back on
// the page with what to fix.
func TestTheChallengePageSaysWhatYouCanDoAndWhyNotYet(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	owner, programme := browser(t), browser(t)
	read(t)(owner.PostForm(srv.URL+"/sign-in", url.Values{"email": {"owner@anytown.gov.uk"}}))
	read(t)(programme.PostForm(srv.URL+"/sign-in", url.Values{"email": {"officer@programme.example"}}))
	draft := srv.URL + "/challenges/" + strconv.Itoa(w.ChallengeD.ID)

	_, page := read(t)(owner.Get(draft))
	ownerCSRF := csrfInput.FindStringSubmatch(page)[1]
	if !strings.Contains(page, "Change your answers") || !strings.Contains(page, "You cannot submit challenge yet: say who has the problem") {
		t.Errorf("the owner's view of an incomplete draft does not say what to do: %s", page)
	}
	_, page = read(t)(programme.Get(draft))
	if !strings.Contains(page, "You cannot select or reject this challenge yet: only a submitted challenge can be selected; this one is Draft") {
		t.Errorf("the programme's view of a draft does not say why it cannot be selected yet")
	}
	csrf := csrfInput.FindStringSubmatch(page)[1]

	w.DB.Challenge.UpdateOne(w.ChallengeD).SetStage(domain.ChallengeSubmitted).ExecX(testdb.Fixture())
	_, page = read(t)(programme.Get(srv.URL + "/challenges"))
	if !strings.Contains(page, "Waiting for screening") || !strings.Contains(page, "Draft idea") {
		t.Error("the programme's challenges page does not queue the submitted challenge for screening")
	}
	_, page = read(t)(programme.Get(draft))
	if !strings.Contains(page, "Save decision") {
		t.Fatal("the programme is not offered the selection for a submitted challenge")
	}
	code, page := read(t)(programme.PostForm(draft+"/selection", url.Values{"csrf_token": {csrf}}))
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, `href="#decision"`) || !strings.Contains(page, "Choose whether to select or reject") {
		t.Errorf("a selection without a decision: %d", code)
	}
	code, page = read(t)(programme.PostForm(draft+"/selection", url.Values{"csrf_token": {csrf}, "decision": {"reject"}}))
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, `href="#reason"`) || !strings.Contains(page, "Give a reason for not selecting") ||
		!strings.Contains(page, `value="reject" checked`) {
		t.Errorf("a rejection without a reason: %d", code)
	}
	// Until it is selected, the owner may still change a submitted challenge.
	_, page = read(t)(owner.Get(draft))
	if !strings.Contains(page, `href="/challenges/`+strconv.Itoa(w.ChallengeD.ID)+`/edit">Change your answers`) {
		t.Error("the owner of a submitted challenge is not offered to change it")
	}
	resp, err := owner.PostForm(draft+"/edit", url.Values{"csrf_token": {ownerCSRF}, "title": {"Draft idea, sharpened"},
		"public_body": {"Anytown"}, "problem": {"P"}})
	if code, _ := readBody(t, resp, err); code != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "decided=changed") {
		t.Errorf("changing a submitted challenge: %d %s", code, resp.Header.Get("Location"))
	}
	if code, page := read(t)(owner.PostForm(draft+"/selection", url.Values{"csrf_token": {ownerCSRF}, "decision": {"select"}})); code != http.StatusForbidden ||
		!strings.Contains(page, "your role does not allow this") {
		t.Errorf("the owner selecting their own challenge: %d", code)
	}
}

// TestTheProgrammeSetsUpARoundOnItsPage: mistakes come back named with what was typed kept;
// a good round is set up and listed with its budget.
func TestTheProgrammeSetsUpARoundOnItsPage(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	c := browser(t)
	read(t)(c.PostForm(srv.URL+"/sign-in", url.Values{"email": {"officer@programme.example"}}))
	code, page := read(t)(c.Get(srv.URL + "/rounds"))
	if code != http.StatusOK || !strings.Contains(page, "There are no rounds yet") {
		t.Fatalf("the empty rounds page: %d", code)
	}
	csrf := csrfInput.FindStringSubmatch(page)[1]
	code, page = read(t)(c.PostForm(srv.URL+"/rounds", url.Values{"csrf_token": {csrf}, "name": {"Winter"}, "budget_pence": {"lots"},
		"starts_at-day": {"31"}, "starts_at-month": {"2"}, "starts_at-year": {"2027"}}))
	for _, want := range []string{`href="#budget_pence"`, `href="#starts_at"`, "Enter a real date", `href="#ends_at"`, `value="Winter"`, `value="31"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the refused round lacks %q", want)
		}
	}
	if code != http.StatusUnprocessableEntity {
		t.Errorf("the refused round: %d", code)
	}
	resp, err := c.PostForm(srv.URL+"/rounds", url.Values{"csrf_token": {csrf}, "name": {"Winter"}, "budget_pence": {"£2,000,000"},
		"starts_at-day": {"1"}, "starts_at-month": {"10"}, "starts_at-year": {"2026"},
		"ends_at-day": {"31"}, "ends_at-month": {"3"}, "ends_at-year": {"2027"}})
	if code, _ := readBody(t, resp, err); code != http.StatusSeeOther {
		t.Fatalf("setting up a round: %d", code)
	}
	_, page = read(t)(c.Get(srv.URL + resp.Header.Get("Location")))
	if !strings.Contains(page, "You set up Winter") || !strings.Contains(page, "£2,000,000.00") || !strings.Contains(page, "1 October 2026 to 31 March 2027") {
		t.Errorf("after setting up a round: %s", page)
	}
	owner := browser(t)
	read(t)(owner.PostForm(srv.URL+"/sign-in", url.Values{"email": {"owner@anytown.gov.uk"}}))
	if code, _ := read(t)(owner.Get(srv.URL + "/rounds")); code != http.StatusForbidden {
		t.Errorf("a challenge owner's view of the rounds: %d", code)
	}
}

// TestAnOwnerAddsEvidenceDocuments: the check page takes evidence documents as a plain form
// upload; a refused file says why; only the owner and the programme can read them.
func TestAnOwnerAddsEvidenceDocuments(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	c, csrf := signInAs(t, srv.URL, "owner@anytown.gov.uk")
	base := srv.URL + "/challenges/" + strconv.Itoa(w.ChallengeD.ID)
	upload := func(name string, content []byte) (int, string) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("csrf_token", csrf)
		if name != "" {
			fw, _ := mw.CreateFormFile("file", name)
			_, _ = fw.Write(content)
		}
		_ = mw.Close()
		return read(t)(c.Post(base+"/evidence", mw.FormDataContentType(), &body))
	}
	code, page := upload("", nil)
	if code != http.StatusUnprocessableEntity {
		t.Errorf("no file: %d", code)
	}
	wantIn(t, "the check page without a file", page, "<title>Error: Check your answers", `href="#file"`, "Choose a file to upload")
	code, page = upload("tool.exe", []byte("MZ\x90\x00 a program"))
	if code != http.StatusUnsupportedMediaType {
		t.Errorf("a program: %d", code)
	}
	wantIn(t, "the check page with a refused file", page, `href="#file"`)
	code, page = upload("complaints.pdf", []byte("%PDF-1.4\n% complaints\n%%EOF\n"))
	if code != http.StatusOK {
		t.Fatalf("a PDF: %d", code)
	}
	wantIn(t, "the check page with evidence", page, "The document is added.", "complaints.pdf")
	docs := w.DB.Document.Query().Where(document.ChallengeID(w.ChallengeD.ID)).AllX(testdb.Fixture())
	if len(docs) != 1 {
		t.Fatalf("%d evidence documents stored", len(docs))
	}
	path := fmt.Sprintf("/api/v1/documents/%d/content", docs[0].ID)
	for persona, want := range map[string]int{Officer: 200, OwnerOwn: 200, OwnerOther: 404, SupplierOwn: 404, AssessorAssigned: 404} {
		if rec := w.Do(persona, http.MethodGet, path, ""); rec.Code != want {
			t.Errorf("%s reading the evidence: %d, want %d", persona, rec.Code, want)
		}
	}
}

// TestScreeningJudgesTheCriteriaThePageShowed: a criterion the programme adds while a colleague
// has the screening form open does not refuse what they judged; it is shown unjudged when the
// page comes back, and the challenge cannot be selected until it is judged. A criterion the
// page showed and left unjudged is named beside its own question.
func TestScreeningJudgesTheCriteriaThePageShowed(t *testing.T) {
	w := NewWorld(t)
	ctx := testdb.Fixture()
	w.DB.Challenge.UpdateOne(w.ChallengeD).SetStage(domain.ChallengeSubmitted).ExecX(ctx)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	c := browser(t)
	read(t)(c.PostForm(srv.URL+"/sign-in", url.Values{"email": {"officer@programme.example"}}))
	path := srv.URL + "/challenges/" + strconv.Itoa(w.ChallengeD.ID)
	_, page := read(t)(c.Get(path))
	csrf := csrfInput.FindStringSubmatch(page)[1]
	first := strconv.Itoa(w.Criterion.ID)
	if !strings.Contains(page, `name="shown" value="`+first+`"`) {
		t.Fatal("the screening form does not say which criteria it shows")
	}
	// Meanwhile, a second criterion.
	if rec := w.Do(Officer, http.MethodPost, "/api/v1/screening-criteria", `{"text": "It has a sponsor at director level"}`); rec.Code != http.StatusCreated {
		t.Fatalf("adding a criterion: %d %s", rec.Code, rec.Body)
	}
	// The form as drawn, its one criterion unjudged: refused beside that criterion.
	code, page := read(t)(c.PostForm(path+"/screening", url.Values{"csrf_token": {csrf}, "shown": {first}}))
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, `href="#results-0-met"`) {
		t.Errorf("a shown criterion left unjudged: %d", code)
	}
	resp, err := c.PostForm(path+"/screening", url.Values{"csrf_token": {csrf}, "shown": {first}, "met-" + first: {"yes"}})
	if code, _ := readBody(t, resp, err); code != http.StatusSeeOther {
		t.Fatalf("the form as drawn, judged: %d", code)
	}
	_, page = read(t)(c.Get(path + "?decided=screened"))
	if !strings.Contains(page, "Your screening is saved") || !strings.Contains(page, "1 screening criterion has not been judged yet") {
		t.Errorf("after the save, the new criterion is not shown as still to judge")
	}
}
