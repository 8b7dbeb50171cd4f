package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/trailguide/trailguide/fileblob"
	"github.com/trailguide/trailguide/internal/storecopy"
	"github.com/trailguide/trailguide/postgres"
	"github.com/trailguide/trailguide/sqlite"
)

// MigrateStoreConfig is everything `trailguide migrate-store` is told: the
// SQLite + files installation in DataDir is the source, Target (postgres,
// and s3 or file) the destination.
type MigrateStoreConfig struct {
	DataDir    string
	Target     BackendConfig
	VerifyOnly bool
}

func parseMigrateStoreConfig(args []string, getenv getenvFunc, stderr io.Writer) (MigrateStoreConfig, error) {
	cfg := MigrateStoreConfig{DataDir: defaultDataDir}
	if v := getenv("TRAILGUIDE_DATA"); v != "" {
		cfg.DataDir = v
	}
	fs := flag.NewFlagSet("migrate-store", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "`directory` of the SQLite + files installation to copy (env TRAILGUIDE_DATA)")
	fs.BoolVar(&cfg.VerifyOnly, "verify-only", false, "only compare the two installations")
	addBackendFlags(fs, &cfg.Target, getenv)
	if err := parseWithConfigFile(fs, args, getenv); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("migrate-store: unexpected argument %q", fs.Arg(0))
	}
	if strings.TrimSpace(cfg.DataDir) == "" {
		return cfg, &FieldError{"data", "must not be empty"}
	}
	if cfg.Target.Store != storePostgres {
		return cfg, &FieldError{"store", "the target must be postgres (--store postgres --postgres-dsn URL)"}
	}
	// A file target would be the source's own directory: blobs go to S3 or
	// a directory given by the blob flags of the target.
	target := withDataDir(cfg.Target, cfg.DataDir)
	if target.Blob == blobFile {
		return cfg, &FieldError{"blob", "the target must be s3 (--blob s3 and the --s3-* settings)"}
	}
	return cfg, target.Validate()
}

// migrateStore copies the installation, then verifies it; a progress bar on
// stderr shows each phase.
func migrateStore(ctx context.Context, cfg MigrateStoreConfig, stdout, stderr io.Writer) error {
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	path := filepath.Join(cfg.DataDir, "trailguide.db")
	// Opening it applies the migrations an older installation lacks.
	sdb, err := sqlite.Open(path, logger)
	if err != nil {
		return fmt.Errorf("open source: %w", err)
	}
	sdb.Close()
	src, err := storecopy.OpenSource(path)
	if err != nil {
		return fmt.Errorf("open source: %w", err)
	}
	defer src.Close()
	srcBlobs, err := fileblob.New(filepath.Join(cfg.DataDir, "blobs"))
	if err != nil {
		return fmt.Errorf("open source blobs: %w", err)
	}
	target := withDataDir(cfg.Target, cfg.DataDir)
	st, err := openBackends(ctx, target, logger)
	if err != nil {
		return err
	}
	defer st.Close()
	dst := st.DB.(*postgres.DB)

	if !cfg.VerifyOnly {
		bar := newProgressBar(stderr)
		start := time.Now()
		if err := storecopy.Copy(ctx, src, dst, srcBlobs, st.Blobs, bar.update); err != nil {
			bar.done()
			return fmt.Errorf("copy (run the same command again to resume): %w", err)
		}
		bar.done()
		fmt.Fprintf(stdout, "Copied in %s.\n", time.Since(start).Round(time.Second))
	}
	checks, err := storecopy.Verify(ctx, src, dst, srcBlobs, st.Blobs)
	for _, c := range checks {
		mark := "ok"
		if !c.Match {
			mark = "DIFFERS"
		}
		fmt.Fprintf(stdout, "%-22s %9d rows  %9d rows  sha256 %.12s  %.12s  %s\n", c.Name, c.Source, c.Target, c.SourceSum, c.TSum, mark)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "Verified: every table and blob matches (counts and checksums).")
	return nil
}

// progressBar draws "phase [=====>    ] done/total" on one terminal line.
type progressBar struct {
	w     io.Writer
	phase string
	last  time.Time
}

func newProgressBar(w io.Writer) *progressBar { return &progressBar{w: w} }

func (p *progressBar) update(phase string, done, total int) {
	if phase != p.phase && p.phase != "" {
		fmt.Fprintln(p.w)
	}
	if phase == p.phase && done != total && time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.phase, p.last = phase, time.Now()
	const width = 30
	fill := width
	if total > 0 {
		fill = width * done / total
	}
	fmt.Fprintf(p.w, "\r%-20s [%s%s] %d/%d", phase, strings.Repeat("=", fill), strings.Repeat(" ", width-fill), done, total)
}

func (p *progressBar) done() {
	if p.phase != "" {
		fmt.Fprintln(p.w)
	}
}
