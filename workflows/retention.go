package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/catalyst-sbri/catalyst/activities"
)

// RetentionWorkflow is one run of the retention schedule: the Temporal schedule
// RetentionScheduleID starts it each night, and it deletes what is past its period
// (records.Retention) at the workflow's own time. The activity is idempotent, so its retries
// finish a run cut short.
func RetentionWorkflow(ctx workflow.Context, in RetentionInput) (activities.RetentionReport, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Hour,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Minute, MaximumInterval: time.Hour, MaximumAttempts: 10},
	})
	var out activities.RetentionReport
	err := workflow.ExecuteActivity(ctx, a.ApplyRetention, activities.RetentionInput{At: workflow.Now(ctx).UTC(), DryRun: in.DryRun}).Get(ctx, &out)
	return out, err
}
