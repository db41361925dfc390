package worker

import (
	"context"
	"crypto/rand"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/auditevent"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/records"
	"github.com/catalyst-sbri/catalyst/translog"
)

// BenchmarkLogSequencer: 16 writers append b.N audit events as fast as they can while the
// worker's sequencer loop (every second, sooner while batches are full) places them and takes
// them into the log. It reports the events integrated a second while written, the time from
// each event's commit to its inclusion in a signed checkpoint (p50, p99), the sequencer's own
// rate on a backlog of b.N pending events, and, measured in the same run, the same number of
// plain inserts with no sequencer, as the baseline of the writers' rate.
//
//	go test -run '^$' -bench LogSequencer -benchtime 20000x ./worker/
func BenchmarkLogSequencer(b *testing.B) {
	db := testdb.Open(b)
	ctx := testdb.Fixture()
	skey, _, err := translog.NewKey(rand.Reader, "catalyst.bench/log")
	if err != nil {
		b.Fatal(err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		b.Fatal(err)
	}
	const writers = 16
	committed := make([]time.Time, b.N)
	write := func(plain bool) time.Duration {
		start := time.Now()
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < b.N; i += writers {
					err := db.WithTx(ctx, func(tx *ent.Tx) error {
						if plain {
							return tx.AuditEvent.Create().SetAt(time.Now()).SetActor("bench").SetAction("bench.plain").
								SetRecordType("bench").SetRecordID(i).SetSeq(int64(1_000_000_000 + i)).Exec(ctx)
						}
						return records.Audit(ctx, tx, authz.Actor{Who: "bench@example.com"}, "bid.edited", "bid", i, nil, map[string]int{"i": i})
					})
					if err != nil {
						b.Error(err)
						return
					}
					committed[i] = time.Now()
				}
			}()
		}
		wg.Wait()
		return time.Since(start)
	}

	b.ResetTimer()
	seqCtx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		sequenceLog(seqCtx, Deps{DB: db, LogSigner: signer, LogEvery: time.Second, Log: slog.New(slog.DiscardHandler)})
	}()
	start := time.Now()
	audited := write(false)
	sys := authz.AsSystem(ctx, "bench")
	for db.AuditEvent.Query().Where(auditevent.SeqIsNil()).ExistX(sys) || db.LogEntry.Query().CountX(sys) < b.N {
		time.Sleep(20 * time.Millisecond)
	}
	all := time.Since(start)
	stop()
	<-done
	b.StopTimer()

	// Each event's inclusion: when the run that took it in signed its checkpoint.
	events := db.AuditEvent.Query().Order(ent.Asc(auditevent.FieldID)).AllX(sys)
	bySeq := map[int64]int{}
	for _, e := range events {
		bySeq[*e.Seq] = e.RecordID
	}
	var lags []time.Duration
	for _, e := range db.LogEntry.Query().AllX(sys) {
		i := bySeq[e.AuditSeq]
		lags = append(lags, e.IntegratedAt.Sub(committed[i]))
	}
	slices.Sort(lags)
	pct := func(p float64) time.Duration { return max(lags[int(float64(len(lags)-1)*p)], 0) }

	// The sequencer's own capacity: a backlog of b.N pending events, taken in by full batches.
	_ = write(false)
	q := &activities.LogSequencer{DB: db, Signer: signer, Batch: 500}
	backlog := time.Now()
	for {
		n, err := q.Integrate(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	capacity := float64(b.N) / time.Since(backlog).Seconds()

	b.StartTimer()
	plain := write(true)
	b.StopTimer()
	b.ReportMetric(capacity, "sequencer-events/s")
	b.ReportMetric(float64(b.N)/all.Seconds(), "integrated/s")
	b.ReportMetric(float64(b.N)/audited.Seconds(), "audited-writes/s")
	b.ReportMetric(float64(b.N)/plain.Seconds(), "plain-writes/s")
	b.ReportMetric(plain.Seconds()/audited.Seconds(), "writes-ratio")
	b.ReportMetric(float64(pct(0.5).Milliseconds()), "inclusion-p50-ms")
	b.ReportMetric(float64(pct(0.99).Milliseconds()), "inclusion-p99-ms")
}
