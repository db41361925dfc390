package activities_test

import (
	"context"
	"crypto/rand"
	"strings"
	"sync"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/translog"
)

func logKey(t *testing.T) (note.Signer, string) {
	t.Helper()
	skey, vkey, err := translog.NewKey(rand.Reader, "catalyst.test/log")
	if err != nil {
		t.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	return s, vkey
}

// TestTwoSequencersAtOnceMakeOneLog: while events are appended, two sequencers integrate at the
// same time, as two workers would; the log that results holds every event once, in the trail's
// order, and each checkpoint is consistent with the one before.
func TestTwoSequencersAtOnceMakeOneLog(t *testing.T) {
	db := testdb.Open(t)
	signer, vkey := logKey(t)
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q := &activities.LogSequencer{DB: db, Signer: signer, Batch: 5}
			for {
				_, _ = q.Integrate(context.Background()) // the one that loses a race is refused, and tries again
				select {
				case <-done:
					return
				default:
				}
			}
		}()
	}
	appendEvents(t, db, 60)
	close(done)
	wg.Wait()
	q := &activities.LogSequencer{DB: db, Signer: signer}
	if _, err := q.Integrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	r, err := activities.VerifyLog(context.Background(), db, vkey)
	if err != nil {
		t.Fatal(err)
	}
	if r.AuditEvents != 60 || r.Entries != 60 || r.Checkpoints == 0 {
		t.Errorf("the log holds %+v, want the 60 events and a checkpoint", r)
	}
}

// TestVerifyingTheLogCatchesEveryChange: a changed entry, a changed hash, a checkpoint under
// another key, and an event the log skipped are each caught and named.
func TestVerifyingTheLogCatchesEveryChange(t *testing.T) {
	ctx := testdb.Fixture()
	for _, c := range []struct {
		name, sql, want string
		otherKey        bool
	}{
		{"an entry changed", "UPDATE log_entries SET data = CAST('{\"kind\":\"audit\",\"seq\":3,\"sha256\":\"00\"}' AS BLOB) WHERE id = 2", "is not the one entry 2 makes", false},
		{"a hash changed", "UPDATE log_hashes SET hash = zeroblob(32) WHERE id = 4", "stored hash 4", false},
		{"an event skipped", "DELETE FROM log_entries WHERE id = 5", "the log has no entry 5", false},
		{"another key", "", "does not verify", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			if testdb.Postgres() {
				t.Skip("the tampering is written in SQLite's SQL")
			}
			db := testdb.Open(t)
			signer, vkey := logKey(t)
			appendEvents(t, db, 9)
			if _, err := (&activities.LogSequencer{DB: db, Signer: signer}).Integrate(context.Background()); err != nil {
				t.Fatal(err)
			}
			if _, err := activities.VerifyLog(context.Background(), db, vkey); err != nil {
				t.Fatalf("before the change: %v", err)
			}
			if c.sql != "" {
				if _, err := db.ExecContext(ctx, c.sql); err != nil {
					t.Fatal(err)
				}
			}
			if c.otherKey {
				_, vkey = logKey(t)
			}
			_, err := activities.VerifyLog(context.Background(), db, vkey)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("verifying after %s: %v, want it to say %q", c.name, err, c.want)
			}
		})
	}
}

// TestWithoutALogKeyTheTrailIsStillPlaced: a deployment that keeps no public log still has its
// trail placed and chained by the sequencer, and no log written.
func TestWithoutALogKeyTheTrailIsStillPlaced(t *testing.T) {
	db := testdb.Open(t)
	appendEvents(t, db, 4)
	if n, err := (&activities.LogSequencer{DB: db}).Integrate(context.Background()); err != nil || n != 4 {
		t.Fatalf("placing without a key: %d, %v", n, err)
	}
	if n, err := activities.VerifyAudit(context.Background(), db); err != nil || n != 4 {
		t.Errorf("the chain: %d, %v", n, err)
	}
	if n := db.LogEntry.Query().CountX(testdb.Fixture()); n != 0 {
		t.Errorf("%d log entries written without a key", n)
	}
}
