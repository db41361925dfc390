// Package migrations holds the database's versioned migrations, one directory per dialect, and
// applies them. The files are generated from the Ent schema by Atlas (scripts/new-migration.sh)
// and committed; nothing here imports ent, so ent's Client.Migrate can use it.
//
// Each file is applied in its own transaction with its revision row, so a migration cut off by a
// crash leaves no trace and is applied whole on the next run. Two processes migrating at once
// take turns: PostgreSQL by an advisory lock, SQLite by its write lock.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"time"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"ariga.io/atlas/sql/sqlite"
)

// PostgresLock is the advisory lock key a migration holds for its transaction, so that two
// processes migrating one database at once (two `catalyst migrate`, a release's API and worker)
// apply each file once, one after the other.
const PostgresLock = 7234001

//go:embed postgres sqlite
var files embed.FS

// Dialects the migrations are written for, named as Ent names them.
const (
	Postgres = "postgres"
	SQLite   = "sqlite3"
)

func folder(dialect string) (string, error) {
	switch dialect {
	case Postgres:
		return "postgres", nil
	case SQLite:
		return "sqlite", nil
	}
	return "", fmt.Errorf("no migrations for the %q database", dialect)
}

// Dir returns a dialect's migration files, checked against their atlas.sum.
func Dir(dialect string) (migrate.Dir, error) {
	name, err := folder(dialect)
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(files, name)
	if err != nil {
		return nil, err
	}
	dir := &migrate.MemDir{}
	for _, e := range entries {
		b, err := fs.ReadFile(files, path.Join(name, e.Name()))
		if err != nil {
			return nil, err
		}
		if err := dir.WriteFile(e.Name(), b); err != nil {
			return nil, err
		}
	}
	if err := migrate.Validate(dir); err != nil {
		return nil, fmt.Errorf("the %s migration files do not match their atlas.sum: %w", name, err)
	}
	return dir, nil
}

// Baseline is the first migration: the schema every release before versioned migrations made
// with Ent's automatic migration. A database made by one of them is taken to be at it.
func Baseline(dialect string) (string, error) {
	dir, err := Dir(dialect)
	if err != nil {
		return "", err
	}
	fs, err := dir.Files()
	if err != nil || len(fs) == 0 {
		return "", fmt.Errorf("no %s migrations: %v", dialect, err)
	}
	return fs[0].Version(), nil
}

// Applied is one migration applied by Apply.
type Applied struct {
	Version, Description string
	Took                 time.Duration
}

// Apply brings the database up to the newest migration and returns what it applied; a database
// already there gets nothing. A database made before versioned migrations (its tables present,
// no revisions recorded) is recorded at the baseline and brought on from there.
func Apply(ctx context.Context, db *sql.DB, dialect string) ([]Applied, error) {
	dir, err := Dir(dialect)
	if err != nil {
		return nil, err
	}
	var done []Applied
	for {
		a, err := applyOne(ctx, db, dialect, dir)
		done = append(done, a...)
		if errors.Is(err, migrate.ErrNoPendingFiles) {
			return done, nil
		}
		if err != nil {
			return done, err
		}
	}
}

// applyOne applies the next pending file in a transaction of its own, returning
// migrate.ErrNoPendingFiles when there is none.
func applyOne(ctx context.Context, db *sql.DB, dialect string, dir migrate.Dir) ([]Applied, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if dialect == SQLite {
		// SQLite rebuilds a table to change it; its foreign keys must be off while it does, and
		// can only be switched outside a transaction. They are checked before the commit.
		if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = off"); err != nil {
			return nil, err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = on")
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var drv migrate.Driver
	switch dialect {
	case Postgres:
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", PostgresLock); err != nil {
			return nil, err
		}
		drv, err = postgres.Open(tx)
	default:
		drv, err = sqlite.Open(tx)
	}
	if err != nil {
		return nil, err
	}
	rrw := &revisions{tx: tx, postgres: dialect == Postgres}
	if err := rrw.create(ctx); err != nil {
		return nil, err
	}
	revs, err := rrw.ReadRevisions(ctx)
	if err != nil {
		return nil, err
	}
	var done []Applied
	opt := migrate.WithAllowDirty(true)
	if len(revs) == 0 {
		made, err := madeBefore(ctx, drv)
		if err != nil {
			return nil, err
		}
		if made {
			base, err := Baseline(dialect)
			if err != nil {
				return nil, err
			}
			opt = migrate.WithBaselineVersion(base)
			done = append(done, Applied{Version: base, Description: "recorded, not run: the database was made by a release before versioned migrations"})
		}
	}
	ex, err := migrate.NewExecutor(drv, dir, rrw, opt)
	if err != nil {
		return nil, err
	}
	// Pending records the baseline, when there is one, in this transaction.
	pending, err := ex.Pending(ctx)
	if errors.Is(err, migrate.ErrNoPendingFiles) {
		if cerr := tx.Commit(); cerr != nil {
			return nil, cerr
		}
		return done, err
	}
	if err != nil {
		return nil, err
	}
	next := pending[0]
	start := time.Now()
	if err := ex.Execute(ctx, next); err != nil {
		return nil, fmt.Errorf("applying migration %s: %w", next.Name(), err)
	}
	if dialect == SQLite {
		if err := foreignKeysHold(ctx, tx); err != nil {
			return nil, fmt.Errorf("applying migration %s: %w", next.Name(), err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return append(done, Applied{Version: next.Version(), Description: next.Desc(), Took: time.Since(start)}), nil
}

// madeBefore reports whether the database already has Catalyst's tables: one made by a release
// that migrated automatically.
func madeBefore(ctx context.Context, drv migrate.Driver) (bool, error) {
	s, err := drv.InspectSchema(ctx, "", &schema.InspectOptions{Tables: []string{"bids"}})
	if schema.IsNotExistError(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	_, ok := s.Table("bids")
	return ok, nil
}

func foreignKeysHold(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		return errors.New("it leaves rows whose foreign keys point nowhere")
	}
	return rows.Err()
}
