package postgres

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The queries of this package are written with ? placeholders, as the
// SQLite backend's are, so that the two stay easy to compare; rebind turns
// them into PostgreSQL's $1, $2… (no query here has a literal '?').
func rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

type pgQuerier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// q runs ?-placeholder queries on a pool or a transaction.
type q struct{ pg pgQuerier }

// result is what an Exec reports.
type result struct{ tag pgconn.CommandTag }

func (r result) RowsAffected() (int64, error) { return r.tag.RowsAffected(), nil }

func (c q) QueryRowContext(ctx context.Context, query string, args ...any) pgx.Row {
	return c.pg.QueryRow(ctx, rebind(query), args...)
}

func (c q) QueryContext(ctx context.Context, query string, args ...any) (pgx.Rows, error) {
	return c.pg.Query(ctx, rebind(query), args...)
}

func (c q) ExecContext(ctx context.Context, query string, args ...any) (result, error) {
	tag, err := c.pg.Exec(ctx, rebind(query), args...)
	return result{tag}, err
}

// rtx is a read-only transaction over one snapshot.
type rtx struct {
	q
	tx pgx.Tx
}

func (t *rtx) Rollback() { t.tx.Rollback(context.Background()) }

// readTx begins a read-only, repeatable-read transaction: every query of
// it sees the same snapshot (a count and its page agree).
func (db *DB) readTx(ctx context.Context) (*rtx, error) {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, err
	}
	return &rtx{q{tx}, tx}, nil
}

// reader runs autocommit queries on the pool.
func (db *DB) reader() q { return q{db.pool} }

// write runs fn in one read-write transaction and commits it.
func (db *DB) write(ctx context.Context, fn func(ctx context.Context, tx q) error) error {
	err := db.tx(ctx, func(tx pgx.Tx) error { return fn(ctx, q{tx}) })
	return storageError("write", err)
}
