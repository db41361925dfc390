package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

func getIDs(t *testing.T, w *World, persona, path string) []int {
	t.Helper()
	rec := w.Do(persona, http.MethodGet, path, "")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s as %s: %d %s", path, persona, rec.Code, rec.Body)
	}
	return ids(t, rec.Body.Bytes())
}

// TestListsShowNothingOfAnotherScope: every list, count and eager-loaded edge shows a persona
// only what a direct read would.
func TestListsShowNothingOfAnotherScope(t *testing.T) {
	w := NewWorld(t)
	A, D, E := w.ChallengeA.ID, w.ChallengeD.ID, w.ChallengeE.ID
	acme, binsight := w.BidAcme.ID, w.BidBinsight.ID

	// Challenges: a draft is its owner's and the programme's alone.
	for p, want := range map[string][]int{
		Officer: {A, D, E}, OwnerOwn: {A, D, E}, OwnerOther: {A, E}, AssessorAssigned: {A, E}, SupplierOwn: {A, E},
	} {
		if got := getIDs(t, w, p, "/api/v1/challenges"); !slices.Equal(got, want) {
			t.Errorf("challenges as %s = %v, want %v", p, got, want)
		}
	}
	// Bids of a closed competition: each persona only its scope.
	bids := fmt.Sprintf("/api/v1/competitions/%d/bids", w.CompA.ID)
	for p, want := range map[string][]int{
		Officer: {acme, binsight}, OwnerOwn: {acme, binsight}, OwnerOther: {},
		AssessorAssigned: {acme}, AssessorOther: {binsight}, SupplierOwn: {acme}, SupplierOther: {binsight},
	} {
		if got := getIDs(t, w, p, bids); !slices.Equal(got, want) {
			t.Errorf("bids as %s = %v, want %v", p, got, want)
		}
	}
	// Eager-loaded edges: the competition's own page and the challenge's. The count of bids
	// received is a public figure, the same for everyone.
	for p, want := range map[string]int{Officer: 2, OwnerOther: 0, AssessorAssigned: 1, SupplierOther: 1} {
		var comp CompetitionView
		rec := w.Do(p, http.MethodGet, fmt.Sprintf("/api/v1/competitions/%d", w.CompA.ID), "")
		_ = json.Unmarshal(rec.Body.Bytes(), &comp)
		if comp.SubmittedBids == nil || *comp.SubmittedBids != 2 || len(comp.Bids) != want {
			t.Errorf("competition as %s: %v received, %d shown; want 2 and %d", p, comp.SubmittedBids, len(comp.Bids), want)
		}
		// While bidding is open, how many have bid is kept from everyone, as UK practice keeps it.
		rec = w.Do(p, http.MethodGet, fmt.Sprintf("/api/v1/competitions/%d", w.CompE.ID), "")
		if strings.Contains(rec.Body.String(), "submitted_bids") || rec.Code != http.StatusOK {
			t.Errorf("the open competition as %s: %d %s", p, rec.Code, rec.Body)
		}
		var ch ChallengeView
		rec = w.Do(p, http.MethodGet, fmt.Sprintf("/api/v1/challenges/%d", A), "")
		_ = json.Unmarshal(rec.Body.Bytes(), &ch)
		if len(ch.Competitions) != 1 || len(ch.Competitions[0].Bids) != want {
			t.Errorf("challenge A as %s shows %+v; want %d bids", p, ch.Competitions, want)
		}
	}
	// Contracts ride along on the challenge only for those who may see them.
	for p, want := range map[string]int{Officer: 1, OwnerOwn: 1, OwnerOther: 0, AssessorAssigned: 0, SupplierOwn: 1, SupplierOther: 0} {
		var ch ChallengeView
		rec := w.Do(p, http.MethodGet, fmt.Sprintf("/api/v1/challenges/%d", A), "")
		_ = json.Unmarshal(rec.Body.Bytes(), &ch)
		if n := len(ch.Competitions[0].Contracts); n != want {
			t.Errorf("challenge A as %s shows %d contracts, want %d", p, n, want)
		}
	}
	// Assignments: an assessor sees their own.
	if got := getIDs(t, w, AssessorAssigned, "/api/v1/assignments"); !slices.Equal(got, []int{w.AssignAcme.ID}) {
		t.Errorf("assignments as the assigned assessor = %v", got)
	}
	if got := getIDs(t, w, OwnerOther, "/api/v1/assignments"); len(got) != 0 {
		t.Errorf("assignments as another challenge's owner = %v, want none", got)
	}
	// Declared interests: the assessor's own and the programme's; no one else learns of them.
	for p, want := range map[string][]int{Officer: {w.InterestAnn.ID}, AssessorAssigned: {w.InterestAnn.ID}, AssessorOther: {}} {
		if got := getIDs(t, w, p, "/api/v1/interests"); !slices.Equal(got, want) {
			t.Errorf("interests as %s = %v, want %v", p, got, want)
		}
	}
	// People: suppliers never see assessors; others see themselves and their organisation.
	rec := w.Do(SupplierOwn, http.MethodGet, "/api/v1/people", "")
	if strings.Contains(rec.Body.String(), "panel.example") || !strings.Contains(rec.Body.String(), "dana@acme.example") {
		t.Errorf("people as a supplier: %s", rec.Body)
	}
	// Every signed-in persona, and one supplier waiting to join.
	if got := getIDs(t, w, Officer, "/api/v1/people"); len(got) != len(anySignedIn)+1 {
		t.Errorf("people as the programme officer = %v, want all %d (the personas and one supplier waiting to join)", got, len(anySignedIn)+1)
	}
	// Audit: an owner reads only their own challenges' trail.
	var trail Page[AuditView]
	_ = json.Unmarshal(w.Do(OwnerOther, http.MethodGet, "/api/v1/audit", "").Body.Bytes(), &trail)
	if len(trail.Items) != 1 || *trail.Items[0].ChallengeID != E {
		t.Errorf("audit as the owner of E: %+v, want only E's event", trail.Items)
	}
	_ = json.Unmarshal(w.Do(OwnerOwn, http.MethodGet, "/api/v1/audit?record_type=bid", "").Body.Bytes(), &trail)
	if len(trail.Items) != 1 || trail.Items[0].RecordID != acme {
		t.Errorf("audit as A's owner filtered to bids: %+v", trail.Items)
	}
	csv := w.Do(OwnerOther, http.MethodGet, "/api/v1/audit.csv", "").Body.String()
	if lines := strings.Count(csv, "\n"); lines != 2 || !strings.HasPrefix(csv, "id,seq,at_utc,actor") {
		t.Errorf("CSV as the owner of E has %d lines:\n%s", lines, csv)
	}
	// Tokens: a non-admin sees only their own.
	if got := getIDs(t, w, SupplierOther, "/api/v1/tokens"); len(got) != 1 {
		t.Errorf("tokens as a supplier = %v, want only their own", got)
	}
}

// TestSealedBidsAreTheirSuppliersAlone: before the deadline, nobody but the submitting supplier
// reads a bid or its documents: not its challenge's owner, not an assessor, not an admin.
func TestSealedBidsAreTheirSuppliersAlone(t *testing.T) {
	w := NewWorld(t)
	for _, path := range []string{
		fmt.Sprintf("/api/v1/bids/%d", w.SealedAcme.ID),
		fmt.Sprintf("/api/v1/documents/%d", w.DocSealed.ID),
		fmt.Sprintf("/api/v1/documents/%d/content", w.DocSealed.ID),
	} {
		for _, p := range []string{Officer, OwnerOther, AssessorAssigned, AssessorOther, SupplierOther} {
			if rec := w.Do(p, http.MethodGet, path, ""); rec.Code != http.StatusNotFound {
				t.Errorf("GET %s as %s = %d, want 404 while sealed", path, p, rec.Code)
			}
		}
		if rec := w.Do(SupplierOwn, http.MethodGet, path, ""); rec.Code != http.StatusOK {
			t.Errorf("GET %s as its supplier = %d %s", path, rec.Code, rec.Body)
		}
	}
	compE := fmt.Sprintf("/api/v1/competitions/%d", w.CompE.ID)
	if rec := w.Do(Officer, http.MethodGet, compE+"/bids", ""); rec.Code != http.StatusConflict {
		t.Errorf("listing sealed bids as admin = %d, want 409", rec.Code)
	}
	// The deadline passes: the programme and the owner may now read it, assessors still not.
	w.DB.Competition.UpdateOneID(w.CompE.ID).SetStatus("assessment").ExecX(testdb.Fixture())
	path := fmt.Sprintf("/api/v1/bids/%d", w.SealedAcme.ID)
	for p, want := range map[string]int{Officer: 200, OwnerOther: 200, AssessorAssigned: 404, SupplierOther: 404} {
		if rec := w.Do(p, http.MethodGet, path, ""); rec.Code != want {
			t.Errorf("after the deadline, GET bid as %s = %d, want %d", p, rec.Code, want)
		}
	}
}

// TestFeedbackReachesSuppliersOnlyOnceReleasedAndNeverNamesAssessors.
func TestFeedbackReachesSuppliersOnlyOnceReleasedAndNeverNamesAssessors(t *testing.T) {
	w := NewWorld(t)
	w.Unreleased()
	ctx := testdb.Fixture()
	score := 80.0
	w.DB.Bid.UpdateOneID(w.BidAcme.ID).SetScore(score).SetOutcomeReason("Ranked first of two").ExecX(ctx)
	bidPath := fmt.Sprintf("/api/v1/bids/%d", w.BidAcme.ID)
	if rec := w.Do(SupplierOwn, http.MethodGet, bidPath+"/feedback", ""); rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "not been released") {
		t.Fatalf("feedback before release: %d %s", rec.Code, rec.Body)
	}
	var b BidView
	_ = json.Unmarshal(w.Do(SupplierOwn, http.MethodGet, bidPath, "").Body.Bytes(), &b)
	if b.Score != nil || b.OutcomeReason != "" {
		t.Errorf("the supplier saw its score before release: %+v", b)
	}
	// Release needs a decision.
	release := fmt.Sprintf("/api/v1/competitions/%d/feedback-release", w.CompA.ID)
	if rec := w.Do(Officer, http.MethodPost, release, ""); rec.Code != http.StatusConflict {
		t.Fatalf("release before the decision: %d %s", rec.Code, rec.Body)
	}
	w.DB.Competition.UpdateOneID(w.CompA.ID).SetStatus("decided").ExecX(ctx)
	if rec := w.Do(Officer, http.MethodPost, release, ""); rec.Code != http.StatusOK {
		t.Fatalf("release: %d %s", rec.Code, rec.Body)
	}
	rec := w.Do(SupplierOwn, http.MethodGet, bidPath+"/feedback", "")
	var fb FeedbackView
	_ = json.Unmarshal(rec.Body.Bytes(), &fb)
	if rec.Code != http.StatusOK || len(fb.Assessments) != 1 || fb.Assessments[0].Label != "Assessor 1" || fb.Score == nil {
		t.Fatalf("feedback after release: %d %s", rec.Code, rec.Body)
	}
	assessor := w.People[AssessorAssigned]
	if strings.Contains(rec.Body.String(), fmt.Sprintf(`"assessor_id": %d`, assessor.ID)) || strings.Contains(rec.Body.String(), assessor.Name) {
		t.Errorf("feedback names its assessor: %s", rec.Body)
	}
	if rec := w.Do(SupplierOther, http.MethodGet, bidPath+"/feedback", ""); rec.Code != http.StatusNotFound {
		t.Errorf("another supplier read the feedback: %d", rec.Code)
	}
	// A score from an assessor found to have a conflict did not count, so it is not feedback.
	other := w.People[AssessorOther].ID
	w.DB.Assignment.Create().SetCompetitionID(w.CompA.ID).SetBidID(w.BidAcme.ID).SetAssessorID(other).
		SetStatus("declined").SetDeclinedReason("declared an interest in Acme").ExecX(ctx)
	w.DB.Assessment.Create().SetBidID(w.BidAcme.ID).SetAssessorID(other).SetScores(map[string]domain.CriterionScore{
		"challenge_fit": {Score: 1, Comment: "from a conflicted assessor"}}).SetInScope(false).SetFund(false).SetPercent(10).ExecX(ctx)
	rec = w.Do(SupplierOwn, http.MethodGet, bidPath+"/feedback", "")
	if strings.Contains(rec.Body.String(), "conflicted") || strings.Contains(rec.Body.String(), "Assessor 2") {
		t.Errorf("feedback shows a conflicted assessor's score: %s", rec.Body)
	}
}

// TestAnAssessorWhoDeclaresAConflictLosesTheBid.
func TestAnAssessorWhoDeclaresAConflictLosesTheBid(t *testing.T) {
	w := NewWorld(t)
	decline := fmt.Sprintf("/api/v1/assignments/%d/decline", w.AssignAcme.ID)
	if rec := w.Do(AssessorAssigned, http.MethodPost, decline, `{"reason": ""}`); rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("decline without a reason: %d %s", rec.Code, rec.Body)
	}
	if rec := w.Do(AssessorAssigned, http.MethodPost, decline, `{"reason": "I advised Acme last year"}`); rec.Code != http.StatusOK {
		t.Fatalf("decline: %d %s", rec.Code, rec.Body)
	}
	if rec := w.Do(AssessorAssigned, http.MethodGet, fmt.Sprintf("/api/v1/bids/%d", w.BidAcme.ID), ""); rec.Code != http.StatusNotFound {
		t.Errorf("the bid is still visible after declaring a conflict: %d", rec.Code)
	}
	// The rules found a replacement: the other assessor now has Acme's bid too.
	if got := getIDs(t, w, AssessorOther, fmt.Sprintf("/api/v1/competitions/%d/bids", w.CompA.ID)); !slices.Contains(got, w.BidAcme.ID) {
		t.Errorf("no replacement assessor: the other assessor sees %v", got)
	}
	var trail Page[AuditView]
	_ = json.Unmarshal(w.Do(Officer, http.MethodGet, "/api/v1/audit?record_type=assignment", "").Body.Bytes(), &trail)
	if len(trail.Items) < 2 || trail.Items[0].Action != "assignment.declined" || trail.Items[0].Reason != "I advised Acme last year" {
		t.Errorf("audit of the decline: %+v", trail.Items)
	}
}

// TestAnAssessorDeclaresAnInterestAndLosesTheSuppliersBids: declared through the API, an
// interest takes the supplier's bid away at once and finds a replacement; only the assessor
// may withdraw it, and suppliers never learn of it.
func TestAnAssessorDeclaresAnInterestAndLosesTheSuppliersBids(t *testing.T) {
	w := NewWorld(t)
	acme := w.BidAcme.OrganisationID
	rec := w.Do(AssessorAssigned, http.MethodPost, "/api/v1/interests", `{"organisation_id": 0, "kind": "cousin", "description": ""}`)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `"field": "kind",
      "detail": "\"kind\" must be one of: employer, professional`) ||
		!strings.Contains(rec.Body.String(), `"field": "description",
      "detail": "\"description\" must not be empty`) {
		t.Fatalf("a bad declaration: %d %s", rec.Code, rec.Body)
	}
	rec = w.Do(AssessorAssigned, http.MethodPost, "/api/v1/interests",
		fmt.Sprintf(`{"organisation_id": %d, "kind": "employer", "description": "Worked at Acme until March"}`, acme))
	if rec.Code != http.StatusCreated {
		t.Fatalf("declare: %d %s", rec.Code, rec.Body)
	}
	var d InterestView
	_ = json.Unmarshal(rec.Body.Bytes(), &d)
	if d.OrganisationName != "Acme" || d.AssessorID != w.People[AssessorAssigned].ID || d.KindLabel == "" {
		t.Errorf("declared %+v", d)
	}
	if rec := w.Do(AssessorAssigned, http.MethodGet, fmt.Sprintf("/api/v1/bids/%d", w.BidAcme.ID), ""); rec.Code != http.StatusNotFound {
		t.Errorf("Acme's bid is still visible to the assessor after the declaration: %d", rec.Code)
	}
	if got := getIDs(t, w, AssessorOther, fmt.Sprintf("/api/v1/competitions/%d/bids", w.CompA.ID)); !slices.Contains(got, w.BidAcme.ID) {
		t.Errorf("no replacement assessor: the other assessor sees %v", got)
	}
	// Another assessor cannot withdraw it; suppliers cannot list interests at all.
	withdraw := fmt.Sprintf("/api/v1/interests/%d/withdraw", d.ID)
	if rec := w.Do(AssessorOther, http.MethodPost, withdraw, ""); rec.Code != http.StatusNotFound {
		t.Errorf("another assessor withdrawing: %d", rec.Code)
	}
	if rec := w.Do(SupplierOwn, http.MethodGet, "/api/v1/interests", ""); rec.Code != http.StatusForbidden {
		t.Errorf("a supplier listing interests: %d", rec.Code)
	}
	rec = w.Do(AssessorAssigned, http.MethodPost, withdraw, "")
	_ = json.Unmarshal(rec.Body.Bytes(), &d)
	if rec.Code != http.StatusOK || d.WithdrawnAt == nil {
		t.Errorf("withdraw: %d %s", rec.Code, rec.Body)
	}
}
