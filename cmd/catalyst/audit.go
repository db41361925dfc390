package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/translog"
)

// runAudit is `catalyst audit verify [--data DIR]`: it walks the hash-chained audit trail and
// names the first broken link. It reads a `catalyst dev` data folder (--data, as for `catalyst
// dev`), or the production database when CATALYST_DATABASE_URL is set and --data is not.
func runAudit(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return errors.New("usage: catalyst audit verify [--data DIR]")
	}
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	data := recordsFlag(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, err := openRecords(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := activities.VerifyAudit(ctx, db)
	var broken *activities.BrokenLink
	if errors.As(err, &broken) {
		return fmt.Errorf("%w; the %d events before it verify", broken, n)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "The audit trail verifies: %d events, each chained to the one before.\n", n)
	// The transparency log, checked against the trail; its signatures with the key the dev
	// folder keeps, or the API's verifier key in production.
	vkey := get(envLogVKey)
	if *data != "" {
		if b, err := os.ReadFile(filepath.Join(*data, "log.key")); err == nil {
			if vkey, err = translog.VerifierKey(strings.TrimSpace(string(b))); err != nil {
				return fmt.Errorf("the dev folder's log.key: %w", err)
			}
		}
	}
	r, err := activities.VerifyLog(ctx, db, vkey)
	if err != nil {
		return fmt.Errorf("the transparency log does not verify: %w", err)
	}
	signed := "their signatures not checked (no verifier key)"
	if vkey != "" {
		signed = "each signed by " + strings.SplitN(vkey, "+", 2)[0]
	}
	fmt.Fprintf(out, "The transparency log verifies: %d entries holding %d audit events in order, and %d checkpoints, each consistent with the one before, %s.\n",
		r.Entries, r.AuditEvents, r.Checkpoints, signed)
	return nil
}
