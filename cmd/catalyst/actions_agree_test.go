package main

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"
)

// actionCommand is how an action is sent through the API: its method and path (%d is the
// record) and a body a person would send, right in itself, so that only the record's state (or
// who is asking) can refuse it; or, where the body is drawn from the record, how to send it.
type actionCommand struct {
	method, path string
	body         func() any
	send         func(c *apiClient, id int) error
}

// sendCommand sends the action's command for the record id as c.
func sendCommand(c *apiClient, cmd actionCommand, id int) error {
	if cmd.send != nil {
		return cmd.send(c, id)
	}
	return c.call(cmd.method, fmt.Sprintf(cmd.path, id), cmd.body(), nil)
}

// sender is a command whose request is built from what the person reads first.
func sender(send func(c *apiClient, id int) error) actionCommand { return actionCommand{send: send} }

func noBody() any { return nil }

func body(b map[string]any) func() any { return func() any { return b } }

// commandOf is each action's command, keyed "kind action" as the model names them.
var commandOf = map[string]actionCommand{
	"interview schedule-interview": {method: http.MethodPut, path: "/api/v1/bids/%d/interview-slot", body: func() any {
		return map[string]any{"at": time.Now().Add(7 * 24 * time.Hour), "place": "Anytown Council offices, room 2"}
	}},
	"interview score-interview": {method: http.MethodPut, path: "/api/v1/bids/%d/interview-score", body: body(map[string]any{"percent": 75, "note": "Clear answers to the panel."})},
	"challenge delegates": sender(func(c *apiClient, id int) error {
		var ch struct {
			Delegates []struct {
				PersonID int `json:"person_id"`
			} `json:"delegates"`
			Candidates []struct {
				PersonID int `json:"person_id"`
			} `json:"delegate_candidates"`
		}
		if err := c.call(http.MethodGet, fmt.Sprintf("/api/v1/challenges/%d", id), nil, &ch); err != nil {
			return err
		}
		path, person := "/api/v1/challenges/%d/delegates", 0
		switch {
		case len(ch.Candidates) > 0:
			person = ch.Candidates[0].PersonID
		case len(ch.Delegates) > 0:
			path, person = "/api/v1/challenges/%d/delegates/removal", ch.Delegates[0].PersonID
		}
		return c.call(http.MethodPost, fmt.Sprintf(path, id), map[string]any{"person_id": person}, nil)
	}),
	"challenge edit": sender(func(c *apiClient, id int) error {
		return c.edit(fmt.Sprintf("/api/v1/challenges/%d", id), map[string]any{"user_need": "As a resident I need to know."}, nil)
	}),
	"challenge submit": {method: http.MethodPost, path: "/api/v1/challenges/%d/submit", body: noBody},
	"challenge screen": sender(func(c *apiClient, id int) error {
		var criteria struct {
			Items []struct {
				ID int `json:"id"`
			} `json:"items"`
		}
		if err := c.call(http.MethodGet, "/api/v1/screening-criteria", nil, &criteria); err != nil {
			return err
		}
		results := []map[string]any{}
		for _, cr := range criteria.Items {
			results = append(results, map[string]any{"criterion_id": cr.ID, "met": true, "note": "It meets it."})
		}
		return c.call(http.MethodPost, fmt.Sprintf("/api/v1/challenges/%d/screening", id), map[string]any{"results": results}, nil)
	}),
	"challenge select":   {method: http.MethodPost, path: "/api/v1/challenges/%d/selection", body: body(map[string]any{"select": true, "round_id": 1})},
	"challenge setup":    {method: http.MethodPost, path: "/api/v1/challenges/%d/competition-setup", body: noBody},
	"challenge complete": {method: http.MethodPost, path: "/api/v1/challenges/%d/completion", body: body(map[string]any{"outcome": "adopted", "lesson": lesson})},
	"challenge gate": {method: http.MethodPost, path: "/api/v1/challenges/%d/gate", body: body(map[string]any{"decision": "go",
		"criteria": []string{"success", "budget", "standards"}, "rationale": "The trial worked."})},
	"competition ask": {method: http.MethodPost, path: "/api/v1/competitions/%d/clarifications", body: body(map[string]any{"question": "May we bid with a partner?"})},
	"competition amend": sender(func(c *apiClient, id int) error {
		var comp struct {
			Scheme struct {
				Criteria []map[string]any `json:"criteria"`
			} `json:"scheme"`
		}
		if err := c.call(http.MethodGet, fmt.Sprintf("/api/v1/competitions/%d", id), nil, &comp); err != nil {
			return err
		}
		if len(comp.Scheme.Criteria) > 0 {
			guidance, _ := comp.Scheme.Criteria[0]["guidance"].(string)
			comp.Scheme.Criteria[0]["guidance"] = guidance + " Say what you would measure."
		}
		return c.call(http.MethodPost, fmt.Sprintf("/api/v1/competitions/%d/amendments", id),
			map[string]any{"questions": comp.Scheme.Criteria, "reason": "A clearer question."}, nil)
	}),
	"competition set-up": {method: http.MethodPost, path: "/api/v1/competitions/%d/setup", body: body(map[string]any{"details": map[string]any{
		"summary": "Find who needs help early.", "scope": "Any approach that works with the council's data.", "fields": []string{"Local services"}}})},
	"competition decide-eligibility": sender(func(c *apiClient, id int) error {
		var sheet struct {
			Items []struct {
				BidID  int    `json:"bid_id"`
				Status string `json:"status"`
			} `json:"items"`
		}
		if err := c.call(http.MethodGet, fmt.Sprintf("/api/v1/competitions/%d/eligibility", id), nil, &sheet); err != nil {
			return err
		}
		if len(sheet.Items) == 0 {
			return fmt.Errorf("competition %d has no bid to decide", id)
		}
		return c.call(http.MethodPost, fmt.Sprintf("/api/v1/bids/%d/eligibility", sheet.Items[0].BidID),
			map[string]any{"eligible": true, "reason": "It meets the rules."}, nil)
	}),
	"competition extend": {method: http.MethodPost, path: "/api/v1/competitions/%d/extensions", body: func() any {
		return map[string]any{"closes_at": time.Now().Add(60 * 24 * time.Hour), "reason": "More time for bidders."}
	}},
	"competition finish-eligibility": {method: http.MethodPost, path: "/api/v1/competitions/%d/eligibility/finish", body: noBody},
	"competition start-bid":          {method: http.MethodPost, path: "/api/v1/competitions/%d/bids", body: body(map[string]any{"title": "Another idea"})},
	"competition decide": {method: http.MethodPost, path: "/api/v1/competitions/%d/decision", body: body(map[string]any{
		"lowered_minimum": map[string]any{"minimum": 0, "reason": "Two assessors fell ill; the panel decides on the scores it has."}})},
	"competition approve-decision": {method: http.MethodPost, path: "/api/v1/competitions/%d/decision/approval",
		body: body(map[string]any{"approve": true, "reason": "The ranking holds."})},
	"competition withdraw-proposal": {method: http.MethodPost, path: "/api/v1/competitions/%d/decision/withdrawal",
		body: body(map[string]any{"reason": "A score is to be looked at again."})},
	"competition refuse-decision": {method: http.MethodPost, path: "/api/v1/competitions/%d/decision/approval",
		body: body(map[string]any{"approve": false, "reason": "Look at the second bid again."})},
	"competition release": {method: http.MethodPost, path: "/api/v1/competitions/%d/feedback-release", body: noBody},
	"score exclude":       {method: http.MethodPost, path: "/api/v1/assessments/%d/exclusion", body: body(map[string]any{"reason": "Scored another bid."})},
	"score include":       {method: http.MethodDelete, path: "/api/v1/assessments/%d/exclusion", body: noBody},
	"score send-back":     {method: http.MethodPost, path: "/api/v1/assessments/%d/return", body: body(map[string]any{"note": "Look again."})},
	"contract schedule-show-and-tell": {method: http.MethodPut, path: "/api/v1/contracts/%d/show-and-tell", body: func() any {
		return map[string]any{"at": time.Now().Add(7 * 24 * time.Hour), "place": "Anytown Town Hall, room 2"}
	}},
	"contract accept": {method: http.MethodPost, path: "/api/v1/contracts/%d/acceptance", body: noBody},
	"contract report": {method: http.MethodPost, path: "/api/v1/contracts/%d/report", body: func() any { return fullReport("What the phase showed.") }},
	"contract record-show-and-tell": {method: http.MethodPost, path: "/api/v1/contracts/%d/show-and-tell/record", body: func() any {
		return map[string]any{"held_at": time.Now().Add(-time.Minute), "attended": "Tom, Priya", "notes": "Shown."}
	}},
	"contract recommend": sender(func(c *apiClient, id int) error {
		return c.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/recommendation", id), map[string]any{"outcome": phaseOutcome(c, id), "reason": "It works."}, nil)
	}),
	"contract adjust-terms": sender(func(c *apiClient, id int) error {
		var k struct {
			TermWeeks  int              `json:"term_weeks"`
			Milestones []map[string]any `json:"milestones"`
		}
		if err := c.call(http.MethodGet, fmt.Sprintf("/api/v1/contracts/%d", id), nil, &k); err != nil {
			return err
		}
		var milestones []map[string]any
		for _, m := range k.Milestones {
			milestones = append(milestones, map[string]any{"deliverable": m["deliverable"], "success_criteria": m["success_criteria"],
				"month": m["month"], "amount_pence": m["amount_pence"]})
		}
		return c.call(http.MethodPut, fmt.Sprintf("/api/v1/contracts/%d/terms", id), map[string]any{"term_weeks": k.TermWeeks + 2, "milestones": milestones}, nil)
	}),
	"contract gate": sender(func(c *apiClient, id int) error {
		return c.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/gate", id), map[string]any{"outcome": phaseOutcome(c, id), "rationale": "It works."}, nil)
	}),
	"contract review-midpoint":     {method: http.MethodPost, path: "/api/v1/contracts/%d/midpoint-review", body: body(map[string]any{"rag": "green", "rag_note": "On track."})},
	"milestone submit-deliverable": {method: http.MethodPost, path: "/api/v1/milestones/%d/deliverable", body: body(map[string]any{"note": "Attached."})},
	"milestone review":             {method: http.MethodPost, path: "/api/v1/milestones/%d/review", body: body(map[string]any{"accept": true, "reason": "It meets the criteria."})},
	"milestone pay":                {method: http.MethodPost, path: "/api/v1/milestones/%d/payment", body: noBody},
	"bid edit": sender(func(c *apiClient, id int) error {
		return c.overwrite(http.MethodPut, fmt.Sprintf("/api/v1/bids/%d/tasks/about", id), map[string]any{"summary": "A clearer summary."}, nil)
	}),
	"bid submit":          {method: http.MethodPost, path: "/api/v1/bids/%d/submit", body: noBody},
	"bid confirm":         {method: http.MethodPost, path: "/api/v1/bids/%d/confirm", body: noBody},
	"bid reopen":          {method: http.MethodPost, path: "/api/v1/bids/%d/reopen", body: noBody},
	"bid withdraw":        {method: http.MethodPost, path: "/api/v1/bids/%d/withdraw", body: noBody},
	"assignment accept":   {method: http.MethodPost, path: "/api/v1/assignments/%d/accept", body: noBody},
	"assignment decline":  {method: http.MethodPost, path: "/api/v1/assignments/%d/decline", body: body(map[string]any{"for": "capacity", "reason": "No time."})},
	"assignment score":    {method: http.MethodPut, path: "/api/v1/assignments/%d/draft", body: body(map[string]any{"in_scope": true})},
	"person deactivate":   {method: http.MethodPost, path: "/api/v1/people/%d/deactivate", body: noBody},
	"person end-sessions": {method: http.MethodPost, path: "/api/v1/people/%d/end-sessions", body: noBody},
	"correction answer": {method: http.MethodPost, path: "/api/v1/corrections/%d/answer",
		body: body(map[string]any{"corrected": true, "answer": "Your sign-in address is changed."})},
	"person change": {method: http.MethodPost, path: "/api/v1/people/%d", body: body(map[string]any{"roles": []string{"assessor"}})},
}

type actionJSON struct {
	Name    string `json:"name"`
	Allowed bool   `json:"allowed"`
	Reason  string `json:"reason"`
}

// visitFunc is given each record's actions as one read shows them; it answers whether it
// changed anything, and then the walk leaves the rest of that read (a contract's milestones)
// for the next pass, when they are read again.
type visitFunc func(kind string, id int, actions []actionJSON) (changed bool)

// walkRecords reads every record the person can act on, with its actions, and gives each to visit.
func walkRecords(t *testing.T, c *apiClient, email string, visit visitFunc) {
	t.Helper()
	get := func(path string, out any) {
		t.Helper()
		if err := c.call(http.MethodGet, path, nil, out); err != nil {
			t.Fatalf("%s: %v", email, err)
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
		visit("challenge", it.ID, ch.Actions)
		for _, comp := range ch.Competitions {
			var cv struct {
				Actions []actionJSON `json:"actions"`
				Status  string       `json:"status"`
				Scheme  struct {
					InterviewWeight int `json:"interview_weight"`
				} `json:"scheme"`
			}
			get(fmt.Sprintf("/api/v1/competitions/%d", comp.ID), &cv)
			visit("competition", comp.ID, cv.Actions)
			interviews := cv.Scheme.InterviewWeight > 0 && (cv.Status == "assessment" || cv.Status == "decided")
			if interviews && (email == demoOfficer || email == demoPanel) {
				var iv struct {
					Shortlist []struct {
						BidID   int          `json:"bid_id"`
						Actions []actionJSON `json:"actions"`
					} `json:"shortlist"`
				}
				get(fmt.Sprintf("/api/v1/competitions/%d/interviews", comp.ID), &iv)
				for _, b := range iv.Shortlist {
					visit("interview", b.BidID, b.Actions)
				}
			}
			if email != demoOfficer && email != demoChair && email != demoBudget && email != demoPanel {
				continue // the panel sheet is the programme's, the panel's and its approvers'
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
					visit("score", a.AssessmentID, a.Actions)
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
		if visit("contract", it.ID, k.Actions) {
			continue
		}
		for _, m := range k.Milestones {
			visit("milestone", m.ID, m.Actions)
		}
	}
	if strings.Contains(email, "@acme") || strings.Contains(email, "@binsight") || strings.Contains(email, "@civicsense") {
		var bids struct {
			Items []struct {
				ID int `json:"id"`
			} `json:"items"`
		}
		get("/api/v1/bids?limit=200", &bids)
		for _, b := range bids.Items {
			var bv struct {
				Actions []actionJSON `json:"actions"`
			}
			get(fmt.Sprintf("/api/v1/bids/%d", b.ID), &bv)
			visit("bid", b.ID, bv.Actions)
		}
	}
	if strings.Contains(email, "@assessors") {
		var assignments struct {
			Items []struct {
				ID int `json:"id"`
			} `json:"items"`
		}
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
			visit("assignment", a.ID, av.Actions)
		}
	}
	if email == demoOfficer || email == demoAdmin {
		var corrections struct {
			Items []struct {
				ID      int          `json:"id"`
				Actions []actionJSON `json:"actions"`
			} `json:"items"`
		}
		get("/api/v1/corrections", &corrections)
		for _, r := range corrections.Items {
			visit("correction", r.ID, r.Actions)
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
		visit("person", p.ID, p.Actions)
	}
}

// checkRefusalsAgree walks every record each demo person can read, and sends each action the
// model refuses them: the command must refuse it too, with the model's reason.
func checkRefusalsAgree(t *testing.T, anon *apiClient, people []string) {
	t.Helper()
	checked := map[string]int{}
	for _, email := range people {
		c, err := anon.as(email)
		if err != nil {
			t.Fatal(err)
		}
		walkRecords(t, c, email, func(kind string, id int, actions []actionJSON) bool {
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
				err := sendCommand(c, cmd, id)
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
			return false
		})
	}
	if len(checked) < 10 {
		t.Errorf("only %d kinds of refusal met in the demo: %v", len(checked), checked)
	}
	t.Logf("refusals sent, by action: %v", checked)
}

// phaseOutcome is the good outcome of a contract's phase at the gate: continue after phase 1,
// complete after phase 2.
func phaseOutcome(c *apiClient, id int) string {
	var k struct {
		Phase int `json:"phase"`
	}
	if err := c.call(http.MethodGet, fmt.Sprintf("/api/v1/contracts/%d", id), nil, &k); err != nil || k.Phase == 1 {
		return "continue"
	}
	return "complete"
}

// endsIt are the actions after which a record offers this person nothing more.
var endsIt = map[string]bool{"decline": true, "withdraw": true, "deactivate": true, "refuse-decision": true}

// checkAllowedAreTaken then sends what the model allows, person by person, each record's
// actions read afresh before each is sent: the command must take it. This changes the demo, so
// it runs after every other check. A record that changes is read again in the next pass, until
// a pass finds nothing new to send. People's own records go last (the admin may deactivate
// the others), once everyone has taken the rest.
func checkAllowedAreTaken(t *testing.T, anon *apiClient, people []string) {
	t.Helper()
	taken := map[string]int{}
	// The programme does not withdraw the proposals it makes here, so that the approvers answer
	// them (TestTheProgrammeWithdrawsItsProposal takes the withdrawal).
	for pass, people := range [][]string{people, {demoAdmin}} {
		last := pass == 1
		for _, email := range people {
			takeAllowed(t, anon, email, taken, func(kind, action string) bool {
				return (kind == "person") == last && action != "withdraw-proposal"
			})
		}
	}
	if len(taken) < 10 {
		t.Errorf("only %d kinds of allowed action met in the demo: %v", len(taken), taken)
	}
	t.Logf("allowed actions taken, by action: %v", taken)
}

// takeAllowed sends each allowed action that take chooses, by the record's kind and the
// action's name, as email.
func takeAllowed(t *testing.T, anon *apiClient, email string, taken map[string]int, take func(kind, action string) bool) {
	t.Helper()
	c, err := anon.as(email)
	if err != nil {
		t.Fatal(err)
	}
	sent := map[string]bool{}
	for pass := 1; ; pass++ {
		if pass > 20 {
			t.Fatalf("%s: still sending allowed actions after 20 passes", email)
		}
		any := false
		walkRecords(t, c, email, func(kind string, id int, actions []actionJSON) bool {
			t.Helper()

			// What ends a record's story for this person goes last, so the rest is sent first.
			ordered := append([]actionJSON{}, actions...)
			sort.SliceStable(ordered, func(i, j int) bool { return !endsIt[ordered[i].Name] && endsIt[ordered[j].Name] })
			for _, a := range ordered {
				key := fmt.Sprintf("%s %d %s", kind, id, a.Name)
				if !a.Allowed || sent[key] || !take(kind, a.Name) {
					continue
				}
				sent[key] = true
				cmd, ok := commandOf[kind+" "+a.Name]
				if !ok {
					t.Errorf("%s: %s %d allows %q, and the test has no command for it", email, kind, id, a.Name)
					continue
				}
				if err := sendCommand(c, cmd, id); err != nil {
					t.Errorf("%s: %s %d: the model allows %q, and the command refused it: %v", email, kind, id, a.Name, err)
					continue
				}
				taken[kind+" "+a.Name]++
				any = true
				return true // the record has changed: the rest of this read is stale
			}
			return false
		})
		if !any {
			return
		}
	}
}
