package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/fileblob"
	"github.com/trailguide/trailguide/sqlite"
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
	setUsage(fs, stderr, "trailguide erase --project ID (--user USER_ID | --visitor VISITOR_ID | --session SESSION_ID) [--data DIR]",
		"Erases sessions with their events, recording chunks and blobs, and refuses their later batches.")
	if err := parseFlags(fs, args); err != nil {
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
	return cfg, nil
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
	db, err := openDB(cfg.DataDir, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	blobs, err := fileblob.New(filepath.Join(cfg.DataDir, "blobs"))
	if err != nil {
		return fmt.Errorf("open blob store: %w", err)
	}
	if _, err := sqlite.NewProjectStore(db).Project(ctx, cfg.Project); err != nil {
		if trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
			return &FieldError{"project", fmt.Sprintf("no project %q", cfg.Project)}
		}
		return err
	}
	e := worker.NewEraser(sqlite.NewSessionStore(db), blobs, nil, logger)
	kind, target, flag := cfg.target()
	if kind == trailguide.JobEraseSession {
		if _, err := sqlite.NewSessionStore(db).Session(ctx, cfg.Project, target); trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
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
