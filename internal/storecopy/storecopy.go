// Package storecopy copies a whole SQLite + files installation into
// PostgreSQL + a blob store (`trailguide migrate-store`): every table row
// by row, every blob, and then verifies the copy by row counts and
// checksums on both sides.
//
// It is resumable: small tables are inserted with ON CONFLICT DO NOTHING,
// each session goes over in one transaction with its batches, chunks and
// events (so a session is there whole or not at all, and sessions already
// there are skipped), and blobs already in the target with the same bytes
// are not uploaded again. Interrupted, it is run again with the same
// arguments and carries on.
//
// The SQLite database must not be written meanwhile (stop the server).
package storecopy

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/postgres"

	_ "modernc.org/sqlite" // the "sqlite" driver
)

// Progress is told how far a phase is: done of total.
type Progress func(phase string, done, total int)

// OpenSource opens the SQLite database at path read-only. Open it with
// sqlite.Open first (which applies pending migrations) when it may be
// older than this binary.
func OpenSource(path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return nil, err
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// table is one table copied as a whole: its columns in SQLite, and the
// PostgreSQL columns that are booleans there (0/1 in SQLite).
type table struct {
	name  string
	cols  string
	bools map[string]bool
}

// small are the tables copied as a whole, parents first.
var small = []table{
	{name: "orgs", cols: "id, name, created_at"},
	{name: "projects", cols: "id, org_id, name, public_key, allowed_origins, retention_days, created_at, friction_config, privacy_config"},
	{name: "users", cols: "id, org_id, email, email_key, name, role, password_hash, created_at"},
	{name: "auth_sessions", cols: "id, user_id, created_at, expires_at"},
	{name: "api_keys", cols: "id, org_id, name, prefix, scope, hash, created_by, created_at, last_used_at"},
	{name: "project_limits", cols: "project_id, disabled, daily_batch_quota", bools: map[string]bool{"disabled": true}},
	{name: "project_scrub_counts", cols: "project_id, kind, path, count, last_at"},
	{name: "jobs", cols: "id, kind, project_id, user_id, target, status, sessions, events, chunks, blobs, error, created_at, started_at, finished_at"},
	{name: "erased_sessions", cols: "project_id, session_id, job_id, erased_at"},
	{name: "webhooks", cols: "id, project_id, url, events, secret, created_at"},
	{name: "webhook_deliveries", cols: "id, webhook_id, project_id, event, dedupe_key, payload, status, attempts, last_status, last_error, next_at, created_at, delivered_at"},
	{name: "segments", cols: "project_id, id, name, filter, created_at, updated_at"},
	{name: "funnels", cols: "project_id, id, name, definition, created_at, updated_at"},
	{name: "guides", cols: "project_id, id, status, version, definition, created_at, updated_at"},
	{name: "guide_versions", cols: "project_id, guide_id, version, definition, saved_at"},
	{name: "guide_assignments", cols: "project_id, guide_id, visitor_id, session_id, held_out, at", bools: map[string]bool{"held_out": true}},
	{name: "heat_day", cols: "project_id, path, device, day, layer, key, v0, v1, v2, v3, v4, v5, v6, v7"},
	{name: "heat_text", cols: "project_id, path, selector, text"},
}

// late are the tables of rows per session, copied whole (streamed) after
// the sessions they reference; heat_day above is their pre-aggregate, so
// copying both as they are keeps them in step.
var late = []table{
	{name: "heat_views", cols: "project_id, session_id, window_id, ts, path, device, day, snapshot, vw, vh, doc_h, depth, data"},
	{name: "heat_clicks", cols: "project_id, session_id, window_id, ts, idx, path, device, day, selector, cx, cy, px, py, kinds, text"},
}

var sessionTable = table{name: "sessions", cols: `project_id, id, visitor_id, user_id, user_traits, started_at,
	last_activity_at, duration_ms, active_ms, page_count, click_count, error_count,
	event_count, entry_url, entry_at, exit_url, exit_at, context_at, has_context,
	referrer, utm_source, utm_medium, utm_campaign, utm_term, utm_content,
	device_class, browser, os, viewport_w, viewport_h, language, time_zone,
	user_agent, raw_bytes, stored_bytes, closed, compacted, last_batch_at,
	friction_counts, frustration_score, exit_class, dropped_batches`,
	bools: map[string]bool{"has_context": true, "closed": true, "compacted": true}}

var (
	batchTable = table{name: "batches", cols: "project_id, session_id, window_id, seq, received_at, first_ts, last_ts"}
	chunkTable = table{name: "chunks", cols: "project_id, session_id, window_id, seq_from, seq_to, first_ts, last_ts, event_count, raw_bytes, stored_bytes, blob_key, data, assets"}
	eventTable = table{name: "events", cols: "project_id, session_id, window_id, seq, idx, type, ts, url, selector, text, x, y, name, data"}
	usage      = table{name: "project_usage", cols: "project_id, day, batches"}
)

// Tables are every table verified, in copy order.
func Tables() []string {
	var out []string
	for _, t := range small {
		out = append(out, t.name)
	}
	out = append(out, "project_usage", "sessions", "batches", "chunks", "events")
	for _, t := range late {
		out = append(out, t.name)
	}
	return out
}

func columns(t table) []string {
	parts := strings.Split(t.cols, ",")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
	}
	return parts
}

// rows reads query's rows as values, booleans converted for PostgreSQL.
func rows(ctx context.Context, src *sql.DB, t table, query string, args ...any) ([][]any, error) {
	r, err := src.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", t.name, err)
	}
	defer r.Close()
	cols := columns(t)
	var out [][]any
	for r.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := r.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("read %s: %w", t.name, err)
		}
		for i, c := range cols {
			if t.bools[c] {
				vals[i] = toInt(vals[i]) != 0
			}
		}
		out = append(out, vals)
	}
	return out, r.Err()
}

func toInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case bool:
		if x {
			return 1
		}
	}
	return 0
}

func insertSQL(name string, cols []string) string {
	ph := make([]string, len(cols))
	for i := range cols {
		ph[i] = fmt.Sprintf("$%d", i+1)
	}
	return fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s) ON CONFLICT DO NOTHING", name, strings.Join(cols, ", "), strings.Join(ph, ", "))
}

// Copy copies every row of src into dst (migrated, empty or partly copied
// by an earlier run) and every blob of srcBlobs into dstBlobs.
func Copy(ctx context.Context, src *sql.DB, dst *postgres.DB, srcBlobs, dstBlobs trailguide.BlobStore, progress Progress) error {
	if progress == nil {
		progress = func(string, int, int) {}
	}
	pool := dst.Pool()
	for _, t := range small {
		all, err := rows(ctx, src, t, "SELECT "+t.cols+" FROM "+t.name)
		if err != nil {
			return err
		}
		b := &pgx.Batch{}
		for _, r := range all {
			b.Queue(insertSQL(t.name, columns(t)), r...)
		}
		if err := pool.SendBatch(ctx, b).Close(); err != nil {
			return fmt.Errorf("write %s: %w", t.name, err)
		}
		progress(t.name, len(all), len(all))
	}
	// Usage: one shard of the day's sharded counter.
	all, err := rows(ctx, src, usage, "SELECT "+usage.cols+" FROM project_usage")
	if err != nil {
		return err
	}
	b := &pgx.Batch{}
	for _, r := range all {
		b.Queue(`INSERT INTO project_usage (project_id, day, shard, batches) VALUES ($1, $2, 0, $3) ON CONFLICT DO NOTHING`, r...)
	}
	if err := pool.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("write project_usage: %w", err)
	}

	if err := copySessions(ctx, src, dst, progress); err != nil {
		return err
	}
	for _, t := range late {
		if err := copyStream(ctx, src, dst, t, progress); err != nil {
			return err
		}
	}
	return copyBlobs(ctx, srcBlobs, dstBlobs, progress)
}

// copyStream copies a whole table in batches of 1000 rows, without
// holding it in memory; rows already there are kept (ON CONFLICT DO
// NOTHING), so an interrupted copy resumes.
func copyStream(ctx context.Context, src *sql.DB, dst *postgres.DB, t table, progress Progress) error {
	r, err := src.QueryContext(ctx, "SELECT "+t.cols+" FROM "+t.name)
	if err != nil {
		return fmt.Errorf("read %s: %w", t.name, err)
	}
	defer r.Close()
	cols := columns(t)
	query := insertSQL(t.name, cols)
	b := &pgx.Batch{}
	n := 0
	flush := func() error {
		if b.Len() == 0 {
			return nil
		}
		err := dst.Pool().SendBatch(ctx, b).Close()
		b = &pgx.Batch{}
		if err != nil {
			return fmt.Errorf("write %s: %w", t.name, err)
		}
		progress(t.name, n, n)
		return nil
	}
	for r.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := r.Scan(ptrs...); err != nil {
			return fmt.Errorf("read %s: %w", t.name, err)
		}
		b.Queue(query, vals...)
		n++
		if b.Len() == 1000 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := r.Err(); err != nil {
		return fmt.Errorf("read %s: %w", t.name, err)
	}
	if err := flush(); err != nil {
		return err
	}
	progress(t.name, n, n)
	return nil
}

func copySessions(ctx context.Context, src *sql.DB, dst *postgres.DB, progress Progress) error {
	type key struct{ project, id string }
	var ids []key
	r, err := src.QueryContext(ctx, `SELECT project_id, id FROM sessions ORDER BY project_id, id`)
	if err != nil {
		return fmt.Errorf("list sessions: %w", err)
	}
	for r.Next() {
		var k key
		if err := r.Scan(&k.project, &k.id); err != nil {
			r.Close()
			return err
		}
		ids = append(ids, k)
	}
	r.Close()
	have := map[key]bool{}
	pr, err := dst.Pool().Query(ctx, `SELECT project_id, id FROM sessions`)
	if err != nil {
		return fmt.Errorf("list copied sessions: %w", err)
	}
	for pr.Next() {
		var k key
		if err := pr.Scan(&k.project, &k.id); err != nil {
			pr.Close()
			return err
		}
		have[k] = true
	}
	pr.Close()
	if err := pr.Err(); err != nil {
		return err
	}
	scols, bcols, ccols, ecols := columns(sessionTable), columns(batchTable), columns(chunkTable), columns(eventTable)
	for i, k := range ids {
		if have[k] {
			progress("sessions", i+1, len(ids))
			continue
		}
		sess, err := rows(ctx, src, sessionTable, "SELECT "+sessionTable.cols+" FROM sessions WHERE project_id = ? AND id = ?", k.project, k.id)
		if err != nil {
			return fmt.Errorf("read session %s: %w", k.id, err)
		} else if len(sess) != 1 {
			return fmt.Errorf("read session %s: %d rows", k.id, len(sess))
		}
		batches, err := rows(ctx, src, batchTable, "SELECT "+batchTable.cols+" FROM batches WHERE project_id = ? AND session_id = ?", k.project, k.id)
		if err != nil {
			return err
		}
		chunks, err := rows(ctx, src, chunkTable, "SELECT "+chunkTable.cols+" FROM chunks WHERE project_id = ? AND session_id = ?", k.project, k.id)
		if err != nil {
			return err
		}
		events, err := rows(ctx, src, eventTable, "SELECT "+eventTable.cols+" FROM events WHERE project_id = ? AND session_id = ?", k.project, k.id)
		if err != nil {
			return err
		}
		// Events go into the partition of their batch's arrival; the
		// server's detections (seq -1) and events of a batch not recorded
		// into that of the session's first batch (as ReplaceFriction does).
		recvOf := map[string]int64{}
		first := toInt(sess[0][37]) // last_batch_at, when it has no batch
		for _, bt := range batches {
			recv := toInt(bt[4])
			recvOf[fmt.Sprint(bt[2], "\x00", bt[3])] = recv
			if recv < first || first == 0 {
				first = recv
			}
		}
		var evRows [][]any
		weeks := map[int64]bool{}
		for _, e := range events {
			recv, ok := recvOf[fmt.Sprint(e[2], "\x00", e[3])]
			if !ok {
				recv = first
			}
			weeks[recv] = true
			evRows = append(evRows, append(e, recv))
		}
		for recv := range weeks {
			if err := dst.EnsurePartition(ctx, recv); err != nil {
				return err
			}
		}
		err = pgx.BeginFunc(ctx, dst.Pool(), func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, insertSQL("sessions", append(scols, "first_batch_at")), append(sess[0], first)...); err != nil {
				return fmt.Errorf("session: %w", err)
			}
			for _, set := range []struct {
				name string
				cols []string
				rows [][]any
			}{{"batches", bcols, batches}, {"chunks", ccols, chunks}, {"events", append(ecols, "received_at"), evRows}} {
				if len(set.rows) == 0 {
					continue
				}
				if _, err := tx.CopyFrom(ctx, pgx.Identifier{set.name}, set.cols, pgx.CopyFromRows(set.rows)); err != nil {
					return fmt.Errorf("%s: %w", set.name, err)
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("copy session %s/%s: %w", k.project, k.id, err)
		}
		progress("sessions", i+1, len(ids))
	}
	if len(ids) == 0 {
		progress("sessions", 0, 0)
	}
	return nil
}

func copyBlobs(ctx context.Context, srcBlobs, dstBlobs trailguide.BlobStore, progress Progress) error {
	keys, err := srcBlobs.List(ctx, "")
	if err != nil {
		return fmt.Errorf("list blobs: %w", err)
	}
	for i, k := range keys {
		data, err := readBlob(ctx, srcBlobs, k)
		if err != nil {
			return err
		}
		if cur, err := readBlob(ctx, dstBlobs, k); err == nil && bytes.Equal(cur, data) {
			progress("blobs", i+1, len(keys)) // copied by an earlier run
			continue
		}
		if err := dstBlobs.Put(ctx, k, data); err != nil {
			return fmt.Errorf("put blob %s: %w", k, err)
		}
		progress("blobs", i+1, len(keys))
	}
	if len(keys) == 0 {
		progress("blobs", 0, 0)
	}
	return nil
}

func readBlob(ctx context.Context, s trailguide.BlobStore, key string) ([]byte, error) {
	rc, err := s.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// Check is the comparison of one table or of the blobs.
type Check struct {
	Name            string
	Source, Target  int
	SourceSum, TSum string // hex checksums
	Match           bool
}

// Verify compares every table (row count and an order-independent
// checksum over the common columns) and the blobs (keys and a checksum of
// their bytes). It returns the checks and an error naming what differs.
func Verify(ctx context.Context, src *sql.DB, dst *postgres.DB, srcBlobs, dstBlobs trailguide.BlobStore) ([]Check, error) {
	var checks []Check
	all := append(append([]table{}, small...), usage, sessionTable, batchTable, chunkTable, eventTable)
	all = append(all, late...)
	for _, t := range all {
		sq := "SELECT " + t.cols + " FROM " + t.name
		pq := sq
		if t.name == "project_usage" {
			pq = "SELECT project_id, day, sum(batches)::bigint FROM project_usage GROUP BY project_id, day"
		}
		c := Check{Name: t.name}
		var err error
		if c.Source, c.SourceSum, err = sumSQLite(ctx, src, t, sq); err != nil {
			return nil, err
		}
		if c.Target, c.TSum, err = sumPostgres(ctx, dst, t, pq); err != nil {
			return nil, err
		}
		c.Match = c.Source == c.Target && c.SourceSum == c.TSum
		checks = append(checks, c)
	}
	c := Check{Name: "blobs"}
	var err error
	if c.Source, c.SourceSum, err = sumBlobs(ctx, srcBlobs); err != nil {
		return nil, err
	}
	if c.Target, c.TSum, err = sumBlobs(ctx, dstBlobs); err != nil {
		return nil, err
	}
	c.Match = c.Source == c.Target && c.SourceSum == c.TSum
	checks = append(checks, c)
	var bad []string
	for _, c := range checks {
		if !c.Match {
			bad = append(bad, fmt.Sprintf("%s (%d rows vs %d)", c.Name, c.Source, c.Target))
		}
	}
	if len(bad) > 0 {
		return checks, errors.New("the copy differs: " + strings.Join(bad, ", "))
	}
	return checks, nil
}

// rowSum folds the SHA-256 of every row's canonical form with XOR, so that
// the order the two databases return rows in does not matter (keys are
// unique, so no two rows cancel out).
type rowSum struct {
	n   int
	sum [32]byte
}

func (s *rowSum) add(vals []any) {
	var b strings.Builder
	for _, v := range vals {
		switch x := v.(type) {
		case nil:
			b.WriteString("\x00N")
		case bool:
			fmt.Fprintf(&b, "\x00%d", toInt(x))
		case []byte:
			fmt.Fprintf(&b, "\x00%x", x)
		case int32:
			fmt.Fprintf(&b, "\x00%d", x)
		case int16:
			fmt.Fprintf(&b, "\x00%d", x)
		default:
			fmt.Fprintf(&b, "\x00%v", x)
		}
	}
	h := sha256.Sum256([]byte(b.String()))
	for i := range h {
		s.sum[i] ^= h[i]
	}
	s.n++
}

func sumSQLite(ctx context.Context, src *sql.DB, t table, query string) (int, string, error) {
	all, err := rows(ctx, src, t, query)
	if err != nil {
		return 0, "", err
	}
	var s rowSum
	for _, r := range all {
		s.add(r)
	}
	return s.n, fmt.Sprintf("%x", s.sum), nil
}

func sumPostgres(ctx context.Context, dst *postgres.DB, t table, query string) (int, string, error) {
	r, err := dst.Pool().Query(ctx, query)
	if err != nil {
		return 0, "", fmt.Errorf("read %s from postgres: %w", t.name, err)
	}
	defer r.Close()
	var s rowSum
	for r.Next() {
		vals, err := r.Values()
		if err != nil {
			return 0, "", err
		}
		s.add(vals)
	}
	return s.n, fmt.Sprintf("%x", s.sum), r.Err()
}

func sumBlobs(ctx context.Context, s trailguide.BlobStore) (int, string, error) {
	keys, err := s.List(ctx, "")
	if err != nil {
		return 0, "", err
	}
	sort.Strings(keys)
	h := sha256.New()
	for _, k := range keys {
		data, err := readBlob(ctx, s, k)
		if err != nil {
			return 0, "", fmt.Errorf("read blob %s: %w", k, err)
		}
		sum := sha256.Sum256(data)
		fmt.Fprintf(h, "%s\x00%x\n", k, sum)
	}
	return len(keys), fmt.Sprintf("%x", h.Sum(nil)), nil
}
