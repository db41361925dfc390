package ent

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"sync"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/migrations"
	"github.com/catalyst-sbri/catalyst/ent/person"
	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"             // pure-Go SQLite driver "sqlite"
)

// errNoRuntime guards against a client without its privacy policies: ent/runtime installs them,
// and a binary that forgot to import it would otherwise run with no access checks at all.
var errNoRuntime = errors.New("ent/runtime is not linked: import _ \"github.com/catalyst-sbri/catalyst/ent/runtime\" in the binary")

func checkRuntime() error {
	if bid.Policy == nil || person.Policy == nil {
		return errNoRuntime
	}
	return nil
}

// OpenSQLite opens (creating if need be) the SQLite database at path, with foreign keys on,
// write-ahead logging and immediate write transactions, so concurrent writers wait their turn
// instead of failing.
func OpenSQLite(path string) (*Client, error) {
	if err := checkRuntime(); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", SQLiteDSN(abs))
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", abs, err)
	}
	c := NewClient(Driver(&oneWriter{Driver: entsql.OpenDB(dialect.SQLite, db), turn: make(chan struct{}, 1)}))
	guardLifecycles(c)
	return c, nil
}

// SQLiteDSN is how Catalyst opens the SQLite file at path: foreign keys on, write-ahead logging,
// writes waiting their turn, and immediate write transactions. Benchmarks open their raw baseline
// with it too.
func SQLiteDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(20000)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// oneWriter gives SQLite's write transactions (every transaction here: they begin IMMEDIATE)
// their turns in this process in the order they asked, instead of all of them polling SQLite's
// lock and backing off by sleeping, which left some waiting seconds while the lock stood free.
type oneWriter struct {
	*entsql.Driver
	turn chan struct{}
}

func (d *oneWriter) Tx(ctx context.Context) (dialect.Tx, error) { return d.BeginTx(ctx, nil) }

func (d *oneWriter) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	select {
	case d.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	tx, err := d.Driver.BeginTx(ctx, opts)
	if err != nil {
		<-d.turn
		return nil, err
	}
	return &turnTx{Tx: tx.(*entsql.Tx), done: func() { <-d.turn }}, nil
}

// turnTx gives the turn back when it ends, once.
type turnTx struct {
	*entsql.Tx
	once sync.Once
	done func()
}

func (t *turnTx) Commit() error {
	defer t.once.Do(t.done)
	return t.Tx.Commit()
}

func (t *turnTx) Rollback() error {
	defer t.once.Do(t.done)
	return t.Tx.Rollback()
}

// OpenPostgres opens a PostgreSQL database by DSN (postgres://user:pass@host:port/db?sslmode=...).
func OpenPostgres(dsn string) (*Client, error) {
	if err := checkRuntime(); err != nil {
		return nil, err
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("opening PostgreSQL: %w", err)
	}
	db.SetMaxOpenConns(20)
	c := NewClient(Driver(entsql.OpenDB(dialect.Postgres, db)))
	guardLifecycles(c)
	return c, nil
}

// Migrate brings the schema up to date by applying the versioned migrations in ent/migrations.
func (c *Client) Migrate(ctx context.Context) error {
	_, err := c.MigrateReport(ctx)
	return err
}

// MigrateReport is Migrate, saying which migrations it applied.
func (c *Client) MigrateReport(ctx context.Context) ([]migrations.Applied, error) {
	drv := c.driver
	if d, ok := drv.(*dialect.DebugDriver); ok {
		drv = d.Driver
	}
	if d, ok := drv.(*oneWriter); ok {
		drv = d.Driver
	}
	sqlDrv, ok := drv.(*entsql.Driver)
	if !ok {
		return nil, fmt.Errorf("migrating the database: a %T is not a SQL database", drv)
	}
	applied, err := migrations.Apply(ctx, sqlDrv.DB(), sqlDrv.Dialect())
	if err != nil {
		return applied, fmt.Errorf("migrating the database: %w", err)
	}
	return applied, c.ensureAuditHead(ctx)
}

func (c *Client) ensureAuditHead(ctx context.Context) error {
	// The audit chain's head row exists before any event is appended, so appenders only ever
	// lock it and never race to create it.
	ctx = authz.AsSystem(ctx, "migrate")
	n, err := c.AuditHead.Query().Count(ctx)
	if err != nil {
		return fmt.Errorf("reading the audit chain's head: %w", err)
	}
	if n == 0 {
		return c.AuditHead.Create().SetSeq(0).SetHash("").Exec(ctx)
	}
	return nil
}

// WithTx runs fn in one transaction, committing if it returns nil and rolling back otherwise.
func (c *Client) WithTx(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := c.Tx(ctx)
	// A pooled PostgreSQL connection that another request's cancelled context left closed comes
	// back as a bad connection; database/sql tries two more and then a new one, which under a
	// burst of cancellations can all be bad too. A transaction not yet begun has changed
	// nothing, so beginning it again is always safe.
	for tries := 0; errors.Is(err, driver.ErrBadConn) && ctx.Err() == nil && tries < 3; tries++ {
		tx, err = c.Tx(ctx)
	}
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// RowLocks reports whether the transaction's database locks rows (PostgreSQL), so that a
// transaction can hold a row shared with others; SQLite takes every write in turn instead.
func (tx *Tx) RowLocks() bool { return tx.config.driver.Dialect() == dialect.Postgres }
