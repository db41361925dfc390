package workflows_test

import (
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/worker"

	"github.com/catalyst-sbri/catalyst/workflows"
)

// TestReplayRecordedHistories replays histories recorded from the real stack (by the end-to-end
// test with CATALYST_RECORD_HISTORIES=1) against today's workflow code. A change that would
// break a running competition fails here: put it behind workflow.GetVersion.
//
// testdata/*.json are recorded from today's code; testdata/v1/ holds those recorded before
// versionNoReportSignal, testdata/v2/ those before versionScheduledOpen (and deadline
// extensions), testdata/v3/ those before versionReminders and testdata/v4/ those before
// versionContractTimers, testdata/v5/ the mail workflow's from before its loop was shared
// with the webhook workflow, testdata/v6/ the lifecycle's from before versionAssessedInRecords,
// and testdata/v7/ the mail and webhook workflows' from before versionSendInBatches: runs that
// may still be in flight somewhere. Keep every generation:
// each is a run a deploy must not break.
func TestReplayRecordedHistories(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil {
		t.Fatal(err)
	}
	older, err := filepath.Glob("testdata/*/*.json")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"challenge-phase1.json": false, "challenge-nogo.json": false, "challenge-phase2.json": false, "competition.json": false, "contract.json": false, "mail.json": false, "webhooks.json": false, "retention.json": false}
	for _, f := range files {
		want[filepath.Base(f)] = true
	}
	for _, f := range append(files, older...) {
		t.Run(f, func(t *testing.T) {
			r := worker.NewWorkflowReplayer()
			r.RegisterWorkflow(workflows.ChallengeWorkflow)
			r.RegisterWorkflow(workflows.CompetitionWorkflow)
			r.RegisterWorkflow(workflows.ContractWorkflow)
			r.RegisterWorkflow(workflows.MailWorkflow)
			r.RegisterWorkflow(workflows.WebhookWorkflow)
			r.RegisterWorkflow(workflows.RetentionWorkflow)
			if err := r.ReplayWorkflowHistoryFromJSONFile(nil, f); err != nil {
				t.Fatal(err)
			}
		})
	}
	for name, found := range want {
		if !found {
			t.Errorf("no recorded history testdata/%s from today's code: every workflow type needs one", name)
		}
	}
	if len(older) < 23 {
		t.Errorf("older generations of histories are gone (%d found in testdata/v1 to v7)", len(older))
	}
}
