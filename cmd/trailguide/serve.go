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
	"path/filepath"
	"sync"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/demo"
	"github.com/trailguide/trailguide/fileblob"
	"github.com/trailguide/trailguide/httpapi"
	"github.com/trailguide/trailguide/ingest"
	"github.com/trailguide/trailguide/sqlite"
	"github.com/trailguide/trailguide/web"
	"github.com/trailguide/trailguide/worker"
)

// shutdownTimeout is how long in-flight requests may take after a signal.
const shutdownTimeout = 10 * time.Second

// serve runs the server until ctx is cancelled, then shuts down in order:
// stop accepting and drain requests, stop the worker, close the stores (the
// database last, through the deferred Close).
func serve(ctx context.Context, cfg ServeConfig, stdout, stderr io.Writer) error {
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))

	db, err := openDB(cfg.DataDir, logger)
	if err != nil {
		return err
	}
	defer func() {
		if err := db.Close(); err != nil {
			logger.Error("close database", "err", err)
		}
		logger.Info("stopped")
	}()
	blobs, err := fileblob.New(filepath.Join(cfg.DataDir, "blobs"))
	if err != nil {
		return fmt.Errorf("open blob store: %w", err)
	}
	projects := sqlite.NewProjectStore(db)
	sessions := sqlite.NewSessionStore(db)
	users := sqlite.NewUserStore(db)
	ingestSvc := ingest.NewService(ingest.Config{}, projects, sqlite.NewIngestStore(db), logger)
	if c, ok := any(ingestSvc).(io.Closer); ok {
		defer c.Close()
	}

	// The worker runs on its own context so that it outlives the HTTP
	// drain and stops only after the last request is done.
	workerCtx, stopWorker := context.WithCancel(context.Background())
	defer stopWorker()
	var workers sync.WaitGroup
	eraser := worker.NewEraser(sessions, blobs, nil, logger)
	if cfg.Role == roleAll || cfg.Role == roleWorker {
		w := worker.New(worker.Config{Projects: projects, Eraser: eraser}, sessions, blobs, logger)
		workers.Go(func() { runWorker(workerCtx, w, logger) })
	}
	defer func() { // runs after stopWorker (defers are LIFO)
		workers.Wait()
		logger.Debug("worker stopped")
	}()
	defer stopWorker()

	if cfg.Role == roleWorker {
		logger.Info("worker running", "data", cfg.DataDir)
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
	}

	api := httpapi.NewServer(httpapi.Config{
		Role:          httpRole(cfg.Role),
		SetupToken:    setupToken,
		Demo:          cfg.Demo,
		ReplayOrigins: cfg.ReplayOrigins,
	}, httpapi.Deps{
		Ingest:   ingestSvc,
		Projects: projects,
		Sessions: sessions,
		Users:    users,
		Keys:     sqlite.NewAPIKeyStore(db),
		Blobs:    blobs,
		Dist:     web.Dist(),
		Erasure:  eraser,
		Segments: sqlite.NewSegmentStore(db),
		Guides:   sqlite.NewGuideStore(db),
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
	logger.Info("serving", "addr", ln.Addr().String(), "role", cfg.Role, "data", cfg.DataDir)

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
