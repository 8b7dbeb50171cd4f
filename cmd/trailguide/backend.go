package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/fileblob"
	"github.com/trailguide/trailguide/postgres"
	"github.com/trailguide/trailguide/s3blob"
	"github.com/trailguide/trailguide/sqlite"
)

// Backends (--store, --blob).
const (
	storeSQLite   = "sqlite"
	storePostgres = "postgres"
	blobFile      = "file"
	blobS3        = "s3"
)

// BackendConfig says where the index and the recordings live: SQLite and
// files under DataDir (the default, one machine), or PostgreSQL and an
// S3-compatible bucket shared by several nodes.
type BackendConfig struct {
	DataDir string
	Store   string // sqlite or postgres
	Blob    string // file or s3

	PostgresDSN      string
	PostgresMaxConns int

	S3Endpoint     string
	S3Region       string
	S3Bucket       string
	S3Prefix       string
	S3AccessKey    string
	S3SecretKey    string
	S3PathStyle    bool
	S3CreateBucket bool
}

// defaultBackendConfig is what the backend flags default to.
func defaultBackendConfig() BackendConfig {
	return BackendConfig{Store: storeSQLite, Blob: blobFile, PostgresMaxConns: 16, S3Region: "us-east-1", S3PathStyle: true}
}

// addBackendFlags declares the backend flags on fs (all but --data, which
// the command declares: DataDir is set from it when opening), with the
// environment over the defaults.
func addBackendFlags(fs *flag.FlagSet, c *BackendConfig, getenv getenvFunc) {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&c.Store, "store", env("TRAILGUIDE_STORE", storeSQLite), "index `backend`: sqlite|postgres (env TRAILGUIDE_STORE)")
	fs.StringVar(&c.Blob, "blob", env("TRAILGUIDE_BLOB", blobFile), "recording `backend`: file|s3 (env TRAILGUIDE_BLOB)")
	fs.StringVar(&c.PostgresDSN, "postgres-dsn", env("TRAILGUIDE_POSTGRES_DSN", ""), "PostgreSQL connection `url` (env TRAILGUIDE_POSTGRES_DSN)")
	fs.IntVar(&c.PostgresMaxConns, "postgres-max-conns", 16, "PostgreSQL connections this node may open")
	fs.StringVar(&c.S3Endpoint, "s3-endpoint", env("TRAILGUIDE_S3_ENDPOINT", ""), "S3 endpoint `url` (env TRAILGUIDE_S3_ENDPOINT)")
	fs.StringVar(&c.S3Region, "s3-region", env("TRAILGUIDE_S3_REGION", "us-east-1"), "S3 `region`")
	fs.StringVar(&c.S3Bucket, "s3-bucket", env("TRAILGUIDE_S3_BUCKET", ""), "S3 `bucket` (env TRAILGUIDE_S3_BUCKET)")
	fs.StringVar(&c.S3Prefix, "s3-prefix", env("TRAILGUIDE_S3_PREFIX", ""), "`prefix` of every object key")
	fs.StringVar(&c.S3AccessKey, "s3-access-key", env("TRAILGUIDE_S3_ACCESS_KEY", ""), "S3 access `key` (env TRAILGUIDE_S3_ACCESS_KEY)")
	fs.StringVar(&c.S3SecretKey, "s3-secret-key", env("TRAILGUIDE_S3_SECRET_KEY", ""), "S3 secret `key` (env TRAILGUIDE_S3_SECRET_KEY)")
	fs.BoolVar(&c.S3PathStyle, "s3-path-style", true, "address the bucket in the URL path (self-hosted services); false for virtual-hosted style")
	fs.BoolVar(&c.S3CreateBucket, "s3-create-bucket", false, "create the bucket when it does not exist")
}

// Validate checks the backend fields and names the first bad one.
func (c BackendConfig) Validate() error {
	switch c.Store {
	case storeSQLite, storePostgres:
	default:
		return &FieldError{"store", fmt.Sprintf("must be sqlite or postgres (got %q)", c.Store)}
	}
	switch c.Blob {
	case blobFile, blobS3:
	default:
		return &FieldError{"blob", fmt.Sprintf("must be file or s3 (got %q)", c.Blob)}
	}
	if (c.Store == storeSQLite || c.Blob == blobFile) && strings.TrimSpace(c.DataDir) == "" {
		return &FieldError{"data", "must not be empty"}
	}
	if c.Store == storePostgres {
		if c.PostgresDSN == "" {
			return &FieldError{"postgres-dsn", "is required with --store postgres"}
		}
		if c.PostgresMaxConns < 1 {
			return &FieldError{"postgres-max-conns", "must be at least 1"}
		}
	}
	if c.Blob == blobS3 {
		u, err := url.Parse(c.S3Endpoint)
		switch {
		case c.S3Endpoint == "":
			return &FieldError{"s3-endpoint", "is required with --blob s3"}
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
			return &FieldError{"s3-endpoint", fmt.Sprintf("must be an http or https URL (got %q)", c.S3Endpoint)}
		case c.S3Bucket == "":
			return &FieldError{"s3-bucket", "is required with --blob s3"}
		}
	}
	return nil
}

// backends are the opened stores of one process, whatever the backend.
type backends struct {
	Projects trailguide.ProjectStore
	Sessions sessionStore
	Ingest   trailguide.IngestStore
	Users    trailguide.UserStore
	Keys     trailguide.APIKeyStore
	Blobs    trailguide.BlobStore
	Webhooks trailguide.WebhookStore
	// Segments and FunnelDefs keep saved segments and funnels.
	Segments   trailguide.SegmentStore
	FunnelDefs trailguide.FunnelDefStore
	// Guides keeps guides.
	Guides trailguide.GuideStore
	// Leases is nil on SQLite: one process owns that database, so its
	// worker is alone.
	Leases trailguide.LeaseStore
	// DB is the *sqlite.DB or *postgres.DB itself.
	DB    io.Closer
	close func() error
}

// sessionStore is what both session stores implement and the worker, the
// eraser and httpapi use.
type sessionStore interface {
	trailguide.SessionStore
	trailguide.FrictionStore
	trailguide.RetentionStore
	trailguide.ErasureStore
	trailguide.PrivacyStore
}

// Close closes the database.
func (b *backends) Close() error { return b.close() }

// openBackends opens the index and the blob store that c names.
func openBackends(ctx context.Context, c BackendConfig, logger *slog.Logger) (*backends, error) {
	b := &backends{}
	switch c.Store {
	case storePostgres:
		db, err := postgres.Open(ctx, c.PostgresDSN, postgres.Options{MaxConns: int32(c.PostgresMaxConns)}, logger)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		b.Projects, b.Sessions, b.Ingest = postgres.NewProjectStore(db), postgres.NewSessionStore(db), postgres.NewIngestStore(db)
		b.Users, b.Keys, b.Leases = postgres.NewUserStore(db), postgres.NewAPIKeyStore(db), postgres.NewLeaseStore(db)
		b.Webhooks = postgres.NewWebhookStore(db)
		b.Segments, b.FunnelDefs = postgres.NewSegmentStore(db), postgres.NewFunnelDefStore(db)
		b.Guides = postgres.NewGuideStore(db)
		b.close, b.DB = db.Close, db
	default:
		db, err := openDB(c.DataDir, logger)
		if err != nil {
			return nil, err
		}
		b.Projects, b.Sessions, b.Ingest = sqlite.NewProjectStore(db), sqlite.NewSessionStore(db), sqlite.NewIngestStore(db)
		b.Users, b.Keys = sqlite.NewUserStore(db), sqlite.NewAPIKeyStore(db)
		b.Webhooks = sqlite.NewWebhookStore(db)
		b.Segments, b.FunnelDefs = sqlite.NewSegmentStore(db), sqlite.NewFunnelDefStore(db)
		b.Guides = sqlite.NewGuideStore(db)
		b.close, b.DB = db.Close, db
	}
	var err error
	switch c.Blob {
	case blobS3:
		b.Blobs, err = s3blob.New(ctx, s3blob.Config{
			Endpoint: c.S3Endpoint, Region: c.S3Region, Bucket: c.S3Bucket, Prefix: c.S3Prefix,
			AccessKey: c.S3AccessKey, SecretKey: c.S3SecretKey, PathStyle: c.S3PathStyle, CreateBucket: c.S3CreateBucket,
		})
	default:
		if err = ensureDir(c.DataDir); err == nil {
			b.Blobs, err = fileblob.New(filepath.Join(c.DataDir, "blobs"))
		}
	}
	if err != nil {
		b.close()
		return nil, fmt.Errorf("open blob store: %w", err)
	}
	return b, nil
}

// describe is the backends for a log line, without secrets.
func (c BackendConfig) describe() []any {
	attrs := []any{"store", c.Store, "blob", c.Blob}
	if c.Store == storeSQLite || c.Blob == blobFile {
		attrs = append(attrs, "data", c.DataDir)
	}
	if c.Blob == blobS3 {
		attrs = append(attrs, "s3", c.S3Endpoint+"/"+c.S3Bucket)
	}
	return attrs
}

// parseWithConfigFile parses args into fs after applying the settings of
// the config file that --config (or TRAILGUIDE_CONFIG) names: flags on the
// command line win over the file, the file over the environment and the
// defaults.
//
// The file has one "name = value" per line, where name is a flag name
// (addr, role, store, postgres-dsn, s3-bucket...); blank lines and lines
// starting with # are ignored, and ${VAR} in a value is replaced by the
// environment variable VAR (so secrets can stay out of the file; $$ is a
// literal $).
func parseWithConfigFile(fs *flag.FlagSet, args []string, getenv getenvFunc) error {
	path := getenv("TRAILGUIDE_CONFIG")
	fs.StringVar(&path, "config", path, "settings `file` (name = value lines; env TRAILGUIDE_CONFIG)")
	for i, a := range args {
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "config" {
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				break // fs.Parse reports it
			}
			val = args[i+1]
		}
		path = val
	}
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return &FieldError{"config", fmt.Sprintf("cannot read %s: %v", path, errors.Unwrap(err))}
		}
		if err := applyConfigFile(fs, data, getenv); err != nil {
			return err
		}
	}
	if err := fs.Parse(args); err != nil {
		return usageErr(err)
	}
	return nil
}

func applyConfigFile(fs *flag.FlagSet, data []byte, getenv getenvFunc) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, val, ok := strings.Cut(line, "=")
		name, val = strings.TrimSpace(name), strings.TrimSpace(val)
		if !ok || name == "" {
			return &FieldError{"config", fmt.Sprintf("line %d: want name = value", n)}
		}
		if name == "config" || fs.Lookup(name) == nil {
			return &FieldError{"config", fmt.Sprintf("line %d: unknown setting %q", n, name)}
		}
		val, err := expandEnv(val, getenv)
		if err != nil {
			return &FieldError{"config", fmt.Sprintf("line %d: %v", n, err)}
		}
		if len(val) >= 2 && (val[0] == '"' && val[len(val)-1] == '"' || val[0] == '\'' && val[len(val)-1] == '\'') {
			val = val[1 : len(val)-1]
		}
		if err := fs.Set(name, val); err != nil {
			return &FieldError{name, fmt.Sprintf("config line %d: %v", n, err)}
		}
	}
	return sc.Err()
}

// expandEnv replaces ${VAR} with getenv("VAR"); $$ is a literal $. A
// variable that is not set is an error rather than a silent empty value.
func expandEnv(s string, getenv getenvFunc) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' {
			b.WriteByte(s[i])
			continue
		}
		switch {
		case i+1 < len(s) && s[i+1] == '$':
			b.WriteByte('$')
			i++
		case i+1 < len(s) && s[i+1] == '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return "", fmt.Errorf("unclosed ${ in %q", s)
			}
			name := s[i+2 : i+end]
			v := getenv(name)
			if v == "" {
				return "", fmt.Errorf("environment variable %s is not set", name)
			}
			b.WriteString(v)
			i += end
		default:
			b.WriteByte('$')
		}
	}
	return b.String(), nil
}

// workerHolder names this worker node in its leases: host and pid.
func workerHolder() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s-%d-%d", host, os.Getpid(), time.Now().UnixNano()%100000)
}

var _ io.Closer = (*backends)(nil)
