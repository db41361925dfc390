package activities

import (
	"context"

	"github.com/catalyst-sbri/catalyst/records"
)

// The retention schedule's run, as the workflow names it (records.Retention does it).
type (
	RetentionInput  = records.RetentionInput
	RetentionReport = records.RetentionReport
	Bytes           = records.Bytes
)

// RetentionWorkflowID is the one workflow the schedule starts each night.
const RetentionWorkflowID = "retention"

// ApplyRetention runs the schedule: the activity the retention workflow runs each night.
func (a *Activities) ApplyRetention(ctx context.Context, in RetentionInput) (RetentionReport, error) {
	return records.Retention(ctx, a.DB, a.Docs, in)
}
