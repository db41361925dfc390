package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/ent"
)

// runAudit is `catalyst audit verify [--data DIR]`: it walks the hash-chained audit trail and
// names the first broken link. It reads a `catalyst dev` data folder (--data, as for `catalyst
// dev`), or the production database when CATALYST_DATABASE_URL is set and --data is not.
func runAudit(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return errors.New("usage: catalyst audit verify [--data DIR]")
	}
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	data := fs.String("data", "", "the `catalyst dev` data folder (default .catalyst, unless CATALYST_DATABASE_URL is set)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *data == "" && get(envDatabaseURL) == "" {
		*data = ".catalyst"
	}
	var db *ent.Client
	var err error
	if *data != "" {
		path := filepath.Join(*data, "catalyst.db")
		if _, serr := os.Stat(path); serr != nil {
			return fmt.Errorf("%s has no Catalyst database (%s): is it the folder `catalyst dev --data` used?", *data, path)
		}
		db, err = ent.OpenSQLite(path)
	} else {
		cfg, cerr := loadConfig("migrate")
		if cerr != nil {
			return fmt.Errorf("%w\n(or give --data DIR to check a `catalyst dev` data folder)", cerr)
		}
		db, err = ent.OpenPostgres(cfg.DatabaseURL)
	}
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
