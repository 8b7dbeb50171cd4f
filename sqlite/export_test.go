package sqlite

import (
	"context"
	"database/sql"
	"testing"
)

// MigrationCount returns the number of applied migrations.
func (db *DB) MigrationCount(tb testing.TB) int {
	tb.Helper()
	var n int
	if err := db.reader.QueryRowContext(context.Background(), `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// Groups returns the number of committed group transactions.
func (db *DB) Groups() int64 { return db.groups.Load() }

// Block occupies the writer goroutine until release is closed, so that the
// writes queued meanwhile land in one group. It returns once the writer is
// blocked.
func (db *DB) Block(tb testing.TB, release <-chan struct{}) {
	tb.Helper()
	started := make(chan struct{})
	go db.write(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
		close(started)
		<-release
		return nil
	})
	<-started
}

// MaxQueued is the writer queue's capacity.
const MaxQueued = maxGroup

// SetSynchronous switches PRAGMA synchronous for databases opened afterwards
// (benchmarks only: NORMAL is not durable in WAL mode) and returns a func
// that restores FULL.
func SetSynchronous(mode string) (restore func()) {
	synchronous = mode
	return func() { synchronous = "FULL" }
}

// BulkExec runs fn in one write transaction (bulk loading for benchmarks).
func (db *DB) BulkExec(tb testing.TB, fn func(tx *sql.Tx) error) {
	tb.Helper()
	if err := db.write(context.Background(), func(ctx context.Context, tx *sql.Tx) error { return fn(tx) }); err != nil {
		tb.Fatal(err)
	}
}

// Reader is the read pool, for the naive baseline queries of benchmarks.
func (db *DB) Reader() *sql.DB { return db.reader }
