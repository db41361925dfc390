package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// A command that could not be delivered in time says "try again", never "finished"; one for a
// lifecycle that has finished says so.
func TestABusyLifecycleAsksToTryAgain(t *testing.T) {
	for _, err := range []error{
		fmt.Errorf("%w: not found", workflows.ErrBusy),
		fmt.Errorf("%w: no answer", workflows.ErrUnavailable),
	} {
		p, _ := ToProblem(err)
		if p.Status != 503 || p.Type != problemBase+"unavailable" {
			t.Errorf("%v: got %d %s, want 503 unavailable", err, p.Status, p.Type)
		}
	}
	p, _ := ToProblem(fmt.Errorf("%w: workflow execution already completed", workflows.ErrNotRunning))
	if p.Status != 409 || p.Type != problemBase+"lifecycle-not-running" {
		t.Errorf("a finished lifecycle: got %d %s, want 409 lifecycle-not-running", p.Status, p.Type)
	}
	// A command the record's state takes, whose lifecycle is not there yet, is sent again.
	p, _ = ToProblem(service.StillStarting(fmt.Errorf("%w: workflow not found for ID: contract-5", workflows.ErrNotRunning)))
	if p.Status != 503 {
		t.Errorf("a lifecycle still starting: got %d %s, want 503", p.Status, p.Type)
	}
}

// A draft's lifecycle starts when it is submitted, and a finished one has ended: a command for
// either is answered at once with the stage, without waiting on a workflow that is not there.
// (This server has no workflow service at all, so any wait would fail.)
func TestCommandsForAChallengeWithoutALifecycleNameItsStage(t *testing.T) {
	w := NewWorld(t)
	ctx := testdb.Fixture()
	rejected := w.DB.Challenge.UpdateOne(w.ChallengeA).SetStage(domain.ChallengeRejected).SaveX(ctx)
	cases := []struct {
		id         int
		path, body string
		want       string
	}{
		{w.ChallengeD.ID, "/selection", `{"select": true}`, "only a submitted challenge can be selected; this one is " + domain.ChallengeDraft.Label()},
		{w.ChallengeD.ID, "/selection", `{"select": false, "reason": "no"}`, "only a submitted challenge can be rejected"},
		{w.ChallengeD.ID, "/competitions", `{"summary": "s", "scope": "s", "closes_at": "2030-01-01T12:00:00Z", "clarification_closes_at": "2029-12-01T12:00:00Z",
			"questions": [{"key": "fit", "title": "Fit", "text": "Why?", "word_limit": 100, "weight": 10, "max": 10}]}`, "the phase 1 competition can only open from"},
		{rejected.ID, "/completion", `{"outcome": "adopted", "lesson": {"what_worked": "a", "what_failed": "b", "why": "c"}}`, "this one is " + domain.ChallengeRejected.Label()},
	}
	for _, c := range cases {
		rec := w.Do(Officer, http.MethodPost, fmt.Sprintf("/api/v1/challenges/%d%s", c.id, c.path), c.body)
		if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "invalid-transition") || !strings.Contains(rec.Body.String(), c.want) {
			t.Errorf("POST %s on a %s challenge: %d %s, want 409 invalid-transition saying %q", c.path,
				w.DB.Challenge.GetX(ctx, c.id).Stage, rec.Code, rec.Body, c.want)
		}
	}
}

// The gate needs its evidence, and names what is missing: the challenge-level decision, the
// end-of-phase report, the show-and-tell and the owner's recommendation. The contract's record
// answers at once; the gate's own transaction checks the report again, because the workflow
// may not yet have heard of a report that has just been recorded.
func TestTheGateAsksForItsEvidenceFirst(t *testing.T) {
	w := NewWorld(t)
	ctx := testdb.Fixture()
	gate := func() (int, string) {
		rec := w.Do(Officer, http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/gate", w.ContractAcme.ID), `{"outcome": "continue", "rationale": "Good"}`)
		return rec.Code, rec.Body.String()
	}
	code, body := gate()
	for _, want := range []string{"evidence-missing", "the challenge-level go or no-go", "the end-of-phase report", "the show-and-tell", "the challenge owner's recommendation"} {
		if code != http.StatusConflict || !strings.Contains(body, want) {
			t.Errorf("gate with no evidence: %d %s, want 409 naming %q", code, body, want)
		}
	}
	// With the challenge's go, the report and the show-and-tell in, only the recommendation is missing.
	w.DB.Challenge.UpdateOne(w.ChallengeA).SetGateGo(domain.GateGo).ExecX(ctx)
	w.DB.Contract.UpdateOne(w.ContractAcme).SetStatus(domain.ContractReported).SetReportedAt(time.Now()).ExecX(ctx)
	w.DB.ShowAndTell.Create().SetContractID(w.ContractAcme.ID).SetAt(time.Now()).SetPlace("Room 1").SetHeldAt(time.Now()).ExecX(ctx)
	code, body = gate()
	if code != http.StatusConflict || !strings.Contains(body, "the gate needs the challenge owner's recommendation first") || strings.Contains(body, "end-of-phase report") {
		t.Errorf("gate without the recommendation: %d %s", code, body)
	}
	// The contract's page lists the same evidence, with the recommendation missing.
	rec := w.Do(Officer, http.MethodGet, fmt.Sprintf("/api/v1/contracts/%d", w.ContractAcme.ID), "")
	if !strings.Contains(rec.Body.String(), `"gate_missing":["the challenge owner's recommendation"]`) {
		t.Errorf("the contract's JSON: %s", rec.Body)
	}
}
