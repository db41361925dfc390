package web

import (
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

// TestTheGateEvidenceIsGatheredOnPages drives, without JavaScript, what the gate needs before it
// decides: the show-and-tell scheduled (meeting its errors first) and recorded, the owner's
// recommendation, and the challenge-level go on the challenge's page (refused without every
// criterion); the contract's page lists the evidence as it comes in.
func TestTheGateEvidenceIsGatheredOnPages(t *testing.T) {
	w := NewWorld(t)
	ctx := testdb.Fixture()
	w.DB.Challenge.UpdateOne(w.ChallengeA).SetStage(domain.ChallengePhase1Contracts).ExecX(ctx)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	k := strconv.Itoa(w.ContractAcme.ID)
	admin, csrf := signInAs(t, srv.URL, "officer@programme.example")
	_, page := read(t)(admin.Get(srv.URL + "/contracts/" + k))
	if n := strings.Count(page, "Missing</strong>"); n != 4 {
		t.Errorf("a new contract's page shows %d pieces of evidence missing, want 4", n)
	}

	next := time.Now().AddDate(0, 1, 0).In(domain.London)
	show := func(day, place string) (int, string) {
		return read(t)(admin.PostForm(srv.URL+"/contracts/"+k+"/show-and-tell", url.Values{"csrf_token": {csrf},
			"show-at-day": {day}, "show-at-month": {strconv.Itoa(int(next.Month()))}, "show-at-year": {strconv.Itoa(next.Year())}, "show-at-time": {"2pm"},
			"show-place": {place}, "presentation_minutes": {"30"}, "questions_minutes": {"45"}, "show-attendees": {"Tom, residents"}}))
	}
	code, page := show("", "")
	if code != http.StatusUnprocessableEntity {
		t.Errorf("an empty show-and-tell: %d", code)
	}
	wantIn(t, "the refused show-and-tell", page, `href="#show-at"`, `href="#show-place"`)
	_, page = show(strconv.Itoa(next.Day()), "Committee Room 1")
	wantIn(t, "the scheduled show-and-tell", page, "The show-and-tell is scheduled", "30 minutes to present, 45 of questions", "Committee Room 1")

	// Scheduled for next month, it cannot be recorded as held yet; brought forward, it is
	// recorded with when it was held.
	code, page = read(t)(admin.PostForm(srv.URL+"/contracts/"+k+"/show-and-tell/record", url.Values{"csrf_token": {csrf}, "attended": {"Tom, Priya"}, "notes": {"A working demo"}}))
	if code != http.StatusUnprocessableEntity {
		t.Errorf("a show-and-tell recorded before its time: %d", code)
	}
	wantIn(t, "the show-and-tell recorded before its time", page, `href="#held_at"`, "can be recorded only once it has been held")
	held := time.Now().Add(-time.Hour).In(domain.London)
	_, page = read(t)(admin.PostForm(srv.URL+"/contracts/"+k+"/show-and-tell/record", url.Values{"csrf_token": {csrf}, "attended": {"Tom, Priya"}, "notes": {"A working demo"},
		"held_at-day": {strconv.Itoa(held.Day())}, "held_at-month": {strconv.Itoa(int(held.Month()))}, "held_at-year": {strconv.Itoa(held.Year())},
		"held_at-time": {held.Format("15:04")}}))
	wantIn(t, "the recorded show-and-tell", page, "The show-and-tell is recorded", "A working demo")

	tom, tcsrf := signInAs(t, srv.URL, "owner@anytown.gov.uk")
	code, page = read(t)(tom.PostForm(srv.URL+"/contracts/"+k+"/recommendation", url.Values{"csrf_token": {tcsrf}, "recommendation": {"continue"}}))
	if code != http.StatusUnprocessableEntity {
		t.Errorf("a recommendation without a reason: %d", code)
	}
	wantIn(t, "the refused recommendation", page, `href="#reason"`)
	_, page = read(t)(tom.PostForm(srv.URL+"/contracts/"+k+"/recommendation", url.Values{"csrf_token": {tcsrf}, "recommendation": {"continue"}, "reason": {"It works on our data"}}))
	wantIn(t, "the recommendation", page, "Your recommendation is recorded", "It works on our data")

	ch := strconv.Itoa(w.ChallengeA.ID)
	_, page = read(t)(admin.Get(srv.URL + "/challenges/" + ch))
	wantIn(t, "the challenge's gate form", page, "Decide the challenge-level gate", "Phase 2 has a high chance of success")
	code, page = read(t)(admin.PostForm(srv.URL+"/challenges/"+ch+"/gate", url.Values{"csrf_token": {csrf}, "decision": {"go"},
		"criteria": {"success"}, "rationale": {"Promising"}}))
	if code != http.StatusUnprocessableEntity {
		t.Errorf("a go without every criterion: %d", code)
	}
	wantIn(t, "the refused go", page, "A go needs every criterion met", `href="#criteria"`)
	if !strings.Contains(page, `value="success" checked`) {
		t.Error("the refused form lost the criterion ticked")
	}
	_, page = read(t)(admin.PostForm(srv.URL+"/challenges/"+ch+"/gate", url.Values{"csrf_token": {csrf}, "decision": {"go"},
		"criteria": {"success", "budget", "standards"}, "rationale": {"Promising on every count"}}))
	wantIn(t, "after the go", page, "The challenge-level decision is recorded", "Go: the challenge goes on to phase 2", "Promising on every count")

	_, page = read(t)(admin.Get(srv.URL + "/contracts/" + k))
	if n := strings.Count(page, "Missing</strong>"); n != 1 || !strings.Contains(page, "Missing</strong> The end-of-phase report") {
		t.Errorf("after the evidence, %d pieces missing; want only the report", n)
	}
}

// The lessons register is public and searchable by words, field and kind.
func TestTheLessonsRegisterIsPublicAndSearchable(t *testing.T) {
	w := NewWorld(t)
	ctx := testdb.Fixture()
	w.DB.Challenge.UpdateOne(w.ChallengeA).SetFields([]string{"Transport"}).ExecX(ctx)
	w.DB.Lesson.Create().SetChallengeID(w.ChallengeA.ID).SetKind(domain.LessonStop).SetPhase(1).SetWhatWorked("The sensors").
		SetWhatFailed("The batteries froze").SetWhy("Nobody tested them in winter").SetRecordedBy("person:1").ExecX(ctx)
	w.DB.Lesson.Create().SetChallengeID(w.ChallengeA.ID).SetKind(domain.LessonOutcome).SetPhase(2).SetWhatWorked("Early data").
		SetWhatFailed("Late research").SetWhy("Agree both first").SetRecordedBy("person:1").ExecX(ctx)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	_, page := read(t)(http.Get(srv.URL + "/lessons"))
	wantIn(t, "the register", page, "2 lessons", "The batteries froze", "Agree both first")
	_, page = read(t)(http.Get(srv.URL + "/lessons?words=winter"))
	wantIn(t, "words", page, "1 lesson", "The batteries froze")
	_, page = read(t)(http.Get(srv.URL + "/lessons?kind=outcome&field=Transport"))
	if !strings.Contains(page, "Agree both first") || strings.Contains(page, "The batteries froze") {
		t.Error("the kind filter let a stop's lesson through")
	}
	_, page = read(t)(http.Get(srv.URL + "/lessons?field=Housing+and+planning"))
	wantIn(t, "another field", page, "No lesson matches")
	if code, _ := read(t)(http.Get(srv.URL + "/lessons?kind=bogus")); code != http.StatusBadRequest {
		t.Errorf("an unknown kind: %d, want 400", code)
	}
}

// The owner sees the whole challenge on one page: the money against the caps as a chart with
// its figures as a table, the contracts with their milestones, the bids and scores, and what
// is due next; the JSON answers the same figures.
func TestTheOwnerSeesTheWholeChallenge(t *testing.T) {
	w := NewWorld(t)
	ctx := testdb.Fixture()
	w.DB.Milestone.UpdateOne(w.MilestoneAcme).SetStatus(domain.MilestoneAccepted).SetAcceptedAt(time.Now()).
		SetPaymentDue(domain.PaymentDue(time.Now())).ExecX(ctx)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	tom, _ := signInAs(t, srv.URL, "owner@anytown.gov.uk")
	ch := strconv.Itoa(w.ChallengeA.ID)
	_, page := read(t)(tom.Get(srv.URL + "/challenges/" + ch))
	wantIn(t, "the challenge's link", page, `href="/challenges/`+ch+`/overview"`)
	code, page := read(t)(tom.Get(srv.URL + "/challenges/" + ch + "/overview"))
	if code != http.StatusOK {
		t.Fatalf("the overview: %d", code)
	}
	wantIn(t, "the overview", page, `<svg role="img"`, "Money against the caps, by phase", "£40,000.00", "£15,000.00",
		"A feasibility study", "Payment of £15,000.00 to Acme", domain.FormatDate(domain.PaymentDue(time.Now())))
	other, _ := signInAs(t, srv.URL, "other-owner@anytown.gov.uk")
	if code, _ := read(t)(other.Get(srv.URL + "/challenges/" + ch + "/overview")); code != http.StatusForbidden {
		t.Errorf("another owner's overview: %d, want 403", code)
	}
	rec := w.Do(OwnerOwn, http.MethodGet, "/api/v1/challenges/"+ch+"/overview", "")
	if body := rec.Body.String(); rec.Code != http.StatusOK || !strings.Contains(body, `"spent_pence": 1500000`) && !strings.Contains(body, `"spent_pence":1500000`) {
		t.Errorf("the overview's JSON: %d %s", rec.Code, body)
	}
}
