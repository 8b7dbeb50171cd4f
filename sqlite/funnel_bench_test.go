package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/analytics"
	"github.com/trailguide/trailguide/sqlite"
)

// The funnel and segment benchmarks run on one generated database of
// TG_BENCH_SESSIONS sessions (100,000 by default) of 100 events each (10 M),
// built once per process (a few minutes; `make bench` runs them, `make
// test` does not). Each reports its time and its ratio to a naive query of
// the same data measured in the same run.
var (
	benchOnce sync.Once
	benchDB   *sqlite.DB
	benchDir  string
)

const benchEventsPerSession = 100

func benchSessions() int {
	if n, err := strconv.Atoi(os.Getenv("TG_BENCH_SESSIONS")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

var (
	benchSources = []string{"google", "newsletter", "twitter", "partner", ""}
	benchDevices = []string{"desktop", "desktop", "mobile", "tablet"}
	benchRoles   = []string{"admin", "member", "manager", ""}
	benchPages   = []string{"https://app.test/", "https://app.test/pricing", "https://app.test/signup", "https://app.test/onboarding", "https://app.test/docs/a", "https://app.test/docs/b"}
	benchClicks  = []string{"#cta", "#signup-submit", "#plan", "#nav-1", "#nav-2", "#faq"}
)

func openBenchDB(b *testing.B) *sqlite.DB {
	if os.Getenv("TG_BENCH_FUNNEL") == "" {
		b.Skip("set TG_BENCH_FUNNEL=1 (make bench-funnel): builds a 10 M event database first")
	}
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "tg-funnel-bench")
		if err != nil {
			b.Fatal(err)
		}
		benchDir = dir
		db, err := sqlite.Open(filepath.Join(dir, "bench.db"), nil)
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		if err := sqlite.NewProjectStore(db).CreateProject(ctx, &trailguide.Project{ID: "p", Name: "P", PublicKey: "pk_p"}); err != nil {
			b.Fatal(err)
		}
		n := benchSessions()
		start := time.Now()
		r := rand.New(rand.NewPCG(1, 2))
		t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
		const perTx = 500 // sessions per transaction (50k events)
		for base := 0; base < n; base += perTx {
			db.BulkExec(b, func(tx *sql.Tx) error {
				ss, err := tx.Prepare(`INSERT INTO sessions (project_id, id, visitor_id, user_traits, started_at, last_activity_at,
					duration_ms, event_count, entry_url, utm_source, device_class, browser, os, viewport_w, language)
					VALUES ('p', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'Chrome', 'Windows', 1280, 'en')`)
				if err != nil {
					return err
				}
				es, err := tx.Prepare(`INSERT INTO events (project_id, session_id, window_id, seq, idx, type, ts, url, selector, name)
					VALUES ('p', ?, 'w', 0, ?, ?, ?, ?, ?, ?)`)
				if err != nil {
					return err
				}
				for i := base; i < min(n, base+perTx); i++ {
					id := fmt.Sprintf("s%07d", i)
					at := t0 + int64(i)*20_000
					traits := `{}`
					if role := benchRoles[r.IntN(len(benchRoles))]; role != "" {
						traits = `{"role":"` + role + `"}`
					}
					if _, err := ss.Exec(id, fmt.Sprintf("v%06d", i/2), traits, at, at+300_000, 300_000, benchEventsPerSession,
						benchPages[0], benchSources[r.IntN(len(benchSources))], benchDevices[r.IntN(len(benchDevices))]); err != nil {
						return err
					}
					// A session walks the pages in order, stopping early
					// at random, with clicks, scrolls and inputs between.
					page := 0
					for k := 0; k < benchEventsPerSession; k++ {
						ts := at + int64(k)*3000
						typ, url, sel, name := "scroll", benchPages[page], "", ""
						switch x := r.IntN(10); {
						case x < 2 && page < 3 && r.IntN(3) > 0:
							page++
							typ, url = "pageview", benchPages[page]
						case x < 2:
							typ, url = "pageview", benchPages[4+r.IntN(2)]
						case x < 5:
							typ, sel = "click", benchClicks[r.IntN(len(benchClicks))]
						case x < 6 && page == 3:
							typ, name = "track", "signup_completed"
						case x < 8:
							typ = "input"
						}
						if _, err := es.Exec(id, k, typ, ts, url, sel, name); err != nil {
							return err
						}
					}
				}
				return nil
			})
		}
		db.BulkExec(b, func(tx *sql.Tx) error { _, err := tx.Exec(`ANALYZE`); return err })
		b.Logf("generated %d sessions, %d events in %s", n, n*benchEventsPerSession, time.Since(start).Round(time.Second))
		benchDB = db
	})
	if benchDB == nil {
		b.Fatal("no bench database")
	}
	return benchDB
}

// BenchmarkFunnel4Steps: a 4-step sequential funnel by session over the
// whole data set, against the naive query that reads every event of the
// step types once.
func BenchmarkFunnel4Steps(b *testing.B) {
	db := openBenchDB(b)
	ctx := context.Background()
	svc := &analytics.Funnels{Store: sqlite.NewSessionStore(db)}
	q := &trailguide.FunnelQuery{ProjectID: "p", Funnel: trailguide.Funnel{Steps: []trailguide.FunnelStep{
		{Kind: "pageview", URL: "/pricing"}, {Kind: "pageview", URL: "/signup"},
		{Kind: "click", Selector: "#signup-submit"}, {Kind: "event", Name: "signup_completed"},
	}}}
	naive := func() time.Duration {
		start := time.Now()
		rows, err := db.Reader().QueryContext(ctx, `SELECT session_id, type, ts, url, selector, name FROM events
			WHERE project_id = 'p' AND type IN ('pageview', 'click', 'track')`)
		if err != nil {
			b.Fatal(err)
		}
		var sid, typ, url, sel, name string
		var ts int64
		n := 0
		for rows.Next() {
			if err := rows.Scan(&sid, &typ, &ts, &url, &sel, &name); err != nil {
				b.Fatal(err)
			}
			n++
		}
		rows.Close()
		return time.Since(start)
	}
	// The naive query runs as often as the funnel, interleaved, so that
	// both see the same load on a shared machine.
	var last *trailguide.FunnelResult
	var base, own time.Duration
	n := 0
	for b.Loop() {
		base += naive()
		start := time.Now()
		res, err := svc.Funnel(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		own += time.Since(start)
		last = res
		n++
	}
	per := own / time.Duration(n)
	base /= time.Duration(n)
	b.ReportMetric(float64(per.Milliseconds()), "ms/funnel")
	b.ReportMetric(float64(base.Milliseconds()), "ms/naive-scan")
	b.ReportMetric(float64(per)/float64(base), "ratio")
	b.Logf("entered per step: %d %d %d %d", last.Steps[0].Entered, last.Steps[1].Entered, last.Steps[2].Entered, last.Steps[3].Entered)
}

// BenchmarkSegmentSessionSearch: the first page (and total) of the sessions
// of a segment (source, device, role trait), against the naive count of
// all sessions.
func BenchmarkSegmentSessionSearch(b *testing.B) {
	db := openBenchDB(b)
	ctx := context.Background()
	st := sqlite.NewSessionStore(db)
	seg := &trailguide.Filter{And: []*trailguide.Filter{
		{Condition: &trailguide.Condition{Field: "utm_source", Op: "eq", Value: "google"}},
		{Condition: &trailguide.Condition{Field: "device", Op: "in", Values: []string{"mobile", "tablet"}}},
		{Not: &trailguide.Filter{Condition: &trailguide.Condition{Field: "trait", Key: "role", Op: "eq", Value: "admin"}}},
	}}
	var n, total, runs int
	var base, own time.Duration
	for b.Loop() {
		start := time.Now()
		if err := db.Reader().QueryRowContext(ctx, `SELECT count(*) FROM sessions WHERE project_id = 'p' AND browser = 'Chrome'`).Scan(&n); err != nil {
			b.Fatal(err)
		}
		base += time.Since(start)
		start = time.Now()
		page, err := st.FindSessions(ctx, trailguide.SessionFilter{ProjectID: "p", Segment: seg, Limit: 50})
		if err != nil {
			b.Fatal(err)
		}
		own += time.Since(start)
		total = page.Total
		runs++
	}
	per := own / time.Duration(runs)
	base /= time.Duration(runs)
	b.ReportMetric(float64(per.Microseconds())/1000, "ms/search")
	b.ReportMetric(float64(base.Microseconds())/1000, "ms/naive-count")
	b.ReportMetric(float64(per)/float64(base), "ratio")
	b.Logf("%d of %d sessions match", total, n)
}

// TestMain removes the benchmark database after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchDB != nil {
		benchDB.Close()
	}
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}
