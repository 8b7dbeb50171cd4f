// Package postgres implements Trailguide's store interfaces (projects,
// sessions, ingest, users, API keys, friction, privacy, limits) on
// PostgreSQL with pgx, for installations that run several nodes against one
// database.
//
// Every node opens a pool of connections (Options). Writes are ordinary
// transactions, one per operation: where the SQLite backend funnels writes
// through one goroutine and commits them in groups, PostgreSQL commits
// concurrent transactions from any number of nodes and flushes their WAL
// records together (its own group commit: a backend that finds its commit
// record already flushed by another's fsync does not fsync again;
// commit_delay widens the window). An ingest batch costs two round trips
// of pipelined statements plus the commit. Rows that every batch would
// update (the daily usage counter) are sharded so that concurrent commits
// do not queue on one row lock.
//
// The events table is partitioned by week of arrival; see
// DropExpiredPartitions. Migrations are embedded and applied at Open under
// an advisory lock, so nodes starting together apply each one once.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/trailguide/trailguide"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Options are the connection pool settings.
type Options struct {
	// MaxConns bounds the pool (default 16). Size it so that the sum over
	// all nodes stays under the server's max_connections.
	MaxConns int32
	// MinConns are kept open (default 2).
	MinConns int32
	// MaxConnLifetime recycles connections (default 1 h), MaxConnIdleTime
	// closes idle ones (default 10 min).
	MaxConnLifetime time.Duration
	MaxConnIdleTime time.Duration
	// StatementTimeout aborts a statement running longer (default 30 s; a
	// negative value disables it).
	StatementTimeout time.Duration
}

// DB is an open Trailguide PostgreSQL database; the store types are views
// over one DB.
type DB struct {
	// Now is the clock of created-at defaults and auth session expiry.
	// Tests may replace it right after Open.
	Now func() time.Time

	pool   *pgxpool.Pool
	logger *slog.Logger
	parts  sync.Map // week number -> true: partitions of events known to exist
}

// Open connects to the database at dsn (a postgres:// URL or key=value
// string), applies pending migrations and returns the DB.
func Open(ctx context.Context, dsn string, opt Options, logger *slog.Logger) (*DB, error) {
	if dsn == "" {
		return nil, trailguide.Invalid("dsn", "PostgreSQL connection string required.")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, trailguide.Invalid("dsn", "Invalid PostgreSQL connection string.")
	}
	cfg.MaxConns = 16
	if opt.MaxConns > 0 {
		cfg.MaxConns = opt.MaxConns
	}
	cfg.MinConns = min(2, cfg.MaxConns)
	if opt.MinConns > 0 {
		cfg.MinConns = min(opt.MinConns, cfg.MaxConns)
	}
	cfg.MaxConnLifetime = time.Hour
	if opt.MaxConnLifetime > 0 {
		cfg.MaxConnLifetime = opt.MaxConnLifetime
	}
	cfg.MaxConnIdleTime = 10 * time.Minute
	if opt.MaxConnIdleTime > 0 {
		cfg.MaxConnIdleTime = opt.MaxConnIdleTime
	}
	timeout := 30 * time.Second
	if opt.StatementTimeout != 0 {
		timeout = opt.StatementTimeout
	}
	if timeout > 0 {
		cfg.ConnConfig.RuntimeParams["statement_timeout"] = fmt.Sprint(timeout.Milliseconds())
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "trailguide"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	db := &DB{Now: time.Now, pool: pool, logger: logger.WithGroup("postgres")}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, storageError("migrate", err)
	}
	return db, nil
}

// Close closes the pool.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// Pool is the connection pool (for tools such as migrate-store).
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Ping checks that the database answers (GET /readyz).
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.Ping(ctx); err != nil {
		return trailguide.Errorf(trailguide.EUNAVAILABLE, "database unavailable: %v", err)
	}
	return nil
}

func (db *DB) now() time.Time { return db.Now() }

// migrateLock is the advisory lock key nodes take while migrating.
const migrateLock = 7_241_913_001

// migrate applies the embedded migrations that schema_migrations does not
// list, each in its own transaction, under a session advisory lock.
func (db *DB) migrate(ctx context.Context) error {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(migrateLock)); err != nil {
		return err
	}
	defer conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, int64(migrateLock))
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		var n int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM schema_migrations WHERE name = $1`, name).Scan(&n); err != nil {
			return err
		} else if n > 0 {
			continue
		}
		body, err := migrationFS.ReadFile(name)
		if err != nil {
			return err
		}
		err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)`, name, ms(db.now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
		db.logger.Info("applied migration", "name", name)
	}
	return nil
}

// MigrationCount returns how many migrations are recorded as applied.
func (db *DB) MigrationCount(ctx context.Context) (int, error) {
	var n int
	err := db.pool.QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n)
	return n, err
}

// tx runs fn in a transaction, committing when it returns nil.
func (db *DB) tx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := pgx.BeginFunc(ctx, db.pool, fn)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
			return fmt.Errorf("%w: %w", cerr, err)
		}
	}
	return err
}

// pgCode returns the SQLSTATE of err, or "".
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

func isUnique(err error) bool     { return pgCode(err) == "23505" }
func isForeignKey(err error) bool { return pgCode(err) == "23503" }

// storageError classifies a failure of the database itself: unreachable,
// shutting down, out of disk or connections is EUNAVAILABLE (the client may
// retry later), anything else internal.
func storageError(what string, err error) error {
	if err == nil {
		return nil
	}
	var te *trailguide.Error
	if errors.As(err, &te) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", what, err)
	}
	code := pgCode(err)
	unavailable := code == "" && pgconn.SafeToRetry(err) || isConnError(err) ||
		strings.HasPrefix(code, "08") || strings.HasPrefix(code, "53") || strings.HasPrefix(code, "57P") ||
		code == "40001" || code == "40P01"
	if unavailable {
		return fmt.Errorf("%s: %w: %w", what, trailguide.Errorf(trailguide.EUNAVAILABLE, "Storage unavailable."), err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func isConnError(err error) bool {
	var ce *pgconn.ConnectError
	return errors.As(err, &ce) || pgconn.Timeout(err)
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

// exec runs one statement in its own transaction (autocommit).
func (db *DB) exec(ctx context.Context, query string, args ...any) (pgconn.CommandTag, error) {
	return db.pool.Exec(ctx, query, args...)
}
