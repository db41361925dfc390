package worker

import (
	"context"
	"time"

	"github.com/catalyst-sbri/catalyst/records"
)

// checkDocuments has the malware scanner check, every CheckEvery (a minute unless set), the
// documents still waiting for its verdict: those it did not answer for when they were uploaded,
// and those kept before a scanner ran. Every worker runs it; two checking one document at once
// record the same verdict.
func checkDocuments(ctx context.Context, d Deps) {
	every := d.CheckEvery
	if every <= 0 {
		every = time.Minute
	}
	const batch = 50
	for {
		n, err := records.CheckWaitingDocuments(ctx, d.DB, d.Scanning, batch)
		if err != nil && ctx.Err() == nil {
			d.Log.Warn("checking documents for viruses", "checked", n, "error", err)
		}
		wait := every
		if err == nil && n == batch {
			wait = every / 20 // more are waiting
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}
