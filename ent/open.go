package ent

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"             // pure-Go SQLite driver "sqlite"
)

// OpenSQLite opens (creating if need be) the SQLite database at path, with foreign keys on,
// write-ahead logging and immediate write transactions, so concurrent writers wait their turn
// instead of failing.
func OpenSQLite(path string) (*Client, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(20000)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+abs+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", abs, err)
	}
	return NewClient(Driver(entsql.OpenDB(dialect.SQLite, db))), nil
}

// OpenPostgres opens a PostgreSQL database by DSN (postgres://user:pass@host:port/db?sslmode=...).
func OpenPostgres(dsn string) (*Client, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("opening PostgreSQL: %w", err)
	}
	db.SetMaxOpenConns(20)
	return NewClient(Driver(entsql.OpenDB(dialect.Postgres, db))), nil
}

// Migrate brings the schema up to date. It only adds: it never drops a column or a table.
func (c *Client) Migrate(ctx context.Context) error {
	if err := c.Schema.Create(ctx); err != nil {
		return fmt.Errorf("migrating the database: %w", err)
	}
	return nil
}

// WithTx runs fn in one transaction, committing if it returns nil and rolling back otherwise.
func (c *Client) WithTx(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := c.Tx(ctx)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}
