package web

import (
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/api"
)

func states(items []timelineItem) map[string]string {
	out := map[string]string{}
	for _, it := range items {
		out[it.Label] = it.State
	}
	return out
}

func TestTimelineShowsOnlyWhatAStoppedChallengeReached(t *testing.T) {
	closed := api.ChallengeView{Stage: "closed", StageReason: "The phase 1 competition ended without a contract: the deadline passed with no bids.",
		Competitions: []api.CompetitionView{{Phase: 1, Status: "closed_no_bids", StatusLabel: "Closed with no bids", ClosesAt: api.TimeOrNil(time.Now())}}}
	got := states(timeline(closed))
	for label, want := range map[string]string{
		"Submitted for screening": "done", "Selected": "done", "Phase 1 competition": "done",
		"Phase 1 assessment": "todo", "Phase 1 contracts and stage gate": "todo", "Closed": "current",
	} {
		if got[label] != want {
			t.Errorf("%s: %q, want %q (all: %v)", label, got[label], want, got)
		}
	}
	complete := api.ChallengeView{Stage: "complete"}
	for label, state := range states(timeline(complete)) {
		want := "done"
		if label == "Complete" {
			want = "current"
		}
		if state != want {
			t.Errorf("complete challenge: %s is %q, want %q", label, state, want)
		}
	}
}
