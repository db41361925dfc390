package main

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// refusedCommand is how an action is sent through the API: its method and path (%d is the
// record) and a body a person would send, right in itself, so that only the record's state (or
// who is asking) can refuse it.
type refusedCommand struct {
	method, path string
	body         func() any
}

func noBody() any { return nil }

func body(b map[string]any) func() any { return func() any { return b } }

// commandOf is each action's command, keyed "kind action" as the model names them.
var commandOf = map[string]refusedCommand{
	"challenge edit":   {http.MethodPatch, "/api/v1/challenges/%d", body(map[string]any{"user_need": "As a resident I need to know."})},
	"challenge submit": {http.MethodPost, "/api/v1/challenges/%d/submit", noBody},
	"challenge screen": {http.MethodPost, "/api/v1/challenges/%d/screening", body(map[string]any{
		"results": []map[string]any{{"criterion_id": 1, "met": true, "note": "It meets it."}}})},
	"challenge select":   {http.MethodPost, "/api/v1/challenges/%d/selection", body(map[string]any{"select": true, "round_id": 1})},
	"challenge setup":    {http.MethodPost, "/api/v1/challenges/%d/competition-setup", noBody},
	"challenge complete": {http.MethodPost, "/api/v1/challenges/%d/completion", body(map[string]any{"outcome": "adopted", "lesson": lesson})},
	"challenge gate": {http.MethodPost, "/api/v1/challenges/%d/gate", body(map[string]any{"decision": "go",
		"criteria": []string{"success", "budget", "standards"}, "rationale": "The trial worked."})},
	"competition ask":   {http.MethodPost, "/api/v1/competitions/%d/clarifications", body(map[string]any{"question": "May we bid with a partner?"})},
	"competition amend": {http.MethodPost, "/api/v1/competitions/%d/amendments", func() any { return map[string]any{"questions": defaultQuestions(), "reason": "A clearer question."} }},
	"competition extend": {http.MethodPost, "/api/v1/competitions/%d/extensions", func() any {
		return map[string]any{"closes_at": time.Now().Add(60 * 24 * time.Hour), "reason": "More time for bidders."}
	}},
	"competition finish-eligibility": {http.MethodPost, "/api/v1/competitions/%d/eligibility/finish", noBody},
	"competition start-bid":          {http.MethodPost, "/api/v1/competitions/%d/bids", body(map[string]any{"title": "Another idea"})},
	"competition decide":             {http.MethodPost, "/api/v1/competitions/%d/decision", body(map[string]any{})},
	"competition release":            {http.MethodPost, "/api/v1/competitions/%d/feedback-release", noBody},
	"score exclude":                  {http.MethodPost, "/api/v1/assessments/%d/exclusion", body(map[string]any{"reason": "Scored another bid."})},
	"score include":                  {http.MethodDelete, "/api/v1/assessments/%d/exclusion", noBody},
	"score send-back":                {http.MethodPost, "/api/v1/assessments/%d/return", body(map[string]any{"note": "Look again."})},
	"contract accept":                {http.MethodPost, "/api/v1/contracts/%d/acceptance", noBody},
	"contract report":                {http.MethodPost, "/api/v1/contracts/%d/report", func() any { return fullReport("What the phase showed.") }},
	"contract record-show-and-tell": {http.MethodPost, "/api/v1/contracts/%d/show-and-tell/record", func() any {
		return map[string]any{"held_at": time.Now().Add(-time.Minute), "attended": "Tom, Priya", "notes": "Shown."}
	}},
	"contract recommend":           {http.MethodPost, "/api/v1/contracts/%d/recommendation", body(map[string]any{"outcome": "continue", "reason": "It works."})},
	"contract gate":                {http.MethodPost, "/api/v1/contracts/%d/gate", body(map[string]any{"outcome": "continue", "rationale": "It works."})},
	"contract review-midpoint":     {http.MethodPost, "/api/v1/contracts/%d/midpoint-review", body(map[string]any{"rag": "green", "rag_note": "On track."})},
	"milestone submit-deliverable": {http.MethodPost, "/api/v1/milestones/%d/deliverable", body(map[string]any{"note": "Attached."})},
	"milestone review":             {http.MethodPost, "/api/v1/milestones/%d/review", body(map[string]any{"accept": true, "reason": "It meets the criteria."})},
	"milestone pay":                {http.MethodPost, "/api/v1/milestones/%d/payment", noBody},
	"bid submit":                   {http.MethodPost, "/api/v1/bids/%d/submit", noBody},
	"bid confirm":                  {http.MethodPost, "/api/v1/bids/%d/confirm", noBody},
	"bid reopen":                   {http.MethodPost, "/api/v1/bids/%d/reopen", noBody},
	"bid withdraw":                 {http.MethodPost, "/api/v1/bids/%d/withdraw", noBody},
	"assignment accept":            {http.MethodPost, "/api/v1/assignments/%d/accept", noBody},
	"assignment decline":           {http.MethodPost, "/api/v1/assignments/%d/decline", body(map[string]any{"for": "capacity", "reason": "No time."})},
	"assignment score":             {http.MethodPut, "/api/v1/assignments/%d/draft", body(map[string]any{"in_scope": true})},
	"person deactivate":            {http.MethodPost, "/api/v1/people/%d/deactivate", noBody},
	"person change":                {http.MethodPost, "/api/v1/people/%d", body(map[string]any{"roles": []string{"assessor"}})},
}

type actionJSON struct {
	Name    string `json:"name"`
	Allowed bool   `json:"allowed"`
	Reason  string `json:"reason"`
}

// checkRefusalsAgree walks every record each demo person can read, and sends each action the
// model refuses them: the command must refuse it too, with the model's reason. (What the model
// allows is taken by its command in the end-to-end test and the service's tests; sending it here
// would change the demo under the other checks.)
func checkRefusalsAgree(t *testing.T, anon *apiClient, people []string) {
	t.Helper()
	checked := map[string]int{}
	for _, email := range people {
		c, err := anon.as(email)
		if err != nil {
			t.Fatal(err)
		}
		get := func(path string, out any) {
			t.Helper()
			if err := c.call(http.MethodGet, path, nil, out); err != nil {
				t.Fatalf("%s: %v", email, err)
			}
		}
		try := func(kind string, id int, actions []actionJSON) {
			t.Helper()
			for _, a := range actions {
				if a.Allowed {
					continue
				}
				cmd, ok := commandOf[kind+" "+a.Name]
				if !ok {
					t.Errorf("%s: %s %d refuses %q (%s), and the test has no command for it", email, kind, id, a.Name, a.Reason)
					continue
				}
				err := c.call(cmd.method, fmt.Sprintf(cmd.path, id), cmd.body(), nil)
				var e *apiError
				switch {
				case err == nil:
					t.Errorf("%s: %s %d: the model refuses %q (%s), and the command took it", email, kind, id, a.Name, a.Reason)
				case !errors.As(err, &e) || e.Status < 400 || e.Status >= 500:
					t.Errorf("%s: %s %d %q: %v", email, kind, id, a.Name, err)
				case !strings.Contains(e.Detail, a.Reason):
					t.Errorf("%s: %s %d %q: the model says %q, the command %d %q", email, kind, id, a.Name, a.Reason, e.Status, e.Detail)
				default:
					checked[kind+" "+a.Name]++
				}
			}
		}
		var challenges struct {
			Items []struct {
				ID int `json:"id"`
			} `json:"items"`
		}
		get("/api/v1/challenges?limit=200", &challenges)
		for _, it := range challenges.Items {
			var ch struct {
				Actions      []actionJSON `json:"actions"`
				Competitions []struct {
					ID int `json:"id"`
				} `json:"competitions"`
			}
			get(fmt.Sprintf("/api/v1/challenges/%d", it.ID), &ch)
			try("challenge", it.ID, ch.Actions)
			for _, comp := range ch.Competitions {
				var cv struct {
					Actions []actionJSON `json:"actions"`
				}
				get(fmt.Sprintf("/api/v1/competitions/%d", comp.ID), &cv)
				try("competition", comp.ID, cv.Actions)
				if email != demoAdmin {
					continue // the panel sheet is the programme's
				}
				var panel struct {
					Rows []struct {
						Assessors []struct {
							AssessmentID int          `json:"assessment_id"`
							Actions      []actionJSON `json:"actions"`
						} `json:"assessors"`
					} `json:"rows"`
				}
				get(fmt.Sprintf("/api/v1/competitions/%d/panel", comp.ID), &panel)
				for _, r := range panel.Rows {
					for _, a := range r.Assessors {
						try("score", a.AssessmentID, a.Actions)
					}
				}
			}
		}
		var contracts struct {
			Items []struct {
				ID int `json:"id"`
			} `json:"items"`
		}
		get("/api/v1/contracts?limit=200", &contracts)
		for _, it := range contracts.Items {
			var k struct {
				Actions    []actionJSON `json:"actions"`
				Milestones []struct {
					ID      int          `json:"id"`
					Actions []actionJSON `json:"actions"`
				} `json:"milestones"`
			}
			get(fmt.Sprintf("/api/v1/contracts/%d", it.ID), &k)
			try("contract", it.ID, k.Actions)
			for _, m := range k.Milestones {
				try("milestone", m.ID, m.Actions)
			}
		}
		var bids struct {
			Items []struct {
				ID      int          `json:"id"`
				Actions []actionJSON `json:"actions"`
			} `json:"items"`
		}
		if strings.Contains(email, "@acme") || strings.Contains(email, "@binsight") || strings.Contains(email, "@civicsense") {
			get("/api/v1/bids?limit=200", &bids)
			for _, b := range bids.Items {
				var bv struct {
					Actions []actionJSON `json:"actions"`
				}
				get(fmt.Sprintf("/api/v1/bids/%d", b.ID), &bv)
				try("bid", b.ID, bv.Actions)
			}
		}
		var assignments struct {
			Items []struct {
				ID         int `json:"id"`
				AssessorID int `json:"assessor_id"`
			} `json:"items"`
		}
		if strings.Contains(email, "@assessors") {
			get("/api/v1/assignments?limit=200", &assignments)
			for _, a := range assignments.Items {
				var av struct {
					Actions []actionJSON `json:"actions"`
				}
				if err := c.call(http.MethodGet, fmt.Sprintf("/api/v1/assignments/%d", a.ID), nil, &av); err != nil {
					var e *apiError
					if errors.As(err, &e) && e.Status == http.StatusNotFound {
						continue // declined: the bid is no longer theirs to read
					}
					t.Fatal(err)
				}
				try("assignment", a.ID, av.Actions)
			}
		}
		var people struct {
			Items []struct {
				ID      int          `json:"id"`
				Actions []actionJSON `json:"actions"`
			} `json:"items"`
		}
		get("/api/v1/people", &people)
		for _, p := range people.Items {
			try("person", p.ID, p.Actions)
		}
	}
	if len(checked) < 10 {
		t.Errorf("only %d kinds of refusal met in the demo: %v", len(checked), checked)
	}
	t.Logf("refusals sent, by action: %v", checked)
}
