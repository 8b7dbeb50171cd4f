package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
)

// heatBulk fills a project's heatmap tables with synthetic data in SQL, in
// one transaction per table, for the heatmap benchmark: sessions sessions
// over 30 days (70 % desktop, 20 % mobile, 10 % tablet), 5 page views each
// on 20 paths (skewed: /p0 gets about 10 % of the views), 20 clicks per view
// on 40 elements per page (skewed), offsets near the element centre, 1 % of
// clicks each rage, dead, error; every view with depth, 20 attention bands,
// pointer cells and 3 blocks. The roll-up is then built from the raw rows
// with GROUP BY queries (heatBulkRollup), which TestHeatBulkRollup checks
// against the Go roll-up the worker path uses.
const heatBulkBase = int64(1_780_000_000_000) // 2026-05-28, ms

// heatBulkLog, when set, reports each bulk step's time.
var heatBulkLog func(format string, args ...any)

func heatBulk(ctx context.Context, db *DB, projectID string, sessions int) error {
	// path and device are functions of (session, view) so that clicks and
	// views agree without a join
	const pathExpr = `'/p' || min(((s * 2654435761 + v * 40503) % 1000003) % 20, ((s * 40503 + v * 2654435761) % 999983) % 20)`
	const devExpr = `CASE WHEN s % 10 < 7 THEN 'desktop' WHEN s % 10 < 9 THEN 'mobile' ELSE 'tablet' END`
	const vwExpr = `CASE WHEN s % 10 < 7 THEN 1280 WHEN s % 10 < 9 THEN 390 ELSE 820 END`
	dayMS := int64(24 * time.Hour / time.Millisecond)
	steps := []string{
		`INSERT OR IGNORE INTO projects (id, name, public_key, created_at) VALUES (?1, 'Bench', 'pk_bench_' || ?1, 0)`,
		fmt.Sprintf(`WITH RECURSIVE n(s) AS (SELECT 0 UNION ALL SELECT s + 1 FROM n WHERE s < %d)
			INSERT INTO sessions (project_id, id, started_at, last_activity_at, device_class, closed)
			SELECT ?1, printf('s%%07d', s), %d + (s %% 30) * %d + s, %d + (s %% 30) * %d + s + 600000, %s, 1 FROM n`,
			sessions-1, heatBulkBase, dayMS, heatBulkBase, dayMS, devExpr),
		fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %d),
			g AS (SELECT i / 5 AS s, i %% 5 AS v, %d + ((i / 5) %% 30) * %d + (i / 5) + (i %% 5) * 120000 AS ts,
				20 + (i * 7919) %% 81 AS depth FROM n),
			r AS (SELECT *, %s AS path, %s AS device, %s AS vw FROM g)
			INSERT INTO heat_views (project_id, session_id, window_id, ts, path, device, day, snapshot, vw, vh, doc_h, depth, data)
			SELECT ?1, printf('s%%07d', s), 'w', ts, path, device, ts / %d, v = 0, vw, 800, 3000, depth,
				json_object('window', 'w', 'time', strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', ts / 1000.0, 'unixepoch'),
					'path', path, 'device', device, 'vw', vw, 'vh', 800, 'doc_h', 3000, 'depth', depth, 'snapshot', json(iif(v = 0, 'true', 'false')),
					'bands', json_array(9000, 8000, 7000, 6000, 5000, 4000 + abs(random()) %% 900, abs(random()) %% 3000, abs(random()) %% 2000,
						abs(random()) %% 1500, abs(random()) %% 1000, abs(random()) %% 900, abs(random()) %% 800, abs(random()) %% 700,
						abs(random()) %% 600, abs(random()) %% 500, abs(random()) %% 400, abs(random()) %% 300, abs(random()) %% 200,
						abs(random()) %% 100, abs(random()) %% 50),
					'moves', json_array(json_object('x', abs(random()) %% 40, 'y', abs(random()) %% 60, 'n', 1 + abs(random()) %% 5),
						json_object('x', abs(random()) %% 40, 'y', abs(random()) %% 60, 'n', 1 + abs(random()) %% 5),
						json_object('x', 20, 'y', 10, 'n', 3)),
					'blocks', json_array(
						json_object('selector', '#hero', 'top', 0, 'h', 700, 'seen', json('true'), 'dwell_ms', 2000 + abs(random()) %% 5000),
						json_object('selector', '#promo', 'top', 1200, 'h', 500, 'seen', json(iif(depth >= 60, 'true', 'false')), 'dwell_ms', abs(random()) %% 1500),
						json_object('selector', '#footer', 'top', 2700, 'h', 300, 'seen', json(iif(depth >= 95, 'true', 'false')), 'dwell_ms', abs(random()) %% 3000)))
			FROM r`, sessions*5-1, heatBulkBase, dayMS, pathExpr, devExpr, vwExpr, dayMS),
		fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %d),
			g AS (SELECT i / 100 AS s, (i / 20) %% 5 AS v, i %% 100 AS k, %d + ((i / 100) %% 30) * %d + (i / 100) + ((i / 20) %% 5) * 120000 + (i %% 20) * 1000 + 500 AS ts,
				abs(random()) %% 100 AS kr FROM n)
			INSERT INTO heat_clicks (project_id, session_id, window_id, ts, idx, path, device, day, selector, cx, cy, px, py, kinds)
			SELECT ?1, printf('s%%07d', s), 'w', ts, k, %s, %s, ts / %d,
				'#el' || min(abs(random()) %% 40, abs(random()) %% 40),
				1 + abs(random()) %% 4 + abs(random()) %% 4, 1 + abs(random()) %% 4 + abs(random()) %% 4,
				abs(random()) %% 1000, abs(random()) %% 2500,
				CASE kr WHEN 0 THEN 1 WHEN 1 THEN 2 WHEN 2 THEN 4 ELSE 0 END
			FROM g`, sessions*100-1, heatBulkBase, dayMS, pathExpr, devExpr, dayMS),
	}
	// The click index is built once at the end (sorting once is far
	// faster than 10 M random inserts into it), with a large page cache.
	steps = append([]string{`PRAGMA cache_size = -262144`, `DROP INDEX heat_clicks_element`}, steps...)
	steps = append(steps, `CREATE INDEX heat_clicks_element ON heat_clicks (project_id, path, device, selector, day)`)
	for i, q := range steps {
		t0 := time.Now()
		if err := db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, q, projectID)
			return err
		}); err != nil {
			return fmt.Errorf("bulk step %d: %w", i, err)
		}
		if heatBulkLog != nil {
			heatBulkLog("bulk step %d: %s", i, time.Since(t0).Round(time.Millisecond))
		}
	}
	return heatBulkRollup(ctx, db, projectID)
}

// heatBulkRollup builds heat_day from the raw rows in SQL (what
// SessionHeatmap.Rollup computes per session, summed).
func heatBulkRollup(ctx context.Context, db *DB, projectID string) error {
	const ins = `INSERT INTO heat_day (project_id, path, device, day, layer, key, v0, v1, v2, v3, v4, v5, v6, v7) `
	steps := []string{
		ins + `SELECT project_id, path, device, day, 'page', '', count(*), sum(vh), sum(doc_h), sum(doc_h > 0), 0, 0, 0, 0
			FROM heat_views WHERE project_id = ?1 GROUP BY path, device, day`,
		ins + `SELECT project_id, path, device, day, 'depth', CAST(min(20, depth / 5) AS TEXT), count(*), 0, 0, 0, 0, 0, 0, 0
			FROM heat_views WHERE project_id = ?1 GROUP BY path, device, day, min(20, depth / 5)`,
		ins + `SELECT v.project_id, v.path, v.device, v.day, 'band', j.key, sum(j.value), 0, 0, 0, 0, 0, 0, 0
			FROM heat_views v, json_each(v.data, '$.bands') j WHERE v.project_id = ?1 AND j.value > 0 GROUP BY v.path, v.device, v.day, j.key`,
		ins + `SELECT v.project_id, v.path, v.device, v.day, 'move', (j.value ->> '$.x') || ',' || (j.value ->> '$.y'), sum(j.value ->> '$.n'), 0, 0, 0, 0, 0, 0, 0
			FROM heat_views v, json_each(v.data, '$.moves') j WHERE v.project_id = ?1 GROUP BY 1, 2, 3, 4, 6`,
		ins + `SELECT v.project_id, v.path, v.device, v.day, 'block', j.value ->> '$.selector', count(*),
				sum(j.value ->> '$.seen'), sum((j.value ->> '$.seen') AND (j.value ->> '$.dwell_ms') < 1000), 0,
				sum(iif(j.value ->> '$.seen', j.value ->> '$.dwell_ms', 0)),
				sum(CAST((j.value ->> '$.top') * 1000 / v.doc_h AS INTEGER)), sum(CAST((j.value ->> '$.h') * 1000 / v.doc_h AS INTEGER)), 0
			FROM heat_views v, json_each(v.data, '$.blocks') j WHERE v.project_id = ?1 GROUP BY 1, 2, 3, 4, 6`,
		ins + `SELECT project_id, path, device, day, 'click', selector || char(31) || cx || char(31) || cy, count(*),
				sum(kinds & 1 > 0), sum(kinds & 2 > 0), sum(kinds & 4 > 0), sum(px), sum(py), 0, 0
			FROM heat_clicks WHERE project_id = ?1 GROUP BY path, device, day, selector, cx, cy`,
		// element views: a view is (session, window, the view's ts); clicks
		// carry their view's index in idx / 20 in the synthetic data
		ins + `SELECT project_id, path, device, day, 'element', selector, sum(n), sum(r), sum(d), sum(e), count(*), sum(r > 0), sum(d > 0), sum(e > 0)
			FROM (SELECT project_id, path, device, day, selector, count(*) n, sum(kinds & 1 > 0) r, sum(kinds & 2 > 0) d, sum(kinds & 4 > 0) e
				FROM heat_clicks WHERE project_id = ?1 GROUP BY session_id, idx / 20, path, device, day, selector)
			GROUP BY path, device, day, selector`,
	}
	for i, q := range steps {
		t0 := time.Now()
		if err := db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, q, projectID)
			return err
		}); err != nil {
			return fmt.Errorf("roll-up step %d: %w", i, err)
		}
		if heatBulkLog != nil {
			heatBulkLog("roll-up step %d: %s", i, time.Since(t0).Round(time.Millisecond))
		}
	}
	return nil
}

func dump(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 600 {
		b = b[:600]
	}
	return string(b)
}

func openBulkDB(tb testing.TB) *DB {
	tb.Helper()
	db, err := Open(filepath.Join(tb.TempDir(), "bench.db"), slog.New(slog.DiscardHandler))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// TestHeatBulkRollup: on a small bulk data set, the SQL-built roll-up gives
// the same heatmap as the Go roll-up of the raw rows (the filtered path), so
// the benchmark measures the tables the worker would have built.
func TestHeatBulkRollup(t *testing.T) {
	ctx := context.Background()
	db := openBulkDB(t)
	if err := heatBulk(ctx, db, "p", 300); err != nil {
		t.Fatal(err)
	}
	s := NewSessionStore(db)
	for _, q := range []trailguide.HeatmapQuery{
		{ProjectID: "p", Paths: []string{"/p0"}, Device: trailguide.DeviceDesktop},
		{ProjectID: "p", Paths: []string{"/p0", "/p3"}, Device: trailguide.DeviceMobile, From: time.UnixMilli(heatBulkBase + 5*86400000)},
	} {
		got, err := s.Heatmap(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		q.Sessions.HasError = new(bool) // every session, from the raw rows
		want, err := s.Heatmap(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if got.Views == 0 || len(got.Clicks) == 0 {
			t.Fatalf("no data for %v", q.Paths)
		}
		// the raw rows keep cell centres and ‰ positions, as the roll-up sums
		gv, wv := reflect.ValueOf(*got), reflect.ValueOf(*want)
		for i := range gv.NumField() {
			if f := gv.Type().Field(i); f.IsExported() && !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
				t.Errorf("%v: %s of the SQL roll-up differs from the Go roll-up of the raw rows:\n got %s\nwant %s", q.Paths, f.Name, dump(gv.Field(i).Interface()), dump(wv.Field(i).Interface()))
			}
		}
	}
}

// TestHeatmapBench is the heatmap benchmark of `make bench` (DESIGN §6,
// issue 9): heatmap, scroll and attention queries on 10 M clicks across
// 100 k sessions, p95 over repeated runs, against a plain full scan of the
// raw rows in the same run. TG_BENCH_HEATMAP=1 runs it; TG_BENCH_SESSIONS
// scales it.
func TestHeatmapBench(t *testing.T) {
	if os.Getenv("TG_BENCH_HEATMAP") == "" {
		t.Skip("TG_BENCH_HEATMAP=1 runs the heatmap benchmark (make bench)")
	}
	sessions := 100_000
	if v, err := strconv.Atoi(os.Getenv("TG_BENCH_SESSIONS")); err == nil && v > 0 {
		sessions = v
	}
	ctx := context.Background()
	db := openBulkDB(t)
	heatBulkLog = t.Logf
	defer func() { heatBulkLog = nil }()
	start := time.Now()
	if err := heatBulk(ctx, db, "p", sessions); err != nil {
		t.Fatal(err)
	}
	var clicks, views, rollRows int
	db.reader.QueryRow(`SELECT count(*) FROM heat_clicks`).Scan(&clicks)
	db.reader.QueryRow(`SELECT count(*) FROM heat_views`).Scan(&views)
	db.reader.QueryRow(`SELECT count(*) FROM heat_day`).Scan(&rollRows)
	t.Logf("generated %d sessions, %d views, %d clicks, %d roll-up rows in %s", sessions, views, clicks, rollRows, time.Since(start).Round(time.Second))

	s := NewSessionStore(db)
	// the most viewed page on desktop, over the whole 30 days
	pages, err := s.HeatmapPages(ctx, "p", trailguide.DeviceDesktop)
	if err != nil || len(pages) == 0 {
		t.Fatal(pages, err)
	}
	top := pages[0].Path
	var pageClicks int
	db.reader.QueryRow(`SELECT count(*) FROM heat_clicks WHERE path = ? AND device = 'desktop'`, top).Scan(&pageClicks)
	t.Logf("page %s: %d desktop views, %d desktop clicks", top, pages[0].Views, pageClicks)
	from := time.UnixMilli(heatBulkBase)
	to := from.Add(30 * 24 * time.Hour)
	q := trailguide.HeatmapQuery{ProjectID: "p", Paths: []string{top}, Device: trailguide.DeviceDesktop, From: from, To: to}
	fromDay, toDay := dayRange(q)

	p95 := func(runs int, f func() error) time.Duration {
		ds := make([]time.Duration, 0, runs)
		for range runs {
			t0 := time.Now()
			if err := f(); err != nil {
				t.Fatal(err)
			}
			ds = append(ds, time.Since(t0))
		}
		slices.Sort(ds)
		return ds[(len(ds)*95+99)/100-1]
	}
	mapQuery := func(layers ...string) func() error {
		return func() error {
			qq := q
			qq.Layers = layers
			_, err := s.Heatmap(ctx, qq)
			return err
		}
	}
	scan := func(query string) func() error {
		return func() error {
			rows, err := db.reader.QueryContext(ctx, query, top, fromDay, toDay)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
			}
			return rows.Err()
		}
	}
	type bench struct {
		name     string
		layers   []string
		baseline string
	}
	for _, b := range []bench{
		{"clicks", []string{trailguide.LayerClick, trailguide.LayerElement},
			`SELECT selector, cx, cy, count(*), sum(kinds & 1 > 0), sum(kinds & 2 > 0), sum(kinds & 4 > 0), sum(px), sum(py)
			FROM heat_clicks NOT INDEXED WHERE project_id = 'p' AND path = ?1 AND device = 'desktop' AND day >= ?2 AND day < ?3 GROUP BY selector, cx, cy`},
		{"scroll", []string{trailguide.LayerDepth},
			`SELECT min(20, depth / 5), count(*) FROM heat_views NOT INDEXED
			WHERE project_id = 'p' AND path = ?1 AND device = 'desktop' AND day >= ?2 AND day < ?3 GROUP BY 1`},
		{"attention", []string{trailguide.LayerBand},
			`SELECT j.key, sum(j.value) FROM heat_views v NOT INDEXED, json_each(v.data, '$.bands') j
			WHERE v.project_id = 'p' AND v.path = ?1 AND v.device = 'desktop' AND v.day >= ?2 AND v.day < ?3 GROUP BY j.key`},
		{"all-layers", nil, ""},
	} {
		got := p95(40, mapQuery(b.layers...))
		line := fmt.Sprintf("heatmap %-10s p95 %7.1f ms", b.name, float64(got.Microseconds())/1000)
		if b.baseline != "" {
			base := p95(5, scan(b.baseline))
			line += fmt.Sprintf("   full scan p95 %8.1f ms   %6.1fx faster", float64(base.Microseconds())/1000, float64(base)/float64(got))
		}
		if got > 150*time.Millisecond && b.baseline != "" {
			line += "   OVER the 150 ms budget"
		}
		t.Log(line)
		fmt.Println(line)
	}
}
