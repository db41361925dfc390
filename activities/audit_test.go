package activities_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/records"
)

func appendEvents(t *testing.T, db *ent.Client, n int) {
	t.Helper()
	ctx := testdb.Fixture()
	for i := range n {
		err := db.WithTx(ctx, func(tx *ent.Tx) error {
			actor := authz.Actor{Who: "priya@example.com", Reason: fmt.Sprintf("step %d", i)}
			if i%2 == 1 { // every other with an API token, as the trail names one
				actor.Token = `API token 7 "sync", issued by admin@example.com`
			}
			return records.Audit(ctx, tx, actor,
				"challenge.edited", "challenge", 1, map[string]int{"v": i}, map[string]int{"v": i + 1})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// rawExec changes the table behind Ent's back, as someone with database access might.
func rawExec(t *testing.T, db *ent.Client, query string, args ...any) {
	t.Helper()
	if _, err := db.ExecContext(context.Background(), query, args...); err != nil {
		t.Fatal(err)
	}
}

func TestAuditChainVerifiesAndCatchesTampering(t *testing.T) {
	// Placeholders differ: $1 on PostgreSQL, ? on SQLite.
	ph := func(q string) string {
		if testdb.Postgres() {
			return q
		}
		return strings.NewReplacer("$1", "?", "$2", "?").Replace(q)
	}
	for _, c := range []struct {
		name, query string
		args        []any
		seq         int64
		says        string
	}{
		{"edited", "UPDATE audit_events SET reason = $1 WHERE seq = $2", []any{"nothing to see", 3}, 3, "was edited"},
		{"deleted", "DELETE FROM audit_events WHERE seq = $1", []any{2}, 2, "is missing"},
		{"replaced", "UPDATE audit_events SET prev_hash = $1 WHERE seq = $2", []any{"0000", 4}, 4, "does not follow"},
		{"its token hidden", "UPDATE audit_events SET token = $1 WHERE seq = $2", []any{"", 2}, 2, "was edited"},
		{"last removed", "DELETE FROM audit_events WHERE seq = $1", []any{5}, 5, "removed from the end"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := testdb.Open(t)
			appendEvents(t, db, 5)
			if n, err := activities.VerifyAudit(context.Background(), db); err != nil || n != 0 {
				t.Fatalf("before the sequencer placed them: %d in the chain, %v", n, err)
			}
			placeAll(t, db)
			n, err := activities.VerifyAudit(context.Background(), db)
			if err != nil || n != 5 {
				t.Fatalf("an untouched trail: %d, %v", n, err)
			}
			rawExec(t, db, ph(c.query), c.args...)
			_, err = activities.VerifyAudit(context.Background(), db)
			var broken *activities.BrokenLink
			if !errors.As(err, &broken) || broken.Seq != c.seq || !strings.Contains(err.Error(), c.says) {
				t.Fatalf("after the trail was %s: %v; want the break at %d saying %q", c.name, err, c.seq, c.says)
			}
		})
	}
}

func placeAll(t testing.TB, db *ent.Client) {
	t.Helper()
	if _, err := activities.ChainPending(context.Background(), db); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentAppendsMakeOneChain: transactions appending at once, while two sequencers
// place what they find, are chained one after another, never forked, on SQLite and on
// PostgreSQL.
func TestConcurrentAppendsMakeOneChain(t *testing.T) {
	db := testdb.Open(t)
	var writers, sequencers sync.WaitGroup
	done := make(chan struct{})
	for range 2 {
		sequencers.Add(1)
		go func() {
			defer sequencers.Done()
			for {
				_, _ = activities.ChainPending(context.Background(), db) // one that loses a race is refused, and tries again
				select {
				case <-done:
					return
				case <-time.After(time.Millisecond):
				}
			}
		}()
	}
	for range 8 {
		writers.Add(1)
		go func() {
			defer writers.Done()
			appendEvents(t, db, 5)
		}()
	}
	writers.Wait()
	close(done)
	sequencers.Wait()
	placeAll(t, db)
	n, err := activities.VerifyAudit(context.Background(), db)
	if err != nil || n != 40 {
		t.Fatalf("after 40 concurrent appends: %d verified, %v", n, err)
	}
}

// TestTheTrailIsAppendOnlyThroughEnt: nobody, not even a system identity, edits or deletes an
// event through the data layer; only the sequencer places one, and nothing but its place.
func TestTheTrailIsAppendOnlyThroughEnt(t *testing.T) {
	db := testdb.Open(t)
	appendEvents(t, db, 1)
	ctx := testdb.Fixture()
	if err := db.AuditEvent.Update().Exec(ctx); !errors.Is(err, privacy.Deny) {
		t.Errorf("editing an event: %v, want a privacy refusal", err)
	}
	if err := db.AuditEvent.Update().SetSeq(7).SetHash("made up").Exec(ctx); !errors.Is(err, privacy.Deny) {
		t.Errorf("placing an event as another system identity: %v, want a privacy refusal", err)
	}
	if _, err := db.AuditEvent.Delete().Exec(ctx); !errors.Is(err, privacy.Deny) {
		t.Errorf("deleting an event: %v, want a privacy refusal", err)
	}
	seq := authz.AsSystem(context.Background(), authz.Sequencer)
	if _, err := db.AuditEvent.Delete().Exec(seq); !errors.Is(err, privacy.Deny) {
		t.Errorf("deleting an event as the sequencer: %v, want a privacy refusal", err)
	}
}

// BenchmarkAuditAppend measures appending events from 8 writers at once while the sequencer
// places them, against a baseline of the same rows written by a plain insert, measured in the
// same run. The writers take no shared row, so the ratio stays near 1 as writers are added.
func BenchmarkAuditAppend(b *testing.B) {
	db := testdb.Open(b)
	ctx := testdb.Fixture()
	const writers = 8
	run := func(write func(tx *ent.Tx, i int) error) time.Duration {
		start := time.Now()
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < b.N; i += writers {
					if err := db.WithTx(ctx, func(tx *ent.Tx) error { return write(tx, i) }); err != nil {
						b.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		return time.Since(start)
	}
	b.ResetTimer()
	done := make(chan struct{})
	placed := make(chan struct{})
	go func() {
		defer close(placed)
		for {
			_, _ = activities.ChainPending(context.Background(), db)
			select {
			case <-done:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	audited := run(func(tx *ent.Tx, i int) error {
		return records.Audit(ctx, tx, authz.Actor{Who: "bench@example.com"}, "bid.submitted", "bid", i, nil, map[string]int{"i": i})
	})
	b.StopTimer()
	close(done)
	<-placed
	placeAll(b, db)
	if n, err := activities.VerifyAudit(context.Background(), db); err != nil || n != b.N {
		b.Fatalf("after the appends: %d verified, %v", n, err)
	}
	b.StartTimer()
	plain := run(func(tx *ent.Tx, i int) error {
		return tx.AuditEvent.Create().SetAt(time.Now()).SetActor("bench@example.com").
			SetAction("bid.submitted").SetRecordType("bid").SetRecordID(i).Exec(ctx)
	})
	b.StopTimer()
	b.ReportMetric(float64(audited.Nanoseconds())/float64(b.N), "audited-ns/op")
	b.ReportMetric(float64(plain.Nanoseconds())/float64(b.N), "baseline-ns/op")
	b.ReportMetric(float64(audited)/float64(plain), "ratio")
}
