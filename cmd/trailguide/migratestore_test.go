package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/fileblob"
	"github.com/trailguide/trailguide/ingest"
	"github.com/trailguide/trailguide/internal/batchgen"
	"github.com/trailguide/trailguide/internal/pgtest"
	"github.com/trailguide/trailguide/internal/s3test"
	"github.com/trailguide/trailguide/internal/storecopy"
	"github.com/trailguide/trailguide/postgres"
	"github.com/trailguide/trailguide/s3blob"
	"github.com/trailguide/trailguide/sqlite"
	"github.com/trailguide/trailguide/worker"
)

// sqliteInstallation makes a SQLite + files installation with an org, a
// user, a project, sessions (half of them closed and compacted into blobs,
// half still staged) and an erasure tombstone.
func sqliteInstallation(t *testing.T, sessions int) string {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(filepath.Join(dir, "trailguide.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	blobs, err := fileblob.New(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	users, projects, ss := sqlite.NewUserStore(db), sqlite.NewProjectStore(db), sqlite.NewSessionStore(db)
	if err := users.CreateOrg(ctx, &trailguide.Org{ID: "acme", Name: "Acme"}); err != nil {
		t.Fatal(err)
	}
	if err := users.CreateUser(ctx, &trailguide.User{OrgID: "acme", Email: "a@acme.test", Role: trailguide.RoleAdmin, PasswordHash: "h"}); err != nil {
		t.Fatal(err)
	}
	if err := projects.CreateProject(ctx, &trailguide.Project{ID: "proj1", OrgID: "acme", Name: "P", PublicKey: "tg_pk_batchgen"}); err != nil {
		t.Fatal(err)
	}
	if err := projects.SetProjectLimits(ctx, "proj1", trailguide.ProjectLimits{DailyBatchQuota: 1000}); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	svc := ingest.NewService(ingest.Config{}, projects, sqlite.NewIngestStore(db), nil)
	for i := range sessions {
		for _, b := range batchgen.Session(uint64(7+i), batchgen.Options{Start: start, Batches: 3}) {
			if _, err := svc.Ingest(ctx, &trailguide.IngestRequest{Body: b.Gzip, ReceivedAt: start.Add(time.Duration(i) * time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Compact the first half (those idle before the cutoff).
	c := &migrateClock{start.Add(time.Duration(sessions/2)*time.Hour + 30*time.Minute)}
	w := worker.New(worker.Config{Clock: c, Projects: projects}, ss, blobs, nil)
	if n, err := w.RunOnce(ctx); err != nil || n == 0 {
		t.Fatalf("compact: %d %v", n, err)
	}
	if err := ss.CreateJob(ctx, &trailguide.Job{ID: "job1", Kind: "erase_user", ProjectID: "proj1", UserID: "u"}); err != nil {
		t.Fatal(err)
	}
	if err := ss.CreateJob(ctx, &trailguide.Job{ID: "job2", Kind: trailguide.JobEraseVisitor, ProjectID: "proj1", VisitorID: "v9"}); err != nil {
		t.Fatal(err)
	}
	if err := sqlite.NewSegmentStore(db).SaveSegment(ctx, &trailguide.Segment{ProjectID: "proj1", ID: "seg1", Name: "Paid",
		Filter:    &trailguide.Filter{Condition: &trailguide.Condition{Field: trailguide.FieldUTMSource, Op: trailguide.OpEq, Value: "google"}},
		CreatedAt: start, UpdatedAt: start}); err != nil {
		t.Fatal(err)
	}
	guides := sqlite.NewGuideStore(db)
	if err := guides.SaveGuide(ctx, &trailguide.Guide{ID: "g1", ProjectID: "proj1", Name: "Plan help", Type: trailguide.GuideTooltip,
		Status: trailguide.GuideDraft, Steps: []trailguide.GuideStep{{Title: "Pick a plan", Body: "Team fits most", Selector: "#plan"}},
		Trigger: trailguide.GuideTrigger{Type: trailguide.TriggerFriction, Selector: "#plan"}, CreatedAt: start, UpdatedAt: start}); err != nil {
		t.Fatal(err)
	}
	if _, err := guides.Assign(ctx, &trailguide.GuideAssignment{ProjectID: "proj1", GuideID: "g1", VisitorID: "v1", SessionID: "s1", HeldOut: true, At: start}); err != nil {
		t.Fatal(err)
	}
	hooks := sqlite.NewWebhookStore(db)
	wh := &trailguide.Webhook{ID: "wh1", ProjectID: "proj1", URL: "https://hooks.example/tg", Events: []string{trailguide.WebhookSessionError}, Secret: "s3cret"}
	if err := hooks.CreateWebhook(ctx, wh); err != nil {
		t.Fatal(err)
	}
	if _, err := hooks.EnqueueDelivery(ctx, &trailguide.WebhookDelivery{WebhookID: "wh1", ProjectID: "proj1", Event: trailguide.WebhookSessionError,
		DedupeKey: "k1", Payload: []byte(`{"a":1}`)}); err != nil {
		t.Fatal(err)
	}
	return dir
}

type migrateClock struct{ t time.Time }

func (c *migrateClock) Now() time.Time { return c.t }

func TestMigrateStore(t *testing.T) {
	ctx := context.Background()
	dir := sqliteInstallation(t, 6)
	pg, srv := pgtest.Get(t), s3test.Get(t)
	dsn, bucket := pg.NewDB(t, ""), srv.NewBucket(t)
	args := []string{"migrate-store", "--data", dir, "--store", "postgres", "--postgres-dsn", dsn, "--blob", "s3",
		"--s3-endpoint", srv.Endpoint, "--s3-bucket", bucket, "--s3-access-key", s3test.AccessKey, "--s3-secret-key", s3test.SecretKey}

	// An interrupted copy: cancelled after two sessions.
	src, err := storecopy.OpenSource(filepath.Join(dir, "trailguide.db"))
	if err != nil {
		t.Fatal(err)
	}
	dst, err := postgres.Open(ctx, dsn, postgres.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dst.Close() })
	srcBlobs, _ := fileblob.New(filepath.Join(dir, "blobs"))
	dstBlobs, err := s3blob.New(ctx, s3blob.Config{Endpoint: srv.Endpoint, Bucket: bucket, Region: s3test.Region,
		AccessKey: s3test.AccessKey, SecretKey: s3test.SecretKey, PathStyle: true})
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	err = storecopy.Copy(cctx, src, dst, srcBlobs, dstBlobs, func(phase string, done, total int) {
		if phase == "sessions" && done == 2 {
			cancel()
		}
	})
	src.Close()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted copy: %v", err)
	}
	if _, err := storecopy.Verify(ctx, mustSource(t, dir), dst, srcBlobs, dstBlobs); err == nil {
		t.Fatal("verify after an interrupted copy: no difference found")
	}

	// The command resumes and verifies.
	var stdout, stderr bytes.Buffer
	if code := run(ctx, args, nil, &stdout, &stderr, mapEnv(nil)); code != 0 {
		t.Fatalf("migrate-store: exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	out := stdout.String()
	if !strings.Contains(out, "Verified") || strings.Contains(out, "DIFFERS") {
		t.Fatalf("migrate-store output:\n%s", out)
	}
	if !strings.Contains(stderr.String(), "sessions") || !strings.Contains(stderr.String(), "6/6") {
		t.Errorf("no progress bar on stderr:\n%s", stderr.String())
	}
	for _, tbl := range []string{"sessions ", "events ", "blobs ", "chunks ", "users "} {
		if !strings.Contains(out, tbl) {
			t.Errorf("report lacks %q:\n%s", tbl, out)
		}
	}
	t.Logf("\n%s", out)

	// What was copied works through the PostgreSQL stores.
	ss := postgres.NewSessionStore(dst)
	page, err := ss.FindSessions(ctx, trailguide.SessionFilter{ProjectID: "proj1"})
	if err != nil || page.Total != 6 {
		t.Fatalf("sessions on postgres: %v %v", page, err)
	}
	compacted := 0
	for _, s := range page.Sessions {
		chunks, err := ss.Chunks(ctx, "proj1", s.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range chunks {
			if c.BlobKey != "" {
				compacted++
				if _, err := dstBlobs.Get(ctx, c.BlobKey); err != nil {
					t.Fatalf("blob of a compacted chunk: %v", err)
				}
			} else if _, err := ss.ChunkData(ctx, c); err != nil {
				t.Fatalf("staged chunk data: %v", err)
			}
		}
	}
	if compacted == 0 {
		t.Fatal("no compacted chunk copied")
	}
	if u, err := postgres.NewUserStore(dst).UserByEmail(ctx, "a@acme.test"); err != nil || u.OrgID != "acme" {
		t.Fatalf("user: %v %v", u, err)
	}
	if j, err := ss.Job(ctx, "job2"); err != nil || j.VisitorID != "v9" {
		t.Fatalf("visitor erasure job: %+v %v", j, err)
	}
	if sg, err := postgres.NewSegmentStore(dst).Segment(ctx, "proj1", "seg1"); err != nil || sg.Name != "Paid" || sg.Filter == nil {
		t.Fatalf("segment: %+v %v", sg, err)
	}
	if a, err := postgres.NewGuideStore(dst).Assign(ctx, &trailguide.GuideAssignment{ProjectID: "proj1", GuideID: "g1", VisitorID: "v1",
		SessionID: "s2", At: time.Now()}); err != nil || !a.HeldOut || a.SessionID != "s1" {
		t.Fatalf("guide assignment copied: %+v %v", a, err)
	}
	if d, err := postgres.NewWebhookStore(dst).Deliveries(ctx, "proj1", "wh1", 10); err != nil || len(d) != 1 || string(d[0].Payload) != `{"a":1}` {
		t.Fatalf("webhook deliveries: %v %v", d, err)
	}
	// The compacted sessions' heatmaps came over with their roll-up.
	srcDB, err := sqlite.Open(filepath.Join(dir, "trailguide.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	want, err := sqlite.NewSessionStore(srcDB).HeatmapPages(ctx, "proj1", "")
	srcDB.Close()
	if err != nil || len(want) == 0 {
		t.Fatalf("source heatmap pages: %v %v", want, err)
	}
	got, err := ss.HeatmapPages(ctx, "proj1", "")
	if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("heatmap pages on postgres: %v %v, want %v", got, err, want)
	}

	// Running it again changes nothing; a difference is reported.
	stdout.Reset()
	if code := run(ctx, args, nil, &stdout, &stderr, mapEnv(nil)); code != 0 || !strings.Contains(stdout.String(), "Verified") {
		t.Fatalf("second run: exit %d\n%s", code, stdout.String())
	}
	if _, err := dst.Pool().Exec(ctx, `UPDATE sessions SET page_count = page_count + 1 WHERE id = $1`, page.Sessions[0].ID); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	if code := run(ctx, append(args, "--verify-only"), nil, &stdout, &stderr, mapEnv(nil)); code == 0 || !strings.Contains(stdout.String(), "sessions") || !strings.Contains(stdout.String(), "DIFFERS") {
		t.Fatalf("verify of a changed copy: exit %d\n%s", code, stdout.String())
	}
}

func mustSource(t *testing.T, dir string) *sql.DB {
	t.Helper()
	src, err := storecopy.OpenSource(filepath.Join(dir, "trailguide.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

// TestUserCreatePostgres: `user create` with the PostgreSQL backend (from a
// settings file) makes an account the PostgreSQL stores find.
func TestUserCreatePostgres(t *testing.T) {
	ctx := context.Background()
	m := newMultiNode(t)
	var stdout, stderr bytes.Buffer
	env := map[string]string{"TG_TEST_DSN": m.dsn, "TG_TEST_S3_KEY": s3test.AccessKey, "TG_TEST_S3_SECRET": s3test.SecretKey}
	code := run(ctx, []string{"user", "create", "--config", m.config, "--email", "Ops@Acme.test", "--org", "acme"},
		strings.NewReader(testAdminPassword+"\n"), &stdout, &stderr, mapEnv(env))
	if code != 0 {
		t.Fatalf("user create: exit %d: %s %s", code, stdout.String(), stderr.String())
	}
	db, _ := m.stores(t)
	u, err := postgres.NewUserStore(db).UserByEmail(ctx, "ops@acme.test")
	if err != nil || u.OrgID != "acme" || u.Role != trailguide.RoleAdmin {
		t.Fatalf("user on postgres: %+v %v", u, err)
	}
}
