package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/fileblob"
	"github.com/trailguide/trailguide/ingest"
	"github.com/trailguide/trailguide/recording"
	"github.com/trailguide/trailguide/rrwebio"
	"github.com/trailguide/trailguide/sqlite"
)

// ImportConfig is everything `trailguide import` is told.
type ImportConfig struct {
	DataDir  string
	Project  string
	Files    []string // one recording (session) each
	Session  string   // session id for a single file; default: a digest of the file
	Progress bool
}

// ExportConfig is everything `trailguide export` is told.
type ExportConfig struct {
	DataDir string
	Project string
	Session string
	Window  string // default: the session's first window
	Out     string // default: stdout
}

func parseImportConfig(args []string, getenv getenvFunc, stderr io.Writer) (ImportConfig, error) {
	cfg := ImportConfig{DataDir: envOr(getenv, "TRAILGUIDE_DATA", defaultDataDir)}
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data `directory` (env TRAILGUIDE_DATA)")
	fs.StringVar(&cfg.Project, "project", "", "project `id` to import into (required)")
	fs.StringVar(&cfg.Session, "session", "", "session `id` to store a single file as (default: derived from the file, so a re-import stores it once)")
	fs.BoolVar(&cfg.Progress, "progress", false, "draw a progress bar on stderr even when it is not a terminal")
	setUsage(fs, stderr, "trailguide import --project ID [--session ID] [--data DIR] [--progress] FILE...",
		"Imports rrweb recordings as sessions of a project, one session per file, through the ingest\n"+
			"path (validation, server scrubbing, chunking). A file is a JSON array of rrweb events\n"+
			"(rrweb's record({emit}) output, trailguide export), an object with an \"events\" array,\n"+
			"a PostHog recording export (data.snapshots, one window per windowId), or one event per\n"+
			"line (NDJSON). Works next to a running server.")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return cfg, err
		}
		return cfg, &UsageError{err}
	}
	cfg.Files = fs.Args()
	switch {
	case strings.TrimSpace(cfg.Project) == "":
		return cfg, &FieldError{"project", "required"}
	case len(cfg.Files) == 0:
		return cfg, &UsageError{fmt.Errorf("import: name at least one recording file")}
	case cfg.Session != "" && len(cfg.Files) > 1:
		return cfg, &FieldError{"session", "only with a single file"}
	case cfg.Session != "" && !trailguide.ValidID(cfg.Session):
		return cfg, &FieldError{"session", "must be 8-64 characters of A-Z, a-z, 0-9, _ and -"}
	}
	return cfg, nil
}

func parseExportConfig(args []string, getenv getenvFunc, stderr io.Writer) (ExportConfig, error) {
	cfg := ExportConfig{DataDir: envOr(getenv, "TRAILGUIDE_DATA", defaultDataDir)}
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data `directory` (env TRAILGUIDE_DATA)")
	fs.StringVar(&cfg.Project, "project", "", "project `id` (required)")
	fs.StringVar(&cfg.Session, "session", "", "session `id` (required)")
	fs.StringVar(&cfg.Window, "window", "", "window (tab) `id`; default the session's first")
	fs.StringVar(&cfg.Out, "out", "", "`file` to write; default stdout")
	setUsage(fs, stderr, "trailguide export --project ID --session ID [--window ID] [--out FILE] [--data DIR]",
		"Writes one window of a session as a plain JSON array of rrweb events, as recorded (stylesheets\n"+
			"put back): what rrweb's Replayer and rrweb-player play, and what trailguide import reads.")
	if err := parseFlags(fs, args); err != nil {
		return cfg, err
	}
	switch {
	case strings.TrimSpace(cfg.Project) == "":
		return cfg, &FieldError{"project", "required"}
	case strings.TrimSpace(cfg.Session) == "":
		return cfg, &FieldError{"session", "required"}
	}
	return cfg, nil
}

// importRecordings stores each file as one session through an ingest
// service of its own. The service accepts the recordings' own times
// (sent_at is each batch's last event, however old), and stores them as
// received then, so retention counts from when the recording was made.
func importRecordings(ctx context.Context, cfg ImportConfig, stdout, stderr io.Writer) error {
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	db, err := openDB(cfg.DataDir, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	projects := sqlite.NewProjectStore(db)
	p, err := projects.Project(ctx, cfg.Project)
	if trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
		return &FieldError{"project", fmt.Sprintf("no project %q", cfg.Project)}
	} else if err != nil {
		return err
	}
	svc := ingest.NewService(ingest.Config{MaxClockSkew: 100 * 365 * 24 * time.Hour}, projects, sqlite.NewIngestStore(db), logger)
	if c, ok := any(svc).(io.Closer); ok {
		defer c.Close()
	}
	retention := time.Duration(p.EffectiveRetentionDays()) * 24 * time.Hour
	bar := newProgress(stderr, cfg.Progress || isTerminal(stderr), "import (files)", int64(len(cfg.Files)))
	old := 0
	for _, file := range cfg.Files {
		data, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("read %s: %w", file, err)
		}
		rec, err := rrwebio.Parse(data)
		if err != nil {
			return fmt.Errorf("%s: %s (%s)", file, trailguide.ErrorMessage(err), trailguide.ErrorReason(err))
		}
		sid := cfg.Session
		if sid == "" {
			sid = rrwebio.SessionID(data)
		}
		batches := rrwebio.Batches(rec, p.PublicKey, "imp-visitor-"+sid[4:20], sid, "rrweb-import/"+rec.Format)
		var last int64
		for _, b := range batches {
			body, err := json.Marshal(b)
			if err != nil {
				return err
			}
			res, err := svc.Ingest(ctx, &trailguide.IngestRequest{Body: body, UserAgent: "trailguide import", ReceivedAt: time.UnixMilli(b.SentAt)})
			if err != nil {
				return fmt.Errorf("%s: batch %d of window %s: %s (%s)", file, b.Seq, b.Window, trailguide.ErrorMessage(err), trailguide.ErrorReason(err))
			}
			if res.Stop {
				return fmt.Errorf("%s: the project refuses batches (disabled, over quota, or session %s erased)", file, sid)
			}
			last = max(last, b.SentAt)
		}
		if time.Since(time.UnixMilli(last)) > retention {
			old++
		}
		bar.Add(1)
		fmt.Fprintf(stdout, "Imported %s as session %s: %d events in %d windows (%s)\n", file, sid, rec.Events(), len(rec.Windows), rec.Format)
	}
	bar.Done()
	if old > 0 {
		fmt.Fprintf(stdout, "Note: %d recordings are older than the project's retention (%d days); the next retention pass deletes them. Raise retention_days first to keep them.\n", old, p.EffectiveRetentionDays())
	}
	return nil
}

// export writes one window of a session as a plain array of rrweb events.
func export(ctx context.Context, cfg ExportConfig, stdout, stderr io.Writer) error {
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
	sessions := sqlite.NewSessionStore(db)
	if _, err := sessions.Session(ctx, cfg.Project, cfg.Session); trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
		return &FieldError{"session", fmt.Sprintf("no session %q in project %q", cfg.Session, cfg.Project)}
	} else if err != nil {
		return err
	}
	events, window, err := recording.WindowEvents(ctx, sessions, blobs, cfg.Project, cfg.Session, cfg.Window)
	if trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
		return &FieldError{"window", fmt.Sprintf("no window %q in session %q", cfg.Window, cfg.Session)}
	} else if err != nil {
		return err
	}
	var w io.Writer = stdout
	if cfg.Out != "" {
		f, err := os.OpenFile(cfg.Out, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return &FieldError{"out", err.Error()}
		}
		defer f.Close()
		w = f
	}
	if _, err := w.Write(recording.AppendJSON(nil, events)); err != nil {
		return err
	}
	if cfg.Out != "" {
		fmt.Fprintf(stdout, "Exported window %s of session %s: %d events to %s\n", window, cfg.Session, len(events), cfg.Out)
	}
	return nil
}
