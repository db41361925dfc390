package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"go.temporal.io/api/serviceerror"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// A command that could not be delivered in time says "try again", never "finished".
func TestABusyLifecycleAsksToTryAgain(t *testing.T) {
	for _, err := range []error{
		fmt.Errorf("%w: %w", workflows.ErrBusy, serviceerror.NewNotFound("workflow execution not found")),
		serviceerror.NewWorkflowNotReady("Workflow task is not scheduled yet."),
	} {
		p, _ := toProblem(err)
		if p.Status != 503 || p.Type != problemBase+"unavailable" {
			t.Errorf("%v: got %d %s, want 503 unavailable", err, p.Status, p.Type)
		}
	}
	p, _ := toProblem(serviceerror.NewNotFound("workflow execution already completed"))
	if p.Status != 409 || p.Type != problemBase+"lifecycle-not-running" {
		t.Errorf("a finished lifecycle: got %d %s, want 409 lifecycle-not-running", p.Status, p.Type)
	}
}

// A draft's lifecycle starts when it is submitted, and a finished one has ended: a command for
// either is answered at once with the stage, without waiting on a workflow that is not there.
// (This server has no workflow service at all, so any wait would fail.)
func TestCommandsForAChallengeWithoutALifecycleNameItsStage(t *testing.T) {
	w := newWorld(t)
	ctx := testdb.Fixture()
	rejected := w.db.Challenge.UpdateOne(w.challengeA).SetStage(domain.ChallengeRejected).SaveX(ctx)
	cases := []struct {
		id         int
		path, body string
		want       string
	}{
		{w.challengeD.ID, "/selection", `{"select": true}`, "only a submitted challenge can be selected; this one is " + domain.ChallengeDraft.Label()},
		{w.challengeD.ID, "/selection", `{"select": false, "reason": "no"}`, "only a submitted challenge can be rejected"},
		{w.challengeD.ID, "/competitions", `{"closes_at": "2030-01-01T12:00:00Z"}`, "the phase 1 competition can only open from"},
		{rejected.ID, "/completion", `{"outcome": "adopted"}`, "this one is " + domain.ChallengeRejected.Label()},
	}
	for _, c := range cases {
		rec := w.do(admin, http.MethodPost, fmt.Sprintf("/api/v1/challenges/%d%s", c.id, c.path), c.body)
		if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "invalid-transition") || !strings.Contains(rec.Body.String(), c.want) {
			t.Errorf("POST %s on a %s challenge: %d %s, want 409 invalid-transition saying %q", c.path,
				w.db.Challenge.GetX(ctx, c.id).Stage, rec.Code, rec.Body, c.want)
		}
	}
}

// The gate needs the end-of-phase report. The contract's record answers that at once; the
// gate's own transaction checks it again, because the workflow may not yet have heard of a
// report that has just been recorded.
func TestTheGateAsksForTheReportFirst(t *testing.T) {
	w := newWorld(t)
	rec := w.do(admin, http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/gate", w.contractAcme.ID), `{"outcome": "continue", "rationale": "Good"}`)
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "evidence-missing") || !strings.Contains(rec.Body.String(), "needs the end-of-phase report first") {
		t.Errorf("gate before the report: %d %s, want 409 evidence-missing", rec.Code, rec.Body)
	}
}
