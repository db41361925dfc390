package migrations

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"ariga.io/atlas/sql/migrate"
)

// revisions keeps which migrations a database has had, in its schema_revisions table, for
// Atlas's executor. It works inside the transaction that applies the migration.
type revisions struct {
	tx       *sql.Tx
	postgres bool
}

const revisionsTable = "schema_revisions"

var _ migrate.RevisionReadWriter = (*revisions)(nil)

func (r *revisions) Ident() *migrate.TableIdent { return &migrate.TableIdent{Name: revisionsTable} }

func (r *revisions) create(ctx context.Context) error {
	_, err := r.tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+revisionsTable+` (
	version varchar(64) PRIMARY KEY,
	description text NOT NULL,
	type integer NOT NULL,
	applied integer NOT NULL,
	total integer NOT NULL,
	executed_at varchar(40) NOT NULL,
	execution_ms bigint NOT NULL,
	error text NOT NULL,
	error_stmt text NOT NULL,
	hash text NOT NULL,
	partial_hashes text NOT NULL,
	operator_version text NOT NULL)`)
	if err != nil {
		return fmt.Errorf("creating %s: %w", revisionsTable, err)
	}
	return nil
}

// q writes ? placeholders as $n for PostgreSQL.
func (r *revisions) q(s string) string {
	if !r.postgres {
		return s
	}
	var b strings.Builder
	n := 0
	for _, c := range s {
		if c == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

const revisionColumns = `version, description, type, applied, total, executed_at, execution_ms, error, error_stmt, hash, partial_hashes, operator_version`

func (r *revisions) ReadRevisions(ctx context.Context) ([]*migrate.Revision, error) {
	rows, err := r.tx.QueryContext(ctx, `SELECT `+revisionColumns+` FROM `+revisionsTable+` ORDER BY version`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*migrate.Revision
	for rows.Next() {
		rev, err := scanRevision(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, rev)
	}
	return out, rows.Err()
}

func (r *revisions) ReadRevision(ctx context.Context, version string) (*migrate.Revision, error) {
	rows, err := r.tx.QueryContext(ctx, r.q(`SELECT `+revisionColumns+` FROM `+revisionsTable+` WHERE version = ?`), version)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, err
		}
		return nil, migrate.ErrRevisionNotExist
	}
	return scanRevision(rows)
}

func scanRevision(rows *sql.Rows) (*migrate.Revision, error) {
	var (
		rev      migrate.Revision
		at       string
		ms       int64
		partials string
	)
	if err := rows.Scan(&rev.Version, &rev.Description, &rev.Type, &rev.Applied, &rev.Total, &at, &ms,
		&rev.Error, &rev.ErrorStmt, &rev.Hash, &partials, &rev.OperatorVersion); err != nil {
		return nil, err
	}
	rev.ExecutedAt, _ = time.Parse(time.RFC3339Nano, at)
	rev.ExecutionTime = time.Duration(ms) * time.Millisecond
	if err := json.Unmarshal([]byte(partials), &rev.PartialHashes); err != nil {
		return nil, fmt.Errorf("reading revision %s: %w", rev.Version, err)
	}
	return &rev, nil
}

func (r *revisions) WriteRevision(ctx context.Context, rev *migrate.Revision) error {
	partials, err := json.Marshal(rev.PartialHashes)
	if err != nil {
		return err
	}
	if rev.PartialHashes == nil {
		partials = []byte("[]")
	}
	args := []any{rev.Description, int(rev.Type), rev.Applied, rev.Total, rev.ExecutedAt.UTC().Format(time.RFC3339Nano),
		rev.ExecutionTime.Milliseconds(), rev.Error, rev.ErrorStmt, rev.Hash, string(partials), rev.OperatorVersion, rev.Version}
	res, err := r.tx.ExecContext(ctx, r.q(`UPDATE `+revisionsTable+` SET description = ?, type = ?, applied = ?, total = ?,
	executed_at = ?, execution_ms = ?, error = ?, error_stmt = ?, hash = ?, partial_hashes = ?, operator_version = ?
	WHERE version = ?`), args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	_, err = r.tx.ExecContext(ctx, r.q(`INSERT INTO `+revisionsTable+` (description, type, applied, total, executed_at,
	execution_ms, error, error_stmt, hash, partial_hashes, operator_version, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), args...)
	return err
}

func (r *revisions) DeleteRevision(ctx context.Context, version string) error {
	_, err := r.tx.ExecContext(ctx, r.q(`DELETE FROM `+revisionsTable+` WHERE version = ?`), version)
	return err
}
