// Command trailguide is the Trailguide binary: it serves ingest, the
// dashboard and its API, runs the background worker, and manages users. It
// is the only place that reads flags and the environment and picks the
// implementations (SQLite, files on disk) behind the root interfaces.
//
//	trailguide serve [--addr 127.0.0.1:8070] [--data ./trailguide-data] [--demo] [--role all|ingest|api|worker] [--log-level info]
//	trailguide user create --email E [--name N] [--role admin] < password
//	trailguide erase --project P (--user U | --visitor V | --session S) [--data DIR]
//	trailguide project limits --key KEY [--disabled=true|false] [--daily-batch-quota N] [--data DIR]
//	trailguide migrate-store [--data DIR] [--config FILE] --store postgres --blob s3 ... [--verify-only]
//	trailguide import --project P [--session S] FILE...
//	trailguide export --project P --session S [--window W] [--out FILE]
//	trailguide backup --out FILE.tar.gz [--data DIR] [--progress]
//	trailguide restore --from FILE.tar.gz [--data DIR] [--force] [--progress]
//	trailguide version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

const usage = `Usage:
  trailguide serve [--addr 127.0.0.1:8070] [--data ./trailguide-data] [--demo] [--role all|ingest|api|worker] [--log-level info]
                   [--config FILE] [--store sqlite|postgres --postgres-dsn URL] [--blob file|s3 --s3-endpoint URL --s3-bucket B ...]
  trailguide user create --email EMAIL [--name NAME] [--role admin|member|viewer] [--org ID] [--data DIR]   (password on stdin)
  trailguide erase --project ID (--user USER_ID | --visitor VISITOR_ID | --session SESSION_ID) [--data DIR]
  trailguide project limits --key KEY [--disabled=true|false] [--daily-batch-quota N] [--data DIR]
  trailguide migrate-store [--data DIR] --store postgres --postgres-dsn URL --blob s3 --s3-endpoint URL --s3-bucket B ... [--config FILE] [--verify-only]
  trailguide import --project ID [--session ID] [--data DIR] [--progress] FILE...   (rrweb recordings)
  trailguide export --project ID --session ID [--window ID] [--out FILE] [--data DIR]   (plain rrweb events)
  trailguide backup --out FILE.tar.gz [--data DIR] [--progress]   (consistent, while the server runs)
  trailguide restore --from FILE.tar.gz [--data DIR] [--force] [--progress]   (server stopped)
  trailguide version

Every command takes --help.
`

// run executes one command line and returns the exit code. ctx is
// cancelled on SIGINT or SIGTERM.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv getenvFunc) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch cmd, rest := args[0], args[1:]; {
	case cmd == "serve":
		var cfg ServeConfig
		if cfg, err = parseServeConfig(rest, getenv, stderr); err == nil {
			err = serve(ctx, cfg, stdout, stderr)
		}
	case cmd == "user" && len(rest) > 0 && rest[0] == "create":
		var cfg UserCreateConfig
		if cfg, err = parseUserCreateConfig(rest[1:], getenv, stderr); err == nil {
			err = userCreate(ctx, cfg, stdin, stdout, stderr)
		}
	case cmd == "erase":
		var cfg EraseConfig
		if cfg, err = parseEraseConfig(rest, getenv, stderr); err == nil {
			err = erase(ctx, cfg, stdout, stderr)
		}
	case cmd == "import":
		var cfg ImportConfig
		if cfg, err = parseImportConfig(rest, getenv, stderr); err == nil {
			err = importRecordings(ctx, cfg, stdout, stderr)
		}
	case cmd == "export":
		var cfg ExportConfig
		if cfg, err = parseExportConfig(rest, getenv, stderr); err == nil {
			err = export(ctx, cfg, stdout, stderr)
		}
	case cmd == "backup":
		var cfg BackupConfig
		if cfg, err = parseBackupConfig(rest, getenv, stderr); err == nil {
			err = backup(ctx, cfg, stdout, stderr)
		}
	case cmd == "restore":
		var cfg RestoreConfig
		if cfg, err = parseRestoreConfig(rest, getenv, stderr); err == nil {
			err = restore(ctx, cfg, stdout, stderr)
		}
	case cmd == "project" && len(rest) > 0 && rest[0] == "limits":
		var cfg ProjectLimitsConfig
		if cfg, err = parseProjectLimitsConfig(rest[1:], getenv, stderr); err == nil {
			err = projectLimits(ctx, cfg, stdout, stderr)
		}
	case cmd == "migrate-store":
		var cfg MigrateStoreConfig
		if cfg, err = parseMigrateStoreConfig(rest, getenv, stderr); err == nil {
			err = migrateStore(ctx, cfg, stdout, stderr)
		}
	case cmd == "version":
		fmt.Fprintln(stdout, versionString())
	case cmd == "help" || cmd == "-h" || cmd == "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "trailguide: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	default:
		fmt.Fprintf(stderr, "trailguide: %v\n", err)
		var fe *FieldError
		var ue *UsageError
		if errors.As(err, &fe) || errors.As(err, &ue) {
			return 2
		}
		return 1
	}
}

// versionString is "trailguide VERSION (go1.x, commit)".
func versionString() string {
	s := "trailguide " + version
	if bi, ok := debug.ReadBuildInfo(); ok {
		s += " (" + bi.GoVersion
		for _, kv := range bi.Settings {
			if kv.Key == "vcs.revision" && len(kv.Value) >= 12 {
				s += ", " + kv.Value[:12]
			}
		}
		s += ")"
	}
	return s
}
