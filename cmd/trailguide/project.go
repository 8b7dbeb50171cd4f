package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/trailguide/trailguide"
)

// ProjectLimitsConfig is `trailguide project limits`: show, or change, the
// ingest limits of the project with a public key. Nil fields are left as
// they are.
type ProjectLimitsConfig struct {
	DataDir  string
	Key      string
	Disabled *bool
	Quota    *int64
	Backend  BackendConfig
}

func parseProjectLimitsConfig(args []string, getenv getenvFunc, stderr io.Writer) (ProjectLimitsConfig, error) {
	cfg := ProjectLimitsConfig{DataDir: defaultDataDir}
	if v := getenv("TRAILGUIDE_DATA"); v != "" {
		cfg.DataDir = v
	}
	fs := flag.NewFlagSet("project limits", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data `directory` (env TRAILGUIDE_DATA)")
	fs.StringVar(&cfg.Key, "key", "", "the project's public `key` (required)")
	disabled := fs.Bool("disabled", false, "refuse the project's batches (the SDK is told to stop)")
	quota := fs.Int64("daily-batch-quota", 0, "batches accepted per UTC day, 0 = unlimited")
	addBackendFlags(fs, &cfg.Backend, getenv)
	setUsage(fs, stderr, "trailguide project limits --key KEY [--disabled=true|false] [--daily-batch-quota N] [--data DIR] [--config FILE]",
		"Shows, and with flags changes, a project's ingest limits; a running server applies a change within 10 s.")
	if err := parseWithConfigFile(fs, args, getenv); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("project limits: unexpected argument %q", fs.Arg(0))
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "disabled":
			cfg.Disabled = disabled
		case "daily-batch-quota":
			cfg.Quota = quota
		}
	})
	switch {
	case strings.TrimSpace(cfg.Key) == "":
		return cfg, &FieldError{"key", "is required"}
	case cfg.Quota != nil && *cfg.Quota < 0:
		return cfg, &FieldError{"daily-batch-quota", "must not be negative"}
	case strings.TrimSpace(cfg.DataDir) == "":
		return cfg, &FieldError{"data", "must not be empty"}
	}
	return cfg, withDataDir(cfg.Backend, cfg.DataDir).Validate()
}

// limitedProjects is a project store that keeps ingest limits (both do).
type limitedProjects interface {
	trailguide.ProjectStore
	trailguide.LimitStore
}

// projectLimits applies cfg and prints the project's limits. A running
// server picks the change up within its project cache time (10 s).
func projectLimits(ctx context.Context, cfg ProjectLimitsConfig, stdout, stderr io.Writer) error {
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	st, err := openBackends(ctx, withDataDir(cfg.Backend, cfg.DataDir), logger)
	if err != nil {
		return err
	}
	defer st.Close()
	projects, ok := st.Projects.(limitedProjects)
	if !ok {
		return fmt.Errorf("the %s store keeps no project limits", cfg.Backend.Store)
	}
	p, err := projects.ProjectByKey(ctx, cfg.Key)
	if trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
		return fmt.Errorf("no project with key %s", cfg.Key)
	} else if err != nil {
		return err
	}
	l, err := projects.ProjectLimits(ctx, p.ID)
	if err != nil {
		return err
	}
	if cfg.Disabled != nil || cfg.Quota != nil {
		if cfg.Disabled != nil {
			l.Disabled = *cfg.Disabled
		}
		if cfg.Quota != nil {
			l.DailyBatchQuota = *cfg.Quota
		}
		if err := projects.SetProjectLimits(ctx, p.ID, l); err != nil {
			return err
		}
	}
	used, err := projects.BatchesOn(ctx, p.ID, time.Now())
	if err != nil {
		return err
	}
	quota := "unlimited"
	if l.DailyBatchQuota > 0 {
		quota = fmt.Sprint(l.DailyBatchQuota)
	}
	fmt.Fprintf(stdout, "%s (%s): disabled=%v daily-batch-quota=%s batches-today=%d\n", p.Name, p.PublicKey, l.Disabled, quota, used)
	return nil
}
