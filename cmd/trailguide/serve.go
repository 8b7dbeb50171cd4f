package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/demo"
	"github.com/trailguide/trailguide/httpapi"
	"github.com/trailguide/trailguide/ingest"
	"github.com/trailguide/trailguide/web"
	"github.com/trailguide/trailguide/webhook"
	"github.com/trailguide/trailguide/worker"
)

// shutdownTimeout is how long in-flight requests may take after a signal.
const shutdownTimeout = 10 * time.Second

// serve runs the server until ctx is cancelled, then shuts down in order:
// stop accepting and drain requests, stop the worker, close the stores (the
// database last, through the deferred Close).
func serve(ctx context.Context, cfg ServeConfig, stdout, stderr io.Writer) error {
	logger := newLogger(cfg.LogFormat, cfg.LogLevel, stderr)

	bc := cfg.backend()
	st, err := openBackends(ctx, bc, logger)
	if err != nil {
		return err
	}
	defer func() {
		if err := st.Close(); err != nil {
			logger.Error("close database", "err", err)
		}
		logger.Info("stopped")
	}()
	mtr, blobs := newMetrics(st.DB, st.Blobs)
	projects := st.Projects
	sessions := st.Sessions
	users := st.Users
	ingestSvc := ingest.NewService(ingest.Config{}, projects, st.Ingest, logger)
	if c, ok := any(ingestSvc).(io.Closer); ok {
		defer c.Close()
	}

	// The worker runs on its own context so that it outlives the HTTP
	// drain and stops only after the last request is done.
	workerCtx, stopWorker := context.WithCancel(context.Background())
	defer stopWorker()
	var workers sync.WaitGroup
	eraser := worker.NewEraser(sessions, blobs, nil, logger)
	webhookStore := st.Webhooks
	hooks := webhook.New(webhook.Config{BaseURL: strings.TrimRight(cfg.PublicURL, "/")}, webhookStore, sessions, sessions, logger)
	if cfg.Role == roleAll || cfg.Role == roleWorker {
		// On PostgreSQL several worker nodes share the jobs by leases.
		wcfg := worker.Config{Projects: projects, Eraser: eraser, IdleAfter: cfg.WorkerIdleAfter,
			Interval: cfg.WorkerInterval, LeaseTTL: cfg.WorkerLeaseTTL,
			Observe: mtr.ObserveJob, OnClosed: hooks.SessionClosed}
		if wcfg.Interval == 0 && cfg.WorkerIdleAfter > 0 && cfg.WorkerIdleAfter < time.Minute {
			wcfg.Interval = cfg.WorkerIdleAfter // passes as often as sessions may close
		}
		if st.Leases != nil {
			wcfg.Leases, wcfg.Holder = st.Leases, workerHolder()
		}
		w := worker.New(wcfg, sessions, blobs, logger)
		workers.Go(func() { runWorker(workerCtx, w, logger) })
		workers.Go(func() { _ = hooks.Run(workerCtx) })
	}
	defer func() { // runs after stopWorker (defers are LIFO)
		workers.Wait()
		logger.Debug("worker stopped")
	}()
	defer stopWorker()

	if cfg.Role == roleWorker {
		logger.Info("worker running", bc.describe()...)
		<-ctx.Done()
		logger.Info("shutting down")
		return nil
	}

	serveAPI := cfg.Role == roleAll || cfg.Role == roleAPI
	var setupToken string
	if serveAPI {
		n, err := users.CountUsers(ctx)
		if err != nil {
			return fmt.Errorf("count users: %w", err)
		}
		if n == 0 {
			setupToken = randomToken()
		}
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	defer ln.Close()
	base := baseURL(ln.Addr())

	if cfg.Demo {
		if err := setupDemo(ctx, projects, users, sessions, ingestSvc, logger); err != nil {
			return err
		}
		if st.Segments != nil && st.FunnelDefs != nil {
			if err := setupDemoDefinitions(ctx, projects, st.Segments, st.FunnelDefs); err != nil {
				return err
			}
		}
	}

	api := httpapi.NewServer(httpapi.Config{
		Role:          httpRole(cfg.Role),
		SetupToken:    setupToken,
		Demo:          cfg.Demo,
		ReplayOrigins: cfg.ReplayOrigins,
		MetricsToken:  cfg.MetricsToken,
	}, httpapi.Deps{
		Ingest:   ingestSvc,
		Projects: projects,
		Sessions: sessions,
		Users:    users,
		Keys:     st.Keys,
		Blobs:    blobs,
		Dist:     web.Dist(),
		Erasure:  eraser,

		Segments:   st.Segments,
		FunnelDefs: st.FunnelDefs,
		Guides:     st.Guides,

		Metrics:        mtr,
		MetricsHandler: mtr.Handler(),
		Ready:          readyChecks(st.DB, blobs),
		Webhooks:       webhookStore,
		WebhookPinger:  hooks,
	}, logger)
	srv := &http.Server{
		Handler:           api.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.WithGroup("http").Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	// An end-to-end test parses these lines; keep their wording. The
	// dashboard line comes last: it tells a reader that startup is done.
	fmt.Fprintf(stdout, "Trailguide listening on %s\n", base)
	if setupToken != "" {
		fmt.Fprintf(stdout, "Create the first admin account: %s/setup?token=%s\n", base, setupToken)
	}
	if cfg.Demo && serveAPI {
		fmt.Fprintf(stdout, "Demo app: %s/demo/\n", base)
	}
	if serveAPI {
		fmt.Fprintf(stdout, "Dashboard: %s/\n", base)
	}
	logger.Info("serving", append([]any{"addr", ln.Addr().String(), "role", cfg.Role}, bc.describe()...)...)

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		logger.Warn("requests still running at shutdown", "err", err)
		_ = srv.Close()
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Warn("serve", "err", err)
	}
	logger.Debug("http server stopped")
	return nil
}

// runWorker runs w until ctx ends and logs how it ended.
func runWorker(ctx context.Context, w *worker.Worker, logger *slog.Logger) {
	if err := w.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		logger.Error("worker stopped", "err", err)
	}
}

// setupDemo creates the Demo project (in the default organisation) under
// demo.PublicKey if it is missing
// and loads the recorded demo sessions into it when it has none.
func setupDemo(ctx context.Context, projects trailguide.ProjectStore, users trailguide.UserStore, sessions trailguide.SessionStore, svc trailguide.IngestService, logger *slog.Logger) error {
	p, err := projects.ProjectByKey(ctx, demo.PublicKey)
	if trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
		if err := httpapi.EnsureDefaultOrg(ctx, users, time.Now()); err != nil {
			return err
		}
		p = &trailguide.Project{
			ID:             httpapi.NewID(),
			OrgID:          trailguide.DefaultOrgID,
			Name:           "Demo",
			PublicKey:      demo.PublicKey,
			AllowedOrigins: []string{},
			RetentionDays:  httpapi.DefaultRetentionDays,
			CreatedAt:      time.Now().UTC(),
		}
		if err := projects.CreateProject(ctx, p); err != nil {
			return fmt.Errorf("create demo project: %w", err)
		}
		logger.Info("demo project created", "project_id", p.ID)
	} else if err != nil {
		return fmt.Errorf("find demo project: %w", err)
	}
	page, err := sessions.FindSessions(ctx, trailguide.SessionFilter{ProjectID: p.ID, Limit: 1})
	if err != nil {
		return fmt.Errorf("count demo sessions: %w", err)
	}
	if len(page.Sessions) > 0 {
		return nil
	}
	n, err := demo.Seed(ctx, svc, demo.PublicKey, time.Now())
	if err != nil {
		return fmt.Errorf("seed demo sessions: %w", err)
	}
	logger.Info("demo sessions loaded", "sessions", n)
	return nil
}

// setupDemoDefinitions saves the demo's segments and sign-up funnel in the
// demo project, once (a project that has its own keeps them).
func setupDemoDefinitions(ctx context.Context, projects trailguide.ProjectStore, segs trailguide.SegmentStore, funnels trailguide.FunnelDefStore) error {
	p, err := projects.ProjectByKey(ctx, demo.PublicKey)
	if err != nil {
		return fmt.Errorf("find demo project: %w", err)
	}
	return demo.SaveDefinitions(ctx, p.ID, segs, funnels, time.Now().UTC())
}

// httpRole maps a serve role to the routes httpapi mounts.
func httpRole(role string) string {
	switch role {
	case roleIngest:
		return httpapi.RoleIngest
	case roleAPI:
		return httpapi.RoleAPI
	}
	return httpapi.RoleAll
}

// baseURL is the URL to print for a listener: an unspecified address
// (0.0.0.0, ::) is shown as localhost, which is what a browser on the same
// machine can open.
func baseURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// randomToken returns 32 random bytes, base64url: the one-time setup token.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ensureDir creates dir (and parents) readable only by this user.
func ensureDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	return nil
}
