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
	"github.com/catalyst-sbri/catalyst/ent/milestone"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// TestNobodyActsWhereTheyDeclaredAnInterest: finance, the challenge owner, a panel chair and the
// programme each declare an interest in Acme (a supplier may not). From then on each is refused,
// by the action model and by the command with the same words, whatever they would do on Acme's
// contract, its milestones, its scores or the decision of a competition Acme bid in; withdrawn, the
// interest no longer stands in the way. The owner's interests page asks for no yearly renewal,
// which is the assessors'.
func TestNobodyActsWhereTheyDeclaredAnInterest(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	fx := testdb.Fixture()
	acme := w.BidAcme.OrganisationID
	want := "you declared an interest in Acme"

	// The programme proposes competition A's decision before it declares anything.
	admin, csrf := signInAs(t, srv.URL, "officer@programme.example")
	if code, _ := read(t)(admin.PostForm(srv.URL+"/competitions/"+strconv.Itoa(w.CompA.ID)+"/decision", url.Values{"csrf_token": {csrf},
		"method": {"top_down"}, "lowered_minimum": {"0"}, "lowered_reason": {"Two assessors withdrew."}})); code != http.StatusOK {
		t.Fatalf("proposing: %d", code)
	}
	w.DB.Milestone.UpdateOne(w.MilestoneAcme).SetStatus(domain.MilestoneAccepted).SetReviewedBy("owner@anytown.gov.uk").ExecX(fx)
	second := w.DB.Milestone.Query().Where(milestone.ContractID(w.ContractAcme.ID), milestone.Number(2)).OnlyX(fx)
	w.DB.Milestone.UpdateOne(second).SetStatus(domain.MilestoneSubmitted).ExecX(fx)

	declared := map[string]int{}
	for _, p := range []string{Finance, OwnerOwn, PanelChair, Officer} {
		rec := w.Do(p, http.MethodPost, "/api/v1/interests", fmt.Sprintf(`{"organisation_id": %d, "kind": "professional", "description": "Advised Acme in 2025"}`, acme))
		var d api.InterestView
		if err := json.Unmarshal(rec.Body.Bytes(), &d); rec.Code != http.StatusCreated || err != nil {
			t.Fatalf("%s declaring: %d %s", p, rec.Code, rec.Body)
		}
		declared[p] = d.ID
	}
	if rec := w.Do(SupplierOther, http.MethodPost, "/api/v1/interests", fmt.Sprintf(`{"organisation_id": %d, "kind": "professional", "description": "x"}`, acme)); rec.Code != http.StatusForbidden {
		t.Errorf("a supplier declaring: %d", rec.Code)
	}

	// refused checks that the action is offered as refused with the words, and the command
	// refuses with them too.
	refused := func(who, what string, acts []api.ActionView, name, method, path, body string) {
		t.Helper()
		if a := actionNamed(acts, name); a == nil || a.Allowed || !strings.Contains(a.Reason, want) {
			t.Errorf("%s's %s is offered as %+v, want refused because %s", who, what, a, want)
		}
		rec := w.Do(who, method, path, body)
		if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("%s's %s: %d %s", who, what, rec.Code, rec.Body)
		}
	}
	contract := func(who string) api.ContractView {
		t.Helper()
		var k api.ContractView
		rec := w.Do(who, http.MethodGet, "/api/v1/contracts/"+strconv.Itoa(w.ContractAcme.ID), "")
		if err := json.Unmarshal(rec.Body.Bytes(), &k); err != nil || rec.Code != http.StatusOK {
			t.Fatalf("%s reading the contract: %d %v", who, rec.Code, err)
		}
		return k
	}
	milestoneOf := func(k api.ContractView, n int) api.MilestoneView {
		for _, m := range k.Milestones {
			if m.Number == n {
				return m
			}
		}
		t.Fatalf("no milestone %d", n)
		return api.MilestoneView{}
	}

	k := contract(Finance)
	refused(Finance, "payment", milestoneOf(k, 1).Actions, "pay", http.MethodPost, fmt.Sprintf("/api/v1/milestones/%d/payment", w.MilestoneAcme.ID), "")
	k = contract(OwnerOwn)
	refused(OwnerOwn, "review", milestoneOf(k, 2).Actions, "review", http.MethodPost, fmt.Sprintf("/api/v1/milestones/%d/review", second.ID), `{"accept": true}`)
	refused(OwnerOwn, "midpoint review", k.Actions, "review-midpoint", http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/midpoint-review", w.ContractAcme.ID), `{"rag": "green", "rag_note": "On track"}`)
	k = contract(Officer)
	refused(Officer, "gate", k.Actions, "gate", http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/gate", w.ContractAcme.ID), `{"outcome": "continue", "rationale": "Good"}`)
	// Nor the challenge-level gate, which decides for Acme's contract among the rest.
	w.DB.Challenge.UpdateOne(w.ChallengeA).SetStage(domain.ChallengePhase1Contracts).ExecX(fx)
	var ch api.ChallengeView
	if rec := w.Do(Officer, http.MethodGet, "/api/v1/challenges/"+strconv.Itoa(w.ChallengeA.ID), ""); json.Unmarshal(rec.Body.Bytes(), &ch) != nil {
		t.Fatalf("the programme reading the challenge: %d", rec.Code)
	}
	want = "you declared an interest in Acme, which holds a contract under this challenge"
	refused(Officer, "challenge gate", ch.Actions, "gate", http.MethodPost, fmt.Sprintf("/api/v1/challenges/%d/gate", w.ChallengeA.ID),
		`{"decision": "go", "criteria": ["success", "budget", "standards"], "rationale": "It works."}`)
	want = "you declared an interest in Acme"
	// Nor chooses who assesses Acme's bid.
	pairing := w.DB.Assignment.Create().SetCompetitionID(w.CompA.ID).SetBidID(w.BidAcme.ID).SetAssessorID(w.People[AssessorOther].ID).SaveX(fx)
	var proposal api.ProposalView
	if rec := w.Do(Officer, http.MethodGet, fmt.Sprintf("/api/v1/competitions/%d/assignment-proposal", w.CompA.ID), ""); json.Unmarshal(rec.Body.Bytes(), &proposal) != nil {
		t.Fatalf("the proposal: %d %s", rec.Code, rec.Body)
	}
	found := false
	for _, a := range proposal.Assignments {
		if a.ID == pairing.ID {
			found = true
			refused(Officer, "swap", a.Actions, "swap", http.MethodPost, fmt.Sprintf("/api/v1/assignments/%d/swap", pairing.ID),
				fmt.Sprintf(`{"assessor_id": %d, "reason": "Balancing the load."}`, w.People[AssessorAssigned].ID))
		}
	}
	if !found {
		t.Error("the proposal lacks the pairing of Acme's bid")
	}
	// Nor gives Acme alone more time to bid.
	later := w.CompE.ClosesAt.Add(7 * 24 * time.Hour).Format(time.RFC3339)
	if rec := w.Do(Officer, http.MethodPost, fmt.Sprintf("/api/v1/competitions/%d/extensions", w.CompE.ID),
		fmt.Sprintf(`{"organisation_id": %d, "closes_at": %q, "reason": "Their server failed."}`, acme, later)); rec.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(rec.Body.String(), "You declared an interest in Acme: someone else in the team must give it more time") {
		t.Errorf("the programme extending Acme's deadline: %d %s", rec.Code, rec.Body)
	}

	var panel api.CompetitionView
	rec := w.Do(PanelChair, http.MethodGet, "/api/v1/competitions/"+strconv.Itoa(w.CompA.ID), "")
	if err := json.Unmarshal(rec.Body.Bytes(), &panel); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("the chair reading the competition: %d %v", rec.Code, err)
	}
	refused(PanelChair, "approval", panel.Actions, "approve-decision", http.MethodPost, fmt.Sprintf("/api/v1/competitions/%d/decision/approval", w.CompA.ID), `{"approve": true}`)
	if a := actionNamed(panel.Actions, "refuse-decision"); a == nil || a.Allowed || !strings.Contains(a.Reason, want) {
		t.Errorf("the chair's refusal is offered as %+v", a)
	}
	chair, _ := signInAs(t, srv.URL, "chair@programme.example")
	_, page := read(t)(chair.Get(srv.URL + "/competitions/" + strconv.Itoa(w.CompA.ID) + "/panel"))
	wantIn(t, "the chair's panel page", page, "You cannot approve this decision: "+want)
	if strings.Contains(page, "Send your answer") || strings.Contains(page, "Refuse it, and send it back") {
		t.Error("the chair's page offers an answer the service refuses")
	}

	// The programme moderates no score of Acme's bid.
	var sheet api.PanelView
	rec = w.Do(Officer, http.MethodGet, "/api/v1/competitions/"+strconv.Itoa(w.CompA.ID)+"/panel", "")
	if err := json.Unmarshal(rec.Body.Bytes(), &sheet); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("the programme's panel sheet: %d %v", rec.Code, err)
	}
	moderated := 0
	for _, row := range sheet.Rows {
		for _, a := range row.AssessorScores {
			if row.BidID == w.BidAcme.ID {
				moderated++
				refused(Officer, "exclusion", a.Actions, "exclude", http.MethodPost, fmt.Sprintf("/api/v1/assessments/%d/exclusion", a.AssessmentID), `{"reason": "Scored another bid."}`)
			}
		}
	}
	if moderated == 0 {
		t.Error("no score of Acme's bid on the panel sheet")
	}

	// Withdrawn, the interest stands in the way no more.
	if rec := w.Do(Finance, http.MethodPost, fmt.Sprintf("/api/v1/interests/%d/withdraw", declared[Finance]), ""); rec.Code != http.StatusOK {
		t.Fatalf("withdrawing: %d %s", rec.Code, rec.Body)
	}
	if a := actionNamed(milestoneOf(contract(Finance), 1).Actions, "pay"); a == nil || !a.Allowed {
		t.Errorf("after withdrawing, the payment is offered as %+v", a)
	}

	owner, _ := signInAs(t, srv.URL, "owner@anytown.gov.uk")
	code, page := read(t)(owner.Get(srv.URL + "/interests"))
	if code != http.StatusOK {
		t.Fatalf("the owner's interests page: %d", code)
	}
	wantIn(t, "the owner's interests", page, "Your declared interests", "Acme", "you take no action on that supplier's bids or contracts")
	if strings.Contains(page, "Confirm my declaration is complete") {
		t.Error("the owner is asked to renew an assessor's declaration")
	}
}

// TestNobodyDecidesTheEligibilityOfABidTheyDeclaredAnInterestIn: in the eligibility check, the
// programme person who declared an interest in Acme is shown why they cannot decide Acme's bid
// (and no form), the API's check says so, and the command refuses it in the same words; they
// still decide Binsight's.
func TestNobodyDecidesTheEligibilityOfABidTheyDeclaredAnInterestIn(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	fx := testdb.Fixture()
	w.DB.Competition.UpdateOne(w.CompA).SetStatus(domain.CompetitionEligibility).ExecX(fx)
	want := "you declared an interest in Acme"
	if rec := w.Do(Officer, http.MethodPost, "/api/v1/interests", fmt.Sprintf(`{"organisation_id": %d, "kind": "personal", "description": "My brother runs Acme"}`, w.BidAcme.OrganisationID)); rec.Code != http.StatusCreated {
		t.Fatalf("declaring: %d %s", rec.Code, rec.Body)
	}
	var check struct {
		Items []api.EligibilityView `json:"items"`
	}
	rec := w.Do(Officer, http.MethodGet, "/api/v1/competitions/"+strconv.Itoa(w.CompA.ID)+"/eligibility", "")
	if err := json.Unmarshal(rec.Body.Bytes(), &check); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("the check: %d %v", rec.Code, err)
	}
	for _, it := range check.Items {
		acme := it.BidID == w.BidAcme.ID
		if it.Actions.Allows("decide") == acme || acme && !strings.Contains(it.Actions.Why("decide"), want) {
			t.Errorf("bid %d's actions in the check: %+v", it.BidID, it.Actions)
		}
	}
	rec = w.Do(Officer, http.MethodPost, "/api/v1/bids/"+strconv.Itoa(w.BidAcme.ID)+"/eligibility", `{"eligible": false, "reason": "Late"}`)
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), want) {
		t.Errorf("deciding Acme's bid: %d %s", rec.Code, rec.Body)
	}
	admin, _ := signInAs(t, srv.URL, "officer@programme.example")
	_, page := read(t)(admin.Get(srv.URL + "/competitions/" + strconv.Itoa(w.CompA.ID)))
	wantIn(t, "the eligibility check", page, "You cannot decide this bid: "+want, `action="/bids/`+strconv.Itoa(w.BidBinsight.ID)+`/eligibility"`)
	if strings.Contains(page, `action="/bids/`+strconv.Itoa(w.BidAcme.ID)+`/eligibility"`) {
		t.Error("the page offers a decision on Acme's bid that the service refuses")
	}
	rec = w.Do(Officer, http.MethodPost, "/api/v1/bids/"+strconv.Itoa(w.BidBinsight.ID)+"/eligibility", `{"eligible": true, "reason": "Nothing missing"}`)
	if rec.Code != http.StatusOK {
		t.Errorf("deciding Binsight's bid: %d %s", rec.Code, rec.Body)
	}
}
