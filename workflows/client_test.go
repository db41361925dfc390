package workflows_test

import (
	"errors"
	"fmt"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"

	"github.com/catalyst-sbri/catalyst/workflows"
)

// A command is sent again only when Temporal's refusal will pass: the demo data once failed
// because a contract's workflow started between the refusal and the look-up, and the command
// was answered "finished" instead of being sent again.
func TestOnlyPassingRefusalsAreSentAgain(t *testing.T) {
	notFound := serviceerror.NewNotFound("workflow execution not found")
	is := func(st enumspb.WorkflowExecutionStatus) func() (enumspb.WorkflowExecutionStatus, error) {
		return func() (enumspb.WorkflowExecutionStatus, error) { return st, nil }
	}
	absent := func() (enumspb.WorkflowExecutionStatus, error) { return 0, notFound }
	cases := []struct {
		name   string
		err    error
		status func() (enumspb.WorkflowExecutionStatus, error)
		want   bool
	}{
		{"not started yet", notFound, absent, true},
		{"started since the refusal", notFound, is(enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING), true},
		{"a new run took over", serviceerror.NewNotFound("workflow update was aborted by closing workflow"), is(enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING), true},
		{"finished", notFound, is(enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED), false},
		{"terminated", notFound, is(enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED), false},
		{"a workflow task failed", fmt.Errorf("sending: %w", serviceerror.NewWorkflowNotReady("Unable to perform workflow execution update due to unexpected workflow task failure.")), nil, true},
		{"the look-up itself failed", notFound, func() (enumspb.WorkflowExecutionStatus, error) { return 0, serviceerror.NewUnavailable("down") }, false},
		{"refused by a validator", errors.New("the deadline must be at least 1h from now"), nil, false},
	}
	for _, c := range cases {
		if got := workflows.Passing(c.err, c.status); got != c.want {
			t.Errorf("%s: sent again = %v, want %v", c.name, got, c.want)
		}
	}
}
