package workflows

import (
	"errors"
	"testing"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/temporal"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/domain"
)

// A workflow's refusal reaches the service as the domain's own refusal, the same as if the
// service had judged it: the action, the state and the reason, or each field's problem.
func TestAWorkflowsRefusalIsTheDomainsOwn(t *testing.T) {
	_, judged := domain.ContractActive.Decide(domain.GateContinue, 1)
	got := translate(temporal.NewNonRetryableApplicationError(judged.Error(), activities.RefusalType(judged), nil, activities.RefusalDetails(judged)...))
	var te, want *domain.TransitionError
	errors.As(judged, &want)
	if !errors.As(got, &te) || te.Refused() != want.Refused() || te.Error() != want.Error() || !errors.Is(got, want.Kind) {
		t.Errorf("got %#v, want %#v", got, judged)
	}
	ps := domain.Problems{{Field: "scores.approach", Message: "Give a score from 0 to 10"}}
	var back domain.Problems
	if err := translate(temporal.NewNonRetryableApplicationError(ps.Error(), activities.RefusalType(ps), nil, activities.RefusalDetails(ps)...)); !errors.As(err, &back) || len(back) != 1 || back[0] != ps[0] {
		t.Errorf("problems came back as %#v", err)
	}
}

// Each way Temporal fails becomes this package's error: busy (try again), not running (a
// finished or never started lifecycle) or unavailable; a failure that is no refusal stays one.
func TestTemporalsFailuresAreNamed(t *testing.T) {
	for err, want := range map[error]error{
		serviceerror.NewWorkflowNotReady("Workflow task is not scheduled yet."): ErrBusy,
		serviceerror.NewNotFound("workflow execution already completed"):        ErrNotRunning,
		serviceerror.NewUnavailable("connection refused"):                       ErrUnavailable,
		temporal.NewApplicationError("activity failed", "SomethingElse"):        nil,
	} {
		got := translate(err)
		if want != nil && !errors.Is(got, want) {
			t.Errorf("%v became %v, want %v", err, got, want)
		}
		if want == nil && (errors.Is(got, domain.ErrInvalidTransition) || errors.Is(got, ErrBusy)) {
			t.Errorf("%v became a refusal: %v", err, got)
		}
	}
}
