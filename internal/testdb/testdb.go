// Package testdb gives each test its own migrated database: a SQLite file by default, or a
// fresh schema in the PostgreSQL named by CATALYST_TEST_DATABASE_URL, so one suite runs on both.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/migrations"
	_ "github.com/catalyst-sbri/catalyst/ent/runtime" // privacy policies and defaults
)

// EnvPostgres names the PostgreSQL to test against, e.g.
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
const EnvPostgres = "CATALYST_TEST_DATABASE_URL"

// Postgres reports whether tests run against PostgreSQL.
func Postgres() bool { return os.Getenv(EnvPostgres) != "" }

// Open returns a migrated, empty database that is removed when the test ends.
func Open(t testing.TB) *ent.Client {
	t.Helper()
	db, _ := OpenURL(t)
	return db
}

// OpenURL is Open, also returning the PostgreSQL URL of the test's schema ("" on SQLite).
func OpenURL(t testing.TB) (*ent.Client, string) {
	t.Helper()
	ctx := context.Background()
	var db *ent.Client
	var dsn string
	var err error
	if base := os.Getenv(EnvPostgres); base != "" {
		dsn = schemaFor(t, base)
		db, err = ent.OpenPostgres(dsn)
	} else {
		db, err = ent.OpenSQLite(filepath.Join(t.TempDir(), "catalyst.db"))
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db, dsn
}

// EmptyPostgresURL returns a URL for a fresh, empty PostgreSQL schema (nothing migrated), for
// testing `catalyst migrate` itself. It skips the test when no PostgreSQL is configured.
func EmptyPostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skipf("needs PostgreSQL: run under scripts/with-postgres.sh or set %s", EnvPostgres)
	}
	return schemaFor(t, base)
}

// schemaFor creates a schema of the test's own and returns a URL whose search_path uses it.
func schemaFor(t testing.TB, base string) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("creating schema in %s: %v", os.Getenv(EnvPostgres), err)
	}
	t.Cleanup(func() { dropSchema(base, schema) })
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// dropSchema removes a test's schema under the migrations' lock: a DROP beside another test's
// migration makes that migration's catalogue reads fail ("could not open relation with OID").
func dropSchema(base, schema string) {
	a, err := sql.Open("pgx", base)
	if err != nil {
		return
	}
	defer a.Close()
	tx, err := a.Begin()
	if err != nil {
		return
	}
	defer tx.Rollback()
	if _, err := tx.Exec("SELECT pg_advisory_xact_lock($1)", migrations.PostgresLock); err != nil {
		return
	}
	if _, err := tx.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
		return
	}
	_ = tx.Commit()
}

// Fixture is the context tests set up and inspect records in: a named system identity, so
// fixtures pass the privacy rules the way background work does, explicitly, and setting the
// scene, so a fixture may put a record straight into the state its test needs.
func Fixture() context.Context {
	return ent.SettingTheScene(authz.AsSystem(context.Background(), "test-fixture"))
}
