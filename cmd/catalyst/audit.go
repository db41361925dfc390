package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/catalyst-sbri/catalyst/activities"
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
	return nil
}
