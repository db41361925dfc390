// Command gen writes the next migration files from the Ent schema: what the schema has that the
// committed migrations do not, for SQLite and for PostgreSQL, each with its atlas.sum. It needs a
// PostgreSQL to diff against (scripts/new-migration.sh starts one).
//
//	go run ./ent/migrations/gen add_bid_index
package main

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"net/url"
	"os"
	"path/filepath"
	"regexp"

	atlas "ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql/schema"

	"github.com/catalyst-sbri/catalyst/ent"
	_ "github.com/catalyst-sbri/catalyst/ent/runtime"
)

func main() {
	if len(os.Args) != 2 || !regexp.MustCompile(`^[a-z][a-z0-9_]*$`).MatchString(os.Args[1]) {
		log.Fatal("usage: go run ./ent/migrations/gen name_in_snake_case")
	}
	name := os.Args[1]
	pg := os.Getenv("CATALYST_TEST_DATABASE_URL")
	if pg == "" {
		log.Fatal("CATALYST_TEST_DATABASE_URL names no PostgreSQL: run through scripts/new-migration.sh")
	}
	ctx := context.Background()
	tmp, err := os.MkdirTemp("", "catalyst-migration")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	lite, err := ent.OpenSQLite(filepath.Join(tmp, "dev.db"))
	if err != nil {
		log.Fatal(err)
	}
	if err := diff(ctx, lite, "ent/migrations/sqlite", dialect.SQLite, name); err != nil {
		log.Fatalf("sqlite: %v", err)
	}
	db, err := sql.Open("pgx", pg)
	if err != nil {
		log.Fatal(err)
	}
	// A database of its own: Atlas takes any other schema in it for a sign it is not empty.
	if _, err := db.Exec("DROP DATABASE IF EXISTS migration_dev"); err != nil {
		log.Fatal(err)
	}
	if _, err := db.Exec("CREATE DATABASE migration_dev"); err != nil {
		log.Fatal(err)
	}
	db.Close()
	u, err := url.Parse(pg)
	if err != nil {
		log.Fatal(err)
	}
	u.Path = "/migration_dev"
	postgres, err := ent.OpenPostgres(u.String())
	if err != nil {
		log.Fatal(err)
	}
	if err := diff(ctx, postgres, "ent/migrations/postgres", dialect.Postgres, name); err != nil {
		log.Fatalf("postgres: %v", err)
	}
}

// diff replays the committed files on the empty dev database, then writes what the Ent schema
// adds to them as the next file.
func diff(ctx context.Context, c *ent.Client, path, d, name string) error {
	dir, err := atlas.NewLocalDir(path)
	if err != nil {
		return err
	}
	err = c.Schema.NamedDiff(ctx, name,
		schema.WithDir(dir),
		schema.WithMigrationMode(schema.ModeReplay),
		schema.WithDialect(d),
		schema.WithFormatter(atlas.DefaultFormatter),
		schema.WithDropColumn(true),
		schema.WithDropIndex(true),
	)
	if err != nil {
		return err
	}
	fmt.Println("wrote", path)
	return nil
}
