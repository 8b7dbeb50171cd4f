// Package sqlite implements Trailguide's store interfaces (projects, sessions,
// ingest, users) on an embedded SQLite database in WAL mode.
//
// A DB holds two connection pools: a single-connection writer and a pool of
// read-only readers. Every write goes through one writer goroutine that owns
// the writer connection: callers hand it an operation and wait for the
// answer. The goroutine drains whatever is queued (up to maxGroup
// operations), runs them in one transaction with a SAVEPOINT around each, and
// commits once, so many concurrent ingest batches share one fsync (group
// commit) while a failing operation rolls back only its own savepoint. Since
// nothing else ever writes, writes cannot deadlock or hit SQLITE_BUSY among
// themselves; reads never wait for writes (WAL).
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trailguide/trailguide"
	sqlite3 "modernc.org/sqlite/lib"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// synchronous is the PRAGMA synchronous of every connection. FULL fsyncs the
// WAL at each commit, which is what makes an acknowledged batch durable; a
// benchmark switches it to NORMAL only to measure what that costs.
var synchronous = "FULL"

// maxGroup caps how many queued write operations share one transaction.
const maxGroup = 512

// DB is an open Trailguide SQLite database. The store types (ProjectStore,
// SessionStore, IngestStore, UserStore) are thin views over one DB.
type DB struct {
	// Now is the clock used for created-at defaults and auth session
	// expiry. Tests may replace it right after Open, before the DB is used.
	Now func() time.Time

	path   string
	logger *slog.Logger
	writer *sql.DB
	reader *sql.DB
	st     writerStmts

	ops      chan *writeOp
	closing  chan struct{} // closed by Close: the writer finishes what is queued and exits
	stopped  chan struct{} // closed when the writer goroutine has exited
	closeMu  sync.Mutex
	isClosed bool

	// QueueWait is how long a write waits for room in the writer's queue
	// before giving up with EUNAVAILABLE (ingest answers 503 + Retry-After,
	// and the SDK retries later): load is shed instead of piling up
	// goroutines and memory when the disk cannot keep up. Set it right after
	// Open.
	QueueWait time.Duration

	// groups counts committed group transactions (tests, diagnostics).
	groups atomic.Int64
	// failures counts group transactions that failed as a whole (begin,
	// savepoint or commit errors: the disk or the database, not one
	// operation's own error); shed counts writes refused because the queue
	// stayed full.
	failures atomic.Int64
	shed     atomic.Int64
}

// writeOp is one unit of work for the writer goroutine.
type writeOp struct {
	ctx   context.Context // the caller's; checked before running fn
	fn    func(ctx context.Context, tx *sql.Tx) error
	reply chan error // buffered (1)
}

// Open opens (creating if needed) the database at path, applies pending
// migrations and starts the writer goroutine. Close releases it.
func Open(path string, logger *slog.Logger) (*DB, error) {
	if path == "" {
		return nil, trailguide.Errorf(trailguide.EINVALID, "Database path required.")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	db := &DB{
		Now:       time.Now,
		QueueWait: 2 * time.Second,
		path:      path,
		logger:    logger.WithGroup("sqlite"),
		ops:       make(chan *writeOp, maxGroup),
		closing:   make(chan struct{}),
		stopped:   make(chan struct{}),
	}

	var err error
	if db.writer, err = sql.Open("sqlite", dsn(path, false)); err != nil {
		return nil, fmt.Errorf("open writer: %w", err)
	}
	db.writer.SetMaxOpenConns(1)
	db.writer.SetMaxIdleConns(1)
	db.writer.SetConnMaxLifetime(0)
	db.writer.SetConnMaxIdleTime(0)

	ctx := context.Background()
	if err := db.migrate(ctx); err != nil {
		db.writer.Close()
		return nil, fmt.Errorf("migrate %s: %w", path, err)
	}
	if err := db.prepareWriter(ctx); err != nil {
		db.writer.Close()
		return nil, err
	}

	if db.reader, err = sql.Open("sqlite", dsn(path, true)); err != nil {
		db.writer.Close()
		return nil, fmt.Errorf("open reader: %w", err)
	}
	n := max(4, runtime.NumCPU())
	db.reader.SetMaxOpenConns(n)
	db.reader.SetMaxIdleConns(n)
	if err := db.reader.PingContext(ctx); err != nil {
		db.writer.Close()
		db.reader.Close()
		return nil, fmt.Errorf("open reader: %w", err)
	}

	go db.run()
	return db, nil
}

// dsn builds the modernc DSN: the pragmas run on every new connection.
// Writers begin IMMEDIATE transactions so that a write transaction takes the
// lock up front instead of failing with SQLITE_BUSY on upgrade.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous("+synchronous+")")
	q.Add("_pragma", "foreign_keys(ON)")
	// Savepoints keep their sub-journal in temp storage: on disk it costs a
	// write(2) per page first touched in each savepoint, a quarter of the
	// group-commit CPU time.
	q.Add("_pragma", "temp_store(MEMORY)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Close stops the writer goroutine after it has finished the operations
// already queued, then closes both pools. Writes attempted afterwards fail
// with EUNAVAILABLE.
func (db *DB) Close() error {
	db.closeMu.Lock()
	if db.isClosed {
		db.closeMu.Unlock()
		return nil
	}
	db.isClosed = true
	close(db.closing)
	db.closeMu.Unlock()

	<-db.stopped
	return errors.Join(db.reader.Close(), db.writer.Close())
}

// WriterStats are the writer's figures for the metrics.
type WriterStats struct {
	QueueDepth int   // operations waiting for the writer now
	Groups     int64 // group transactions committed since Open
	Failures   int64 // group transactions that failed as a whole
	Shed       int64 // writes refused because the queue stayed full
}

// Stats returns the writer's figures now.
func (db *DB) Stats() WriterStats {
	return WriterStats{QueueDepth: len(db.ops), Groups: db.groups.Load(),
		Failures: db.failures.Load(), Shed: db.shed.Load()}
}

// Ping checks that the database answers a read and that the writer takes
// and commits an operation now (readiness: a writer that is behind or closed
// fails it).
func (db *DB) Ping(ctx context.Context) error {
	var n int
	if err := db.reader.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		return fmt.Errorf("read: %w", err)
	}
	if err := db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `SELECT 1`)
		return err
	}); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

// Path returns the database file path.
func (db *DB) Path() string { return db.path }

// IntegrityCheck runs PRAGMA integrity_check and returns an error describing
// the problems it found, if any.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	rows, err := db.reader.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return fmt.Errorf("integrity check: %w", err)
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("integrity check: %s", strings.Join(problems, "; "))
	}
	return nil
}

// now returns the injected clock's time.
func (db *DB) now() time.Time { return db.Now() }

// migrate applies the embedded migrations that schema_migrations does not
// list yet, each in its own transaction, in file name order.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.writer.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name       TEXT PRIMARY KEY,
		applied_at INTEGER NOT NULL
	)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := db.migrateOne(ctx, name); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

func (db *DB) migrateOne(ctx context.Context, name string) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return err
	} else if n > 0 {
		return nil
	}
	body, err := migrationFS.ReadFile(name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`, name, ms(db.now())); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	db.logger.Info("applied migration", "name", name)
	return nil
}

// write runs fn inside the writer goroutine's current group transaction, in
// its own savepoint, and returns once the group has committed (or fn failed).
// It honours ctx while waiting; an operation whose ctx is done before its
// turn is skipped. ctx passed to fn is the writer's, not the caller's: one
// caller giving up must not abort the others' transaction.
func (db *DB) write(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	op := &writeOp{ctx: ctx, fn: fn, reply: make(chan error, 1)}
	select {
	case <-db.closing:
		return errClosed()
	default:
	}
	select {
	case db.ops <- op:
	default:
		// The queue is full: the writer is behind. Wait a little, then shed.
		timer := time.NewTimer(db.QueueWait)
		defer timer.Stop()
		select {
		case db.ops <- op:
		case <-timer.C:
			db.shed.Add(1)
			return trailguide.Errorf(trailguide.EUNAVAILABLE, "The database writer is behind; retry later.")
		case <-db.closing:
			return errClosed()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	select {
	case err := <-op.reply:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-db.stopped:
		// The goroutine may have answered just before exiting.
		select {
		case err := <-op.reply:
			return err
		default:
			return errClosed()
		}
	}
}

func errClosed() error {
	return trailguide.Errorf(trailguide.EUNAVAILABLE, "Database is closed.")
}

// run is the writer goroutine.
func (db *DB) run() {
	defer close(db.stopped)
	group := make([]*writeOp, 0, maxGroup)
	for {
		group = group[:0]
		select {
		case op := <-db.ops:
			group = append(group, op)
		case <-db.closing:
			// Finish what was queued before Close, then exit.
			for {
				select {
				case op := <-db.ops:
					group = append(group, op)
					if len(group) == maxGroup {
						db.commitGroup(group)
						group = group[:0]
					}
				default:
					if len(group) > 0 {
						db.commitGroup(group)
					}
					return
				}
			}
		}
	drain:
		for len(group) < maxGroup {
			select {
			case op := <-db.ops:
				group = append(group, op)
			default:
				break drain
			}
		}
		db.commitGroup(group)
	}
}

// commitGroup runs ops in one transaction, one savepoint each, commits once
// and answers every caller.
func (db *DB) commitGroup(ops []*writeOp) {
	ctx := context.Background()
	errs := make([]error, len(ops))
	fail := func(err error) {
		db.failures.Add(1)
		for _, op := range ops {
			op.reply <- err
		}
	}

	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		db.logger.Error("begin group", "err", err, "ops", len(ops))
		fail(storageError("begin transaction", err))
		return
	}
	for i, op := range ops {
		if err := op.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		if _, err := tx.ExecContext(ctx, `SAVEPOINT op`); err != nil {
			tx.Rollback()
			db.logger.Error("savepoint", "err", err)
			fail(storageError("savepoint", err))
			return
		}
		if err := op.fn(ctx, tx); err != nil {
			errs[i] = err
			_, rerr := tx.ExecContext(ctx, `ROLLBACK TO op`)
			if rerr == nil {
				_, rerr = tx.ExecContext(ctx, `RELEASE op`)
			}
			if rerr != nil {
				// SQLite may have rolled back the whole transaction
				// (SQLITE_FULL, I/O errors): nothing of the group survives.
				tx.Rollback()
				db.logger.Error("rollback savepoint", "err", rerr, "op_err", err)
				fail(storageError("rollback savepoint", rerr))
				return
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, `RELEASE op`); err != nil {
			tx.Rollback()
			db.logger.Error("release savepoint", "err", err)
			fail(storageError("release savepoint", err))
			return
		}
	}
	if err := tx.Commit(); err != nil {
		db.logger.Error("commit group", "err", err, "ops", len(ops))
		fail(storageError("commit", err))
		return
	}
	db.groups.Add(1)
	for i, op := range ops {
		op.reply <- errs[i]
	}
}

// storageError classifies a failure of the database itself: a full disk or
// a busy/locked database is EUNAVAILABLE (the client may retry later),
// anything else is internal.
func storageError(what string, err error) error {
	switch sqliteCode(err) & 0xff {
	case sqlite3.SQLITE_FULL, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR:
		return fmt.Errorf("%s: %w: %w", what, trailguide.Errorf(trailguide.EUNAVAILABLE, "Storage unavailable."), err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// sqliteCode returns the extended SQLite result code of err, or 0.
func sqliteCode(err error) int {
	var e interface{ Code() int }
	if errors.As(err, &e) {
		return e.Code()
	}
	return 0
}

func isConstraint(err error, code int) bool { return err != nil && sqliteCode(err) == code }

// isUnique reports a UNIQUE or PRIMARY KEY constraint violation.
func isUnique(err error) bool {
	return isConstraint(err, sqlite3.SQLITE_CONSTRAINT_UNIQUE) || isConstraint(err, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
}

// ms converts t to milliseconds since the epoch; the zero time is 0.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMS is the inverse of ms; times come back in UTC.
func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
