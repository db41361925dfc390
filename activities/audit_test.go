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
)

func appendEvents(t *testing.T, db *ent.Client, n int) {
	t.Helper()
	ctx := testdb.Fixture()
	for i := range n {
		err := db.WithTx(ctx, func(tx *ent.Tx) error {
			return activities.Audit(ctx, tx, authz.Actor{Who: "priya@example.com", Reason: fmt.Sprintf("step %d", i)},
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
		{"last removed", "DELETE FROM audit_events WHERE seq = $1", []any{5}, 5, "removed from the end"},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := testdb.Open(t)
			appendEvents(t, db, 5)
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

// TestConcurrentAppendsMakeOneChain: transactions appending at once are chained one after
// another, never forked, on SQLite and on PostgreSQL.
func TestConcurrentAppendsMakeOneChain(t *testing.T) {
	db := testdb.Open(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			appendEvents(t, db, 5)
		}()
	}
	wg.Wait()
	n, err := activities.VerifyAudit(context.Background(), db)
	if err != nil || n != 40 {
		t.Fatalf("after 40 concurrent appends: %d verified, %v", n, err)
	}
}

// TestTheTrailIsAppendOnlyThroughEnt: nobody, not even a system identity, edits or deletes an
// event through the data layer.
func TestTheTrailIsAppendOnlyThroughEnt(t *testing.T) {
	db := testdb.Open(t)
	appendEvents(t, db, 1)
	ctx := testdb.Fixture()
	if err := db.AuditEvent.Update().Exec(ctx); !errors.Is(err, privacy.Deny) {
		t.Errorf("editing an event: %v, want a privacy refusal", err)
	}
	if _, err := db.AuditEvent.Delete().Exec(ctx); !errors.Is(err, privacy.Deny) {
		t.Errorf("deleting an event: %v, want a privacy refusal", err)
	}
}

// BenchmarkAuditAppend measures appending chained events from 8 writers at once, against a
// baseline of the same writes without the chain (a plain insert), measured in the same run.
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
	chained := run(func(tx *ent.Tx, i int) error {
		return activities.Audit(ctx, tx, authz.Actor{Who: "bench@example.com"}, "bid.submitted", "bid", i, nil, map[string]int{"i": i})
	})
	b.StopTimer()
	if n, err := activities.VerifyAudit(context.Background(), db); err != nil || n != b.N {
		b.Fatalf("after the chained appends: %d verified, %v", n, err)
	}
	b.StartTimer()
	plain := run(func(tx *ent.Tx, i int) error {
		return tx.AuditEvent.Create().SetSeq(int64(1_000_000_000 + i)).SetAt(time.Now()).SetActor("bench@example.com").
			SetAction("bid.submitted").SetRecordType("bid").SetRecordID(i).SetPrevHash("").SetHash("").Exec(ctx)
	})
	b.StopTimer()
	b.ReportMetric(float64(chained.Nanoseconds())/float64(b.N), "chained-ns/op")
	b.ReportMetric(float64(plain.Nanoseconds())/float64(b.N), "baseline-ns/op")
	b.ReportMetric(float64(chained)/float64(plain), "ratio")
}
