package workflows_test

import (
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent/auditevent"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/worker"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// TestARetentionRunIsJudgedAtTheWorkflowsTime: the run's time is the workflow's own (so a
// replay, or a run the schedule caught up late, judges what is due as of when it was started),
// and the run is in the audit trail.
func TestARetentionRunIsJudgedAtTheWorkflowsTime(t *testing.T) {
	db := testdb.Open(t)
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	at := time.Date(2031, 3, 4, 2, 0, 0, 0, time.UTC)
	env.SetStartTime(at)
	worker.Register(env, &activities.Activities{DB: db})
	env.ExecuteWorkflow(workflows.RetentionWorkflow, workflows.RetentionInput{})
	var r activities.RetentionReport
	if err := env.GetWorkflowResult(&r); err != nil {
		t.Fatal(err)
	}
	if !r.At.Equal(at) || r.DryRun {
		t.Errorf("the run was judged at %s (dry %v), want %s", r.At, r.DryRun, at)
	}
	if n := db.AuditEvent.Query().Where(auditevent.Action("retention.run")).CountX(authz.AsSystem(testdb.Fixture(), "test")); n != 1 {
		t.Errorf("%d runs in the trail, want 1", n)
	}
}
