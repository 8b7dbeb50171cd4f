package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/worker"
)

// EraseConfig is everything `trailguide erase` is told.
type EraseConfig struct {
	DataDir string
	Project string // project id
	User    string // the identify() user id recorded on sessions
	Backend BackendConfig
}

// parseEraseConfig reads the flags of `erase`.
func parseEraseConfig(args []string, getenv getenvFunc, stderr io.Writer) (EraseConfig, error) {
	cfg := EraseConfig{DataDir: defaultDataDir}
	if v := getenv("TRAILGUIDE_DATA"); v != "" {
		cfg.DataDir = v
	}
	fs := flag.NewFlagSet("erase", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data `directory` (env TRAILGUIDE_DATA)")
	fs.StringVar(&cfg.Project, "project", "", "project `id` (required)")
	fs.StringVar(&cfg.User, "user", "", "the user `id` given to identify() (required)")
	addBackendFlags(fs, &cfg.Backend, getenv)
	if err := parseWithConfigFile(fs, args, getenv); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("erase: unexpected argument %q", fs.Arg(0))
	}
	switch {
	case strings.TrimSpace(cfg.Project) == "":
		return cfg, &FieldError{"project", "required"}
	case cfg.User == "":
		return cfg, &FieldError{"user", "required"}
	case strings.TrimSpace(cfg.DataDir) == "":
		return cfg, &FieldError{"data", "must not be empty"}
	}
	return cfg, withDataDir(cfg.Backend, cfg.DataDir).Validate()
}

// erase removes every session of one user of a project, as the DELETE
// /api/v1/projects/{pid}/users/{userId} route does, but runs the job to its
// end before returning. It works next to a running server (SQLite allows
// one more writer process; it waits its turn).
func erase(ctx context.Context, cfg EraseConfig, stdout, stderr io.Writer) error {
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	st, err := openBackends(ctx, withDataDir(cfg.Backend, cfg.DataDir), logger)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Projects.Project(ctx, cfg.Project); err != nil {
		if trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
			return &FieldError{"project", fmt.Sprintf("no project %q", cfg.Project)}
		}
		return err
	}
	e := worker.NewEraser(st.Sessions, st.Blobs, nil, logger)
	j, err := e.Queue(ctx, cfg.Project, cfg.User)
	if err != nil {
		if trailguide.ErrorCode(err) == trailguide.EINVALID {
			return &FieldError{"user", trailguide.ErrorMessage(err)}
		}
		return err
	}
	fmt.Fprintf(stdout, "Job %s\n", j.ID)
	j, err = e.Run(ctx, j.ID)
	if j != nil {
		fmt.Fprintf(stdout, "Status %s: %d sessions, %d events, %d chunks, %d blobs erased\n",
			j.Status, j.Sessions, j.Events, j.Chunks, j.Blobs)
	}
	return err
}
