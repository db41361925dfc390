package migrations_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"entgo.io/ent/dialect/sql/schema"

	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/migrations"
	_ "github.com/catalyst-sbri/catalyst/ent/runtime"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// empty opens a database with nothing in it, on PostgreSQL when the tests run there.
func empty(t *testing.T) (*ent.Client, *sql.DB, string) {
	t.Helper()
	if testdb.Postgres() {
		u := testdb.EmptyPostgresURL(t)
		c, err := ent.OpenPostgres(u)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := sql.Open("pgx", u)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(); raw.Close() })
		return c, raw, migrations.Postgres
	}
	path := filepath.Join(t.TempDir(), "catalyst.db")
	c, err := ent.OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	// Immediate transactions, as ent.SQLiteDSN opens the product's: a deferred one that reads and
	// then writes gets SQLITE_BUSY at once on the upgrade, whatever the busy timeout (1 run in 30).
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(20000)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); raw.Close() })
	return c, raw, migrations.SQLite
}

func files(t *testing.T, dialect string) []string {
	t.Helper()
	dir, err := migrations.Dir(dialect)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := dir.Files()
	if err != nil {
		t.Fatal(err)
	}
	var versions []string
	for _, f := range fs {
		versions = append(versions, f.Version())
	}
	return versions
}

// differences lists the statements Ent's own diff would run to make the database match the Ent
// schema: none, when the migration files build exactly what the schema says.
func differences(t *testing.T, c *ent.Client) []string {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Schema.WriteTo(context.Background(), &buf, schema.WithDropColumn(true), schema.WithDropIndex(true)); err != nil {
		t.Fatal(err)
	}
	var stmts []string
	for _, line := range strings.Split(buf.String(), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line == "BEGIN;" || line == "COMMIT;" || strings.HasPrefix(line, "--") {
			continue
		}
		stmts = append(stmts, line)
	}
	return stmts
}

func versions(applied []migrations.Applied) []string {
	var v []string
	for _, a := range applied {
		v = append(v, a.Version)
	}
	return v
}

func TestTheMigrationFilesBuildTheEntSchema(t *testing.T) {
	c, _, dialect := empty(t)
	ctx := context.Background()
	applied, err := c.MigrateReport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(versions(applied), " "), strings.Join(files(t, dialect), " "); got != want {
		t.Fatalf("applied %q to an empty database, want every file %q", got, want)
	}
	if d := differences(t, c); len(d) > 0 {
		t.Fatalf("the migration files do not build the Ent schema; it would still run:\n%s\n"+
			"Run scripts/new-migration.sh <name> after changing ent/schema.", strings.Join(d, "\n"))
	}
	again, err := c.MigrateReport(ctx)
	if err != nil || len(again) > 0 {
		t.Fatalf("a second migrate applied %v (err %v), want nothing", versions(again), err)
	}
}

func TestTwoProcessesMigratingAtOnceApplyEachFileOnce(t *testing.T) {
	c, raw, dialect := empty(t)
	ctx := context.Background()
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		all []string
	)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			applied, err := migrations.Apply(ctx, raw, dialect)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			all = append(all, versions(applied)...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(all) != len(files(t, dialect)) {
		t.Fatalf("between them two migrators applied %v, want each of %v once", all, files(t, dialect))
	}
	if d := differences(t, c); len(d) > 0 {
		t.Fatalf("after two migrators the schema differs:\n%s", strings.Join(d, "\n"))
	}
}

// TestMigrateUpgradesADatabaseMadeByThePreviousRelease loads a database the release before
// versioned migrations made (testdata, see its README): on SQLite the demo data loaded by that
// release's `catalyst dev`, on PostgreSQL the schema its `catalyst migrate` made. Migrating
// records it at the baseline, applies what came after, and keeps every row.
func TestMigrateUpgradesADatabaseMadeByThePreviousRelease(t *testing.T) {
	c, raw, dialect := empty(t)
	ctx := context.Background()
	name := "previous-release.sqlite.sql.gz"
	if dialect == migrations.Postgres {
		name = "previous-release.postgres.sql.gz"
	}
	load(t, raw, filepath.Join("testdata", name), dialect)
	counts := rowCounts(t, raw)

	applied, err := c.MigrateReport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := files(t, dialect)
	if got := versions(applied); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("applied %v, want the baseline recorded then the rest: %v", got, want)
	}
	if !strings.Contains(applied[0].Description, "recorded, not run") {
		t.Errorf("the baseline was %q, want it recorded and not run", applied[0].Description)
	}
	if d := differences(t, c); len(d) > 0 {
		t.Fatalf("the upgraded database differs from the Ent schema:\n%s", strings.Join(d, "\n"))
	}
	after := rowCounts(t, raw)
	for table, n := range counts {
		if after[table] != n {
			t.Errorf("%s had %d rows before the upgrade and %d after", table, n, after[table])
		}
	}
	if dialect == migrations.SQLite {
		// The demo data reads through today's code: every bid, with its sealed content.
		fx := testdb.Fixture()
		bids, err := c.Bid.Query().All(fx)
		if err != nil {
			t.Fatalf("reading the previous release's bids: %v", err)
		}
		if len(bids) == 0 || len(bids) != counts["bids"] {
			t.Fatalf("read %d bids, the database holds %d", len(bids), counts["bids"])
		}
		n, err := c.Assignment.Query().Count(fx)
		if err != nil || n == 0 {
			t.Fatalf("reading the previous release's assignments: %d, %v", n, err)
		}
	}
}

func load(t *testing.T, db *sql.DB, path, dialect string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(z)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(string(b)); err != nil {
		t.Fatalf("loading %s: %v", path, err)
	}
}

var tableName = regexp.MustCompile(`^[a-z_]+$`)

func rowCounts(t *testing.T, db *sql.DB) map[string]int {
	t.Helper()
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	if testdb.Postgres() {
		q = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
	}
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		if tableName.MatchString(n) && n != "schema_revisions" {
			tables = append(tables, n)
		}
	}
	rows.Close()
	counts := map[string]int{}
	for _, table := range tables {
		var n int
		if err := db.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		counts[table] = n
	}
	return counts
}
