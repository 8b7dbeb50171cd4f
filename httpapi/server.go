// Package httpapi serves Trailguide over HTTP: the public ingest endpoints
// the SDK talks to, the dashboard's JSON API with its cookie sessions, and
// the embedded browser bundles. Routes are one table on http.ServeMux
// (routes below); each resource has its own file whose handlers decode,
// validate, call a root service or store, and respond. Errors carry root
// codes that error.go maps to status codes in one place.
package httpapi

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/analytics"
	"github.com/trailguide/trailguide/guide"
	"github.com/trailguide/trailguide/password"
)

// Roles select which routes a server mounts (serve --role).
const (
	RoleAll    = "all"
	RoleIngest = "ingest" // /ingest/v1/* and /sdk/*
	RoleAPI    = "api"    // /api/v1/*, dashboard, demo and SDK assets
)

// Config tunes a Server. Zero values take the defaults noted per field.
type Config struct {
	// Role is RoleAll (default), RoleIngest or RoleAPI.
	Role string
	// MaxCompressedBytes bounds an ingest request body as sent; 1 MiB by
	// default. The decompressed limit is the ingest service's business.
	MaxCompressedBytes int64
	// MaxJSONBytes bounds dashboard API request bodies; 64 KiB by default.
	MaxJSONBytes int64
	// SetupToken enables POST /api/v1/setup once; empty disables it.
	SetupToken string
	// Demo serves /demo/* from the demo bundle.
	Demo bool
	// Password are the argon2id parameters for new hashes;
	// password.DefaultParams by default.
	Password password.Params
	// LoginPerMinute is how many login and setup attempts one client IP
	// may make per minute; 10 by default.
	LoginPerMinute int
	// SessionTTL is the lifetime of a dashboard session; 30 days by default.
	SessionTTL time.Duration
	// Clock is the time source; the system clock by default.
	Clock trailguide.Clock
	// ReplayOrigins are the only hosts besides this server that a replay
	// may load images, stylesheets and fonts from (the dashboard CSP);
	// each must pass ValidOrigin. Empty: none, recorded pages replay
	// without their outside resources and the viewer's browser contacts no
	// host a recording names.
	ReplayOrigins []string
	// MetricsToken, when set, is the bearer token GET /metrics requires;
	// empty: /metrics is open to whoever reaches the listener.
	MetricsToken string
	// GuideBudget is the interruption budget of guides per visitor;
	// guide.DefaultBudget when zero.
	GuideBudget guide.Budget
}

// Deps are the services and stores the handlers call. Ingest is needed for
// RoleIngest; the stores for RoleAPI; Dist (web.Dist()) for static files.
type Deps struct {
	Ingest   trailguide.IngestService
	Projects trailguide.ProjectStore
	Sessions trailguide.SessionStore
	// Friction serves the friction report; when nil, Sessions is used if
	// it implements trailguide.FrictionStore (the SQLite store does).
	Friction trailguide.FrictionStore
	Users    trailguide.UserStore
	// Keys holds the secret API keys; without it, bearer requests are
	// refused.
	Keys  trailguide.APIKeyStore
	Blobs trailguide.BlobStore
	Dist  fs.FS
	// Privacy serves the scrubber's counts; when nil, Sessions is used if
	// it implements trailguide.PrivacyStore (the SQLite store does).
	Privacy trailguide.PrivacyStore
	// Erasure runs per-user erasures; without it those routes answer 503.
	Erasure trailguide.ErasureService
	// Metrics, when set, observes every ingest batch; MetricsHandler
	// serves GET /metrics (404 without it).
	Metrics        ObserveIngester
	MetricsHandler http.Handler
	// Ready are the checks of GET /readyz (the store, the blob store);
	// none: ready whenever the process answers.
	Ready []ReadyCheck
	// Webhooks keeps project webhooks; WebhookPinger enqueues test
	// deliveries (webhook.Service). Without Webhooks those routes answer 503.
	Webhooks      trailguide.WebhookStore
	WebhookPinger interface {
		Ping(ctx context.Context, h *trailguide.Webhook) (*trailguide.WebhookDelivery, error)
	}
	// Heatmaps serves the heatmap API; when nil, Sessions is used if it
	// implements trailguide.HeatmapStore (the SQLite and PostgreSQL stores do).
	Heatmaps trailguide.HeatmapStore
	// Segments keeps saved segments; without it those routes answer 503.
	Segments trailguide.SegmentStore
	// Funnels computes funnels; when nil, an analytics.Funnels over
	// Sessions if it implements trailguide.FunnelStore (the SQLite store
	// does).
	Funnels trailguide.FunnelService
	// FunnelDefs keeps saved funnels; without it those routes answer 503.
	FunnelDefs trailguide.FunnelDefStore
	// Guides keeps guides and answers eligibility and impact; without it
	// those routes answer 503.
	Guides trailguide.GuideStore
}

// Server is the HTTP front of Trailguide.
type Server struct {
	cfg    Config
	deps   Deps
	logger *slog.Logger
	mux    *http.ServeMux
	csp    string

	setupMu    sync.Mutex
	setupToken string // consumed (emptied) by a successful setup

	dummyHash func() string // hash compared against for unknown emails
	limiter   *rateLimiter
	table     []route
}

// NewServer returns a Server with its routes mounted.
func NewServer(cfg Config, deps Deps, logger *slog.Logger) *Server {
	if cfg.Role == "" {
		cfg.Role = RoleAll
	}
	if cfg.MaxCompressedBytes <= 0 {
		cfg.MaxCompressedBytes = 1 << 20
	}
	if cfg.MaxJSONBytes <= 0 {
		cfg.MaxJSONBytes = 64 << 10
	}
	if cfg.Password == (password.Params{}) {
		cfg.Password = password.DefaultParams
	}
	if cfg.LoginPerMinute <= 0 {
		cfg.LoginPerMinute = 10
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 30 * 24 * time.Hour
	}
	if cfg.Clock == nil {
		cfg.Clock = trailguide.SystemClock{}
	}
	if deps.Friction == nil {
		deps.Friction, _ = deps.Sessions.(trailguide.FrictionStore)
	}
	if deps.Privacy == nil {
		deps.Privacy, _ = deps.Sessions.(trailguide.PrivacyStore)
	}
	if deps.Heatmaps == nil {
		deps.Heatmaps, _ = deps.Sessions.(trailguide.HeatmapStore)
	}
	if fs, ok := deps.Sessions.(trailguide.FunnelStore); ok && deps.Funnels == nil {
		deps.Funnels = &analytics.Funnels{Store: fs}
	}
	s := &Server{
		cfg:        cfg,
		deps:       deps,
		logger:     logger.WithGroup("httpapi"),
		mux:        http.NewServeMux(),
		setupToken: cfg.SetupToken,
		limiter:    newRateLimiter(cfg.LoginPerMinute, time.Minute, cfg.Clock),
		csp:        dashboardCSP(cfg.ReplayOrigins),
	}
	params := cfg.Password
	s.dummyHash = sync.OnceValue(func() string {
		h, err := password.Hash("trailguide-dummy-password", params)
		if err != nil {
			s.logger.Error("bad password parameters; using the defaults for the dummy hash", "err", err)
			h, _ = password.Hash("trailguide-dummy-password", password.DefaultParams)
		}
		return h
	})
	if cfg.Role != RoleIngest {
		// Made now rather than at the first unknown-email login, so that
		// not even that login is faster than one for a real account.
		go s.dummyHash()
	}
	s.routes()
	return s
}

// route is one row of the route table: a Go 1.22 mux pattern, the
// permission a caller needs (permissions.go), and the handler. Every route
// must declare its permission; the tenant-isolation and role tests walk this
// table.
type route struct {
	pattern string
	perm    perm
	handler http.HandlerFunc
}

// routeTable is the whole URL space of the server for its role. A GET
// pattern also answers HEAD. Everything not listed falls through to
// handleFallback: JSON 404 under /api and /ingest, the dashboard for any
// other GET.
func (s *Server) routeTable() []route {
	ingest := s.cfg.Role == RoleAll || s.cfg.Role == RoleIngest
	api := s.cfg.Role == RoleAll || s.cfg.Role == RoleAPI
	rt := []route{
		{"GET /healthz", permPublic, s.handleHealthz},
		{"GET /readyz", permPublic, s.handleReadyz},
		{"GET /metrics", permPublic, s.handleMetrics},
	}
	if ingest {
		// Authenticated by the project's public key inside the request.
		rt = append(rt,
			route{"POST /ingest/v1/batch", permPublic, s.handleIngestBatch},
			route{"GET /ingest/v1/config", permPublic, s.handleIngestConfig},
			route{"POST /ingest/v1/guides", permPublic, s.handleIngestGuides},
			route{"OPTIONS /ingest/", permPublic, s.handleIngestPreflight},
		)
	}
	if api {
		rt = append(rt,
			route{"GET /api/v1/openapi.json", permPublic, s.handleOpenAPI},
			route{"GET /api/v1/setup", permPublic, s.handleSetupStatus},
			route{"POST /api/v1/setup", permPublic, s.handleSetup},
			route{"POST /api/v1/login", permPublic, s.handleLogin},
			route{"POST /api/v1/logout", permPublic, s.handleLogout},
			route{"GET /api/v1/me", permSelf, s.handleMe},
			route{"POST /api/v1/me/password", permSelf, s.handleChangePassword},

			route{"GET /api/v1/users", permRead, s.handleListUsers},
			route{"POST /api/v1/users", permAdmin, s.handleCreateUser},
			route{"PATCH /api/v1/users/{uid}", permAdmin, s.handleUpdateUser},
			route{"DELETE /api/v1/users/{uid}", permAdmin, s.handleDeleteUser},

			route{"GET /api/v1/keys", permAdmin, s.handleListKeys},
			route{"POST /api/v1/keys", permAdmin, s.handleCreateKey},
			route{"DELETE /api/v1/keys/{kid}", permAdmin, s.handleRevokeKey},

			route{"GET /api/v1/projects", permRead, s.handleListProjects},
			route{"POST /api/v1/projects", permAdmin, s.handleCreateProject},
			route{"GET /api/v1/projects/{pid}", permRead, s.handleGetProject},
			route{"PUT /api/v1/projects/{pid}/allowed-origins", permAdmin, s.handlePutAllowedOrigins},
			route{"GET /api/v1/projects/{pid}/settings", permRead, s.handleGetSettings},
			route{"PUT /api/v1/projects/{pid}/settings", permAdmin, s.handlePutSettings},
			route{"GET /api/v1/projects/{pid}/settings/privacy", permRead, s.handleGetPrivacy},
			route{"PUT /api/v1/projects/{pid}/settings/privacy", permAdmin, s.handlePutPrivacy},

			route{"GET /api/v1/projects/{pid}/sessions", permRead, s.handleListSessions},
			route{"GET /api/v1/projects/{pid}/sessions/facets", permRead, s.handleSessionFacets},
			route{"GET /api/v1/projects/{pid}/sessions/{sid}", permRead, s.handleGetSession},
			route{"GET /api/v1/projects/{pid}/sessions/{sid}/recording", permRead, s.handleRecording},
			route{"GET /api/v1/projects/{pid}/sessions/{sid}/events", permRead, s.handleSessionEvents},
			route{"DELETE /api/v1/projects/{pid}/sessions/{sid}", permAdmin, s.handleDeleteSession},

			route{"GET /api/v1/projects/{pid}/friction", permRead, s.handleFrictionReport},

			route{"GET /api/v1/projects/{pid}/heatmaps", permRead, s.handleHeatmap},
			route{"GET /api/v1/projects/{pid}/heatmaps/pages", permRead, s.handleHeatmapPages},
			route{"GET /api/v1/projects/{pid}/heatmaps/sessions", permRead, s.handleHeatmapSessions},
			route{"GET /api/v1/projects/{pid}/heatmaps/snapshot", permRead, s.handleHeatmapSnapshot},
			route{"GET /api/v1/projects/{pid}/segments", permRead, s.handleListSegments},
			route{"POST /api/v1/projects/{pid}/segments", permWrite, s.handleSaveSegment},
			route{"PUT /api/v1/projects/{pid}/segments/{segid}", permWrite, s.handleSaveSegment},
			route{"DELETE /api/v1/projects/{pid}/segments/{segid}", permWrite, s.handleDeleteSegment},

			route{"GET /api/v1/projects/{pid}/funnels", permRead, s.handleListFunnels},
			route{"POST /api/v1/projects/{pid}/funnels", permWrite, s.handleSaveFunnel},
			route{"PUT /api/v1/projects/{pid}/funnels/{fid}", permWrite, s.handleSaveFunnel},
			route{"DELETE /api/v1/projects/{pid}/funnels/{fid}", permWrite, s.handleDeleteFunnel},
			route{"GET /api/v1/projects/{pid}/funnel", permRead, s.handleFunnel},
			route{"GET /api/v1/projects/{pid}/funnel/sessions", permRead, s.handleFunnelSessions},
			route{"GET /api/v1/projects/{pid}/funnel/dropoff", permRead, s.handleDropoff},
			route{"GET /api/v1/projects/{pid}/struggles", permRead, s.handleStruggles},

			route{"GET /api/v1/projects/{pid}/guides", permRead, s.handleListGuides},
			route{"POST /api/v1/projects/{pid}/guides", permWrite, s.handleSaveGuide},
			route{"GET /api/v1/projects/{pid}/guides/{gid}", permRead, s.handleGetGuide},
			route{"PUT /api/v1/projects/{pid}/guides/{gid}", permWrite, s.handleSaveGuide},
			route{"DELETE /api/v1/projects/{pid}/guides/{gid}", permWrite, s.handleDeleteGuide},
			route{"POST /api/v1/projects/{pid}/guides/{gid}/publish", permWrite, s.handleGuideStatus(trailguide.GuidePublished)},
			route{"POST /api/v1/projects/{pid}/guides/{gid}/pause", permWrite, s.handleGuideStatus(trailguide.GuidePaused)},
			route{"GET /api/v1/projects/{pid}/guides/{gid}/versions", permRead, s.handleGuideVersions},
			route{"GET /api/v1/projects/{pid}/guides/{gid}/impact", permRead, s.handleGuideImpact},

			route{"GET /api/v1/projects/{pid}/privacy", permRead, s.handlePrivacy},
			route{"DELETE /api/v1/projects/{pid}/users/{userId}", permAdmin, s.handleEraseUser},
			route{"DELETE /api/v1/projects/{pid}/visitors/{visitorId}", permAdmin, s.handleEraseVisitor},
			route{"GET /api/v1/jobs/{id}", permRead, s.handleGetJob},

			route{"GET /api/v1/projects/{pid}/webhooks", permAdmin, s.handleListWebhooks},
			route{"POST /api/v1/projects/{pid}/webhooks", permAdmin, s.handleCreateWebhook},
			route{"DELETE /api/v1/projects/{pid}/webhooks/{wid}", permAdmin, s.handleDeleteWebhook},
			route{"GET /api/v1/projects/{pid}/webhooks/{wid}/deliveries", permAdmin, s.handleWebhookDeliveries},
			route{"POST /api/v1/projects/{pid}/webhooks/{wid}/test", permAdmin, s.handleTestWebhook},
		)
	}

	rt = append(rt, route{"GET /sdk/{file...}", permPublic, s.handleSDK})
	if api {
		rt = append(rt, route{"GET /assets/{file...}", permPublic, s.handleAssets})
		if s.cfg.Demo {
			rt = append(rt, route{"GET /demo/{file...}", permPublic, s.handleDemo})
		}
	}
	return append(rt, route{"/", permPublic, s.handleFallback})
}

// routes mounts the route table, each handler behind its permission check.
func (s *Server) routes() {
	s.table = s.routeTable()
	for _, rt := range s.table {
		s.mux.HandleFunc(rt.pattern, s.guard(rt))
	}
}

// Route describes one mounted route for tests and docs: its mux pattern
// and the permission it needs ("public", "self", "read", "write",
// "admin").
type Route struct {
	Pattern string
	Perm    string
}

// Routes returns the mounted route table, in order.
func (s *Server) Routes() []Route {
	out := make([]Route, len(s.table))
	for i, rt := range s.table {
		out[i] = Route{Pattern: rt.pattern, Perm: string(rt.perm)}
	}
	return out
}

// Handler returns the server's root handler: the route table behind the
// headers every response carries, the CSRF check and panic recovery.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		if isAPI(r.URL.Path) {
			h.Set("Cache-Control", "no-store")
			if !csrfSafe(r) {
				s.Error(w, r, trailguide.Errorf(trailguide.EFORBIDDEN, "Missing X-TG-CSRF header."))
				return
			}
		}
		if strings.HasPrefix(r.URL.Path, "/ingest/") {
			// Any site may send to ingest: the key is public and nothing
			// here reads cookies, so no credentials are allowed.
			h.Set("Access-Control-Allow-Origin", "*")
		}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.logger.Error("panic in handler", "method", r.Method, "path", r.URL.Path, "panic", v)
				s.Error(w, r, trailguide.Errorf(trailguide.EINTERNAL, "panic"))
			}
		}()
		if s.logger.Enabled(r.Context(), slog.LevelDebug) {
			start := time.Now()
			sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
			defer func() {
				s.logger.Debug("request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
					"bytes_in", r.ContentLength, "duration", time.Since(start))
			}()
			w = sw
		}
		s.mux.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status for the debug access log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// csrfSafe reports whether r may proceed: safe methods always, state-changing
// ones only with the custom header a cross-site form cannot send. Requests
// with an Authorization header need no CSRF header: they are authenticated
// by that header alone (cookies are then ignored), and a browser never adds
// it to a cross-site request by itself.
func csrfSafe(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return r.Header.Get("X-TG-CSRF") == "1" || r.Header.Get("Authorization") != ""
}

func isAPI(path string) bool {
	return path == "/api" || strings.HasPrefix(path, "/api/")
}

func isIngest(path string) bool {
	return path == "/ingest" || strings.HasPrefix(path, "/ingest/")
}

// handleFallback answers every request no route matched.
func (s *Server) handleFallback(w http.ResponseWriter, r *http.Request) {
	switch {
	case isAPI(r.URL.Path) || isIngest(r.URL.Path):
		s.Error(w, r, trailguide.Errorf(trailguide.ENOTFOUND, "Not found."))
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "Method not allowed.", http.StatusMethodNotAllowed)
	case s.cfg.Role == RoleIngest:
		http.NotFound(w, r)
	default:
		s.handleDashboard(w, r)
	}
}

// now is the server's clock.
func (s *Server) now() time.Time { return s.cfg.Clock.Now() }

// ctxKey keys request-scoped values.
type ctxKey int

const (
	principalKey ctxKey = iota
	projectKey
)

// principalFrom returns who guard authenticated for this request; nil on
// public routes.
func principalFrom(ctx context.Context) *principal {
	p, _ := ctx.Value(principalKey).(*principal)
	return p
}

// userFrom returns the logged-in user; nil on public routes and for
// requests made with an API key.
func userFrom(ctx context.Context) *trailguide.User {
	if p := principalFrom(ctx); p != nil {
		return p.User
	}
	return nil
}
