package workflows

import (
	"encoding/json"
	"slices"
	"testing"
)

// Rows relayed together say what each said: the sealed bids in the order of their rows; a
// wake-up once.
func TestMergedSignalsSayWhatEachSaid(t *testing.T) {
	rows := [][]byte{[]byte(`{"BidID":7}`), []byte(`{"BidID":3}`), []byte(`{"BidID":9}`)}
	b, err := MergeSignals(SignalBidSubmitted, rows)
	var got BidSubmittedSignal
	if err != nil || json.Unmarshal(b, &got) != nil || got.BidID != 7 || !slices.Equal(got.BidIDs, []int{7, 3, 9}) {
		t.Errorf("three sealed bids relayed together: %s %v", b, err)
	}
	if b, err := MergeSignals(SignalBidSubmitted, rows[1:2]); err != nil || string(b) != `{"BidID":3}` {
		t.Errorf("one sealed bid: %s %v", b, err)
	}
	if b, err := MergeSignals(SignalMailWaiting, [][]byte{[]byte("{}"), []byte("{}")}); err != nil || string(b) != "{}" {
		t.Errorf("two wake-ups: %s %v", b, err)
	}
}
