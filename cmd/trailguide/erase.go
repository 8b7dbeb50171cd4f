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
	// Exactly one of these names what to erase.
	User    string // the identify() user id recorded on sessions
	Visitor string // the SDK's visitor id (one browser)
	Session string // one session id
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
	fs.StringVar(&cfg.User, "user", "", "erase every session of the user `id` given to identify()")
	fs.StringVar(&cfg.Visitor, "visitor", "", "erase every session of one visitor `id` (one browser)")
	fs.StringVar(&cfg.Session, "session", "", "erase one session `id`")
	addBackendFlags(fs, &cfg.Backend, getenv)
	setUsage(fs, stderr, "trailguide erase --project ID (--user USER_ID | --visitor VISITOR_ID | --session SESSION_ID) [--data DIR] [--config FILE]",
		"Erases sessions with their events, recording chunks and blobs, and refuses their later batches.")
	if err := parseWithConfigFile(fs, args, getenv); err != nil {
		return cfg, err
	}
	switch {
	case strings.TrimSpace(cfg.Project) == "":
		return cfg, &FieldError{"project", "required"}
	case cfg.User == "" && cfg.Visitor == "" && cfg.Session == "":
		return cfg, &FieldError{"user", "one of --user, --visitor or --session is required"}
	case countSet(cfg.User, cfg.Visitor, cfg.Session) > 1:
		return cfg, &FieldError{"user", "give only one of --user, --visitor and --session"}
	case strings.TrimSpace(cfg.DataDir) == "":
		return cfg, &FieldError{"data", "must not be empty"}
	}
	return cfg, withDataDir(cfg.Backend, cfg.DataDir).Validate()
}

// countSet is how many of vs are not empty.
func countSet(vs ...string) int {
	n := 0
	for _, v := range vs {
		if v != "" {
			n++
		}
	}
	return n
}

// target is the job kind, target and flag of cfg.
func (c EraseConfig) target() (kind, target, flag string) {
	switch {
	case c.Visitor != "":
		return trailguide.JobEraseVisitor, c.Visitor, "visitor"
	case c.Session != "":
		return trailguide.JobEraseSession, c.Session, "session"
	}
	return trailguide.JobEraseUser, c.User, "user"
}

// erase removes every session of one user, or of one visitor id, or one
// session of a project, as the DELETE routes of the API do, but runs the
// job to its end before returning. It works next to a running server (SQLite allows
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
	kind, target, flag := cfg.target()
	if kind == trailguide.JobEraseSession {
		if _, err := st.Sessions.Session(ctx, cfg.Project, target); trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
			return &FieldError{"session", fmt.Sprintf("no session %q in project %q", target, cfg.Project)}
		}
	}
	j, err := e.QueueKind(ctx, kind, cfg.Project, target)
	if err != nil {
		if trailguide.ErrorCode(err) == trailguide.EINVALID {
			return &FieldError{flag, trailguide.ErrorMessage(err)}
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
