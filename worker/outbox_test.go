package worker

import (
	"context"
	"log/slog"
	"net"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// With Temporal unreachable, nothing in the outbox is lost: every row stays unsent, with the
// attempt counted and the reason kept, for the next pass to deliver.
func TestOutboxKeepsSignalsWhileTemporalIsDown(t *testing.T) {
	ctx := testdb.Fixture()
	db := testdb.Open(t)
	for bid := 1; bid <= 3; bid++ {
		db.OutboxMessage.Create().SetWorkflowID(workflows.CompetitionWorkflowID(7)).
			SetSignal(workflows.SignalBidSubmitted).SetPayload([]byte(`{"BidID":1}`)).ExecX(ctx)
	}
	// A real client, pointed at an address where nothing listens.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := l.Addr().String()
	l.Close()
	tc, err := client.NewLazyClient(client.Options{HostPort: dead})
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	relay := &OutboxRelay{DB: db, Temporal: tc, Log: slog.New(slog.DiscardHandler)}
	callCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	sent, err := relay.RelayOnce(callCtx)
	if err == nil || sent != 0 {
		t.Fatalf("relay with Temporal down: sent %d, err %v; want nothing sent and the error", sent, err)
	}
	msgs := db.OutboxMessage.Query().AllX(ctx)
	if len(msgs) != 3 {
		t.Fatalf("%d rows, want all 3 kept", len(msgs))
	}
	for _, m := range msgs {
		if m.SentAt != nil {
			t.Errorf("row %d was marked sent while Temporal was down", m.ID)
		}
	}
	if msgs[0].Attempts != 1 || msgs[0].LastError == "" {
		t.Errorf("the failed attempt was not recorded: %+v", msgs[0])
	}
}
