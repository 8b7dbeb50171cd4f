package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/httpapi"
)

// Serve roles (serve --role).
const (
	roleAll    = "all"
	roleIngest = "ingest"
	roleAPI    = "api"
	roleWorker = "worker"
)

var roles = []string{roleAll, roleIngest, roleAPI, roleWorker}

// Defaults of serve; TRAILGUIDE_ADDR and TRAILGUIDE_DATA override them and
// flags override both.
const (
	defaultAddr    = "127.0.0.1:8070"
	defaultDataDir = "./trailguide-data"
)

// ServeConfig is everything `trailguide serve` is told.
type ServeConfig struct {
	Addr     string     // listen address, host:port (port 0 picks one)
	DataDir  string     // SQLite database and blobs live here
	Demo     bool       // serve the demo app and seed its project
	Role     string     // all, ingest, api or worker
	LogLevel slog.Level // debug, info, warn or error
	// ReplayOrigins may serve images, stylesheets and fonts to replays
	// (the dashboard CSP's allow-list; docs/SECURITY.md). Empty: none.
	ReplayOrigins []string
	// LogFormat is "text" (default) or "json" (one JSON object per line).
	LogFormat string
	// MetricsToken, when set, is the bearer token GET /metrics requires.
	MetricsToken string
	// PublicURL is the dashboard's address as users reach it
	// (https://trailguide.example.com), for links in webhook payloads.
	PublicURL string
	// WorkerIdleAfter, WorkerInterval and WorkerLeaseTTL tune the worker
	// (0: its defaults, 30 min, 1 min and 2 min).
	WorkerIdleAfter, WorkerInterval, WorkerLeaseTTL time.Duration
	// Backend selects SQLite or PostgreSQL and files or S3 (its DataDir is
	// DataDir); the zero value is SQLite and files.
	Backend BackendConfig
}

// backend is the backend configuration with its defaults and DataDir.
func (c ServeConfig) backend() BackendConfig { return withDataDir(c.Backend, c.DataDir) }

func withDataDir(b BackendConfig, dir string) BackendConfig {
	if b.Store == "" {
		b.Store = storeSQLite
	}
	if b.Blob == "" {
		b.Blob = blobFile
	}
	if b.PostgresMaxConns == 0 {
		b.PostgresMaxConns = 16
	}
	b.DataDir = dir
	return b
}

// UserCreateConfig is everything `trailguide user create` is told; the
// password comes from stdin.
type UserCreateConfig struct {
	DataDir string
	Email   string
	Name    string
	Role    string
	// Org is the organisation's ID; it is created when missing.
	Org string
	// Backend as for serve (its DataDir is DataDir).
	Backend BackendConfig
}

// FieldError is a configuration error that names the offending field.
type FieldError struct {
	Field string // flag name, e.g. "addr"
	Msg   string
}

func (e *FieldError) Error() string { return fmt.Sprintf("config: --%s: %s", e.Field, e.Msg) }

// getenvFunc reads one environment variable (os.Getenv in main, a map in
// tests).
type getenvFunc func(string) string

// parseServeConfig reads serve's flags over the environment and defaults.
func parseServeConfig(args []string, getenv getenvFunc, stderr io.Writer) (ServeConfig, error) {
	cfg := ServeConfig{Addr: defaultAddr, DataDir: defaultDataDir, Role: roleAll}
	if v := getenv("TRAILGUIDE_ADDR"); v != "" {
		cfg.Addr = v
	}
	if v := getenv("TRAILGUIDE_DATA"); v != "" {
		cfg.DataDir = v
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen `address` (host:port; env TRAILGUIDE_ADDR)")
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data `directory` (env TRAILGUIDE_DATA)")
	fs.BoolVar(&cfg.Demo, "demo", false, "serve the demo app at /demo/ and load its recorded sessions")
	fs.StringVar(&cfg.Role, "role", cfg.Role, "what this process does: "+strings.Join(roles, "|"))
	level := fs.String("log-level", "info", "log `level`: debug|info|warn|error")
	fs.StringVar(&cfg.LogFormat, "log-format", getenv("TRAILGUIDE_LOG_FORMAT"),
		"log `format`: text (the default) or json, one object per line (env TRAILGUIDE_LOG_FORMAT)")
	fs.StringVar(&cfg.PublicURL, "public-url", getenv("TRAILGUIDE_PUBLIC_URL"),
		"the dashboard's `URL` as users reach it, for links in webhook payloads (env TRAILGUIDE_PUBLIC_URL)")
	fs.StringVar(&cfg.MetricsToken, "metrics-token", getenv("TRAILGUIDE_METRICS_TOKEN"),
		"bearer `token` GET /metrics requires (env TRAILGUIDE_METRICS_TOKEN); empty: /metrics is open")
	replayOrigins := fs.String("replay-origins", getenv("TRAILGUIDE_REPLAY_ORIGINS"),
		"comma-separated `origins` (https://cdn.example.com) replays may load images, styles and fonts from (env TRAILGUIDE_REPLAY_ORIGINS)")
	fs.DurationVar(&cfg.WorkerIdleAfter, "worker-idle-after", 0, "close a session this `long` after its last batch (0: 30m)")
	fs.DurationVar(&cfg.WorkerInterval, "worker-interval", 0, "`time` between two worker passes (0: 1m)")
	fs.DurationVar(&cfg.WorkerLeaseTTL, "worker-lease-ttl", 0, "`duration` of a worker's job lease on PostgreSQL; a dead worker's job is taken over after it (0: 2m)")
	addBackendFlags(fs, &cfg.Backend, getenv)
	setUsage(fs, stderr, "trailguide serve [--addr HOST:PORT] [--data DIR] [--demo] [--role all|ingest|api|worker] [--config FILE] [flags]",
		"Runs Trailguide: ingest, the dashboard and its API, and the worker (docs/OPERATIONS.md).")
	if err := parseWithConfigFile(fs, args, getenv); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))
	}
	for _, o := range strings.Split(*replayOrigins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			cfg.ReplayOrigins = append(cfg.ReplayOrigins, o)
		}
	}
	if err := cfg.LogLevel.UnmarshalText([]byte(*level)); err != nil {
		return cfg, &FieldError{"log-level", fmt.Sprintf("must be debug, info, warn or error (got %q)", *level)}
	}
	return cfg, cfg.Validate()
}

// Validate checks every field and names the first bad one.
func (c ServeConfig) Validate() error {
	_, port, err := net.SplitHostPort(c.Addr) // an empty host means every interface
	if err != nil {
		return &FieldError{"addr", fmt.Sprintf("must be host:port (got %q)", c.Addr)}
	}
	if _, err := net.LookupPort("tcp", port); err != nil || port == "" {
		return &FieldError{"addr", fmt.Sprintf("bad port %q", port)}
	}
	if strings.TrimSpace(c.DataDir) == "" {
		return &FieldError{"data", "must not be empty"}
	}
	if c.WorkerIdleAfter != 0 && c.WorkerIdleAfter < time.Second {
		return &FieldError{"worker-idle-after", fmt.Sprintf("must be at least 1s (got %s)", c.WorkerIdleAfter)}
	}
	if !slices.Contains(roles, c.Role) {
		return &FieldError{"role", fmt.Sprintf("must be one of %s (got %q)", strings.Join(roles, ", "), c.Role)}
	}
	if err := c.backend().Validate(); err != nil {
		return err
	}
	for _, d := range []struct {
		field string
		v     time.Duration
	}{{"worker-idle-after", c.WorkerIdleAfter}, {"worker-interval", c.WorkerInterval}, {"worker-lease-ttl", c.WorkerLeaseTTL}} {
		if d.v < 0 {
			return &FieldError{d.field, "must not be negative"}
		}
	}
	if c.LogFormat != "" && c.LogFormat != "text" && c.LogFormat != "json" {
		return &FieldError{"log-format", fmt.Sprintf("must be text or json (got %q)", c.LogFormat)}
	}
	if c.PublicURL != "" && !httpapi.ValidOrigin(strings.TrimRight(c.PublicURL, "/")) {
		return &FieldError{"public-url", fmt.Sprintf("must be like https://trailguide.example.com (got %q)", c.PublicURL)}
	}
	for _, o := range c.ReplayOrigins {
		if !httpapi.ValidOrigin(o) {
			return &FieldError{"replay-origins", fmt.Sprintf("must be origins like https://cdn.example.com (got %q)", o)}
		}
	}
	return nil
}

// parseUserCreateConfig reads the flags of `user create`.
func parseUserCreateConfig(args []string, getenv getenvFunc, stderr io.Writer) (UserCreateConfig, error) {
	cfg := UserCreateConfig{DataDir: defaultDataDir, Role: trailguide.RoleAdmin, Org: trailguide.DefaultOrgID}
	if v := getenv("TRAILGUIDE_DATA"); v != "" {
		cfg.DataDir = v
	}
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data `directory` (env TRAILGUIDE_DATA)")
	fs.StringVar(&cfg.Email, "email", "", "the user's `email` (required)")
	fs.StringVar(&cfg.Name, "name", "", "the user's display `name`")
	fs.StringVar(&cfg.Role, "role", cfg.Role, "admin|member|viewer")
	fs.StringVar(&cfg.Org, "org", cfg.Org, "organisation `id` (created when missing)")
	addBackendFlags(fs, &cfg.Backend, getenv)
	setUsage(fs, stderr, "trailguide user create --email EMAIL [--name NAME] [--role admin|member|viewer] [--org ID] [--data DIR] [--config FILE] < password",
		"Creates a dashboard account; the password is read from stdin.")
	if err := parseWithConfigFile(fs, args, getenv); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("user create: unexpected argument %q", fs.Arg(0))
	}
	return cfg, cfg.Validate()
}

// Validate checks every field and names the first bad one.
func (c UserCreateConfig) Validate() error {
	if c.Email == "" {
		return &FieldError{"email", "is required"}
	}
	if !strings.Contains(c.Email, "@") {
		return &FieldError{"email", fmt.Sprintf("not an email address: %q", c.Email)}
	}
	if strings.TrimSpace(c.DataDir) == "" {
		return &FieldError{"data", "must not be empty"}
	}
	switch c.Role {
	case trailguide.RoleAdmin, trailguide.RoleMember, trailguide.RoleViewer:
	default:
		return &FieldError{"role", fmt.Sprintf("must be admin, member or viewer (got %q)", c.Role)}
	}
	if err := withDataDir(c.Backend, c.DataDir).Validate(); err != nil {
		return err
	}
	if !validOrgID(c.Org) {
		return &FieldError{"org", fmt.Sprintf("must be 1 to 64 characters of a-z, 0-9 and - (got %q)", c.Org)}
	}
	return nil
}

// validOrgID reports whether id is 1 to 64 characters of a-z, 0-9 and -.
func validOrgID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}
