package main

import (
	"archive/tar"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/fileblob"
	"github.com/trailguide/trailguide/sqlite"
)

// A backup is one .tar.gz: trailguide.db (a VACUUM INTO snapshot, so one
// consistent commit of the index), blobs/KEY for every blob, and
// trailguide-backup.json last (what it holds, for restore to check).
const (
	backupDBName       = "trailguide.db"
	backupManifestName = "trailguide-backup.json"
	backupFormat       = 1
)

// backupManifest describes a backup archive.
type backupManifest struct {
	Format    int       `json:"format"`
	Version   string    `json:"version"` // the binary that wrote it
	CreatedAt time.Time `json:"created_at"`
	DBBytes   int64     `json:"db_bytes"`
	Blobs     int       `json:"blobs"`
	BlobBytes int64     `json:"blob_bytes"`
	// MissingBlobs are chunk blobs the snapshot references that were gone
	// by the time they were copied (a retention pass or erasure deleted
	// their sessions in between): those sessions replay without their
	// recording after a restore.
	MissingBlobs int `json:"missing_blobs"`
}

// BackupConfig is everything `trailguide backup` is told.
type BackupConfig struct {
	DataDir  string
	Out      string // archive to write (.tar.gz)
	Progress bool   // draw progress even when stderr is not a terminal
}

// RestoreConfig is everything `trailguide restore` is told.
type RestoreConfig struct {
	DataDir  string
	From     string // archive to read
	Force    bool   // replace an existing database (moved aside, not deleted)
	Progress bool
}

func parseBackupConfig(args []string, getenv getenvFunc, stderr io.Writer) (BackupConfig, error) {
	cfg := BackupConfig{DataDir: envOr(getenv, "TRAILGUIDE_DATA", defaultDataDir)}
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data `directory` to back up (env TRAILGUIDE_DATA)")
	fs.StringVar(&cfg.Out, "out", "", "archive `file` to write, e.g. trailguide-2026-12-04.tar.gz (required; must not exist)")
	fs.BoolVar(&cfg.Progress, "progress", false, "draw a progress bar on stderr even when it is not a terminal")
	setUsage(fs, stderr, "trailguide backup --out FILE.tar.gz [--data DIR] [--progress]",
		"Writes a consistent backup of a data directory while the server runs: a snapshot of the\n"+
			"SQLite database (VACUUM INTO, one commit) and then every blob, in one .tar.gz.\n"+
			"Restore it with trailguide restore.")
	if err := parseFlags(fs, args); err != nil {
		return cfg, err
	}
	switch {
	case strings.TrimSpace(cfg.Out) == "":
		return cfg, &FieldError{"out", "required: the archive file to write"}
	case strings.TrimSpace(cfg.DataDir) == "":
		return cfg, &FieldError{"data", "must not be empty"}
	}
	if _, err := os.Stat(cfg.Out); err == nil {
		return cfg, &FieldError{"out", fmt.Sprintf("%s exists; pick a new file name", cfg.Out)}
	}
	if _, err := os.Stat(filepath.Join(cfg.DataDir, backupDBName)); err != nil {
		return cfg, &FieldError{"data", fmt.Sprintf("no %s in %s", backupDBName, cfg.DataDir)}
	}
	return cfg, nil
}

func parseRestoreConfig(args []string, getenv getenvFunc, stderr io.Writer) (RestoreConfig, error) {
	cfg := RestoreConfig{DataDir: envOr(getenv, "TRAILGUIDE_DATA", defaultDataDir)}
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data `directory` to restore into (env TRAILGUIDE_DATA)")
	fs.StringVar(&cfg.From, "from", "", "backup `file` written by trailguide backup (required)")
	fs.BoolVar(&cfg.Force, "force", false, "replace the data directory's database and blobs (they are moved to DIR.replaced-TIME, not deleted)")
	fs.BoolVar(&cfg.Progress, "progress", false, "draw a progress bar on stderr even when it is not a terminal")
	setUsage(fs, stderr, "trailguide restore --from FILE.tar.gz [--data DIR] [--force] [--progress]",
		"Restores a backup into a data directory. Stop the server first. The archive is unpacked\n"+
			"next to the directory and checked (database integrity, every chunk's blob) before it\n"+
			"takes the directory's place.")
	if err := parseFlags(fs, args); err != nil {
		return cfg, err
	}
	switch {
	case strings.TrimSpace(cfg.From) == "":
		return cfg, &FieldError{"from", "required: the backup file to read"}
	case strings.TrimSpace(cfg.DataDir) == "":
		return cfg, &FieldError{"data", "must not be empty"}
	}
	if _, err := os.Stat(cfg.From); err != nil {
		return cfg, &FieldError{"from", fmt.Sprintf("cannot read %s", cfg.From)}
	}
	if _, err := os.Stat(filepath.Join(cfg.DataDir, backupDBName)); err == nil && !cfg.Force {
		return cfg, &FieldError{"data", fmt.Sprintf("%s already holds a database; stop the server and pass --force to replace it", cfg.DataDir)}
	}
	return cfg, nil
}

// envOr is getenv(name), or def when that is empty.
func envOr(getenv getenvFunc, name, def string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return def
}

// backup writes cfg.Out: the database snapshot first, then the blobs, so
// that every blob a snapshot row points at is either copied or was deleted
// afterwards with its session (counted as missing). The archive is written
// to a temporary name, fsynced and renamed: a backup that stops half-way
// leaves no file that looks complete.
func backup(ctx context.Context, cfg BackupConfig, stdout, stderr io.Writer) (err error) {
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

	tmpDir, err := os.MkdirTemp(filepath.Dir(cfg.Out), ".trailguide-backup-")
	if err != nil {
		return fmt.Errorf("temporary directory: %w", err)
	}
	defer os.RemoveAll(tmpDir)
	snap := filepath.Join(tmpDir, backupDBName)
	if err := db.Snapshot(ctx, snap); err != nil {
		return err
	}
	needed, err := sqlite.ChunkBlobKeys(ctx, snap)
	if err != nil {
		return err
	}
	keys, err := blobs.List(ctx, "")
	if err != nil {
		return fmt.Errorf("list blobs: %w", err)
	}

	partial := cfg.Out + ".partial"
	f, err := os.OpenFile(partial, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("create %s: %w", partial, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(partial)
		}
	}()
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	m := backupManifest{Format: backupFormat, Version: version, CreatedAt: time.Now().UTC()}
	if m.DBBytes, err = tarFile(tw, backupDBName, snap); err != nil {
		return err
	}
	bar := newProgress(stderr, cfg.Progress || isTerminal(stderr), "blobs", int64(len(keys)))
	copied := make(map[string]bool, len(keys))
	for _, k := range keys {
		if strings.HasPrefix(k, "_") { // readiness probes, not data
			bar.Add(1)
			continue
		}
		n, err := tarBlob(ctx, tw, blobs, k)
		if trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
			bar.Add(1)
			continue // deleted since the listing
		}
		if err != nil {
			return err
		}
		copied[k] = true
		m.Blobs++
		m.BlobBytes += n
		bar.Add(1)
	}
	bar.Done()
	for _, k := range needed {
		if !copied[k] {
			m.MissingBlobs++
		}
	}
	mj, _ := json.MarshalIndent(m, "", "  ")
	if err := tarBytes(tw, backupManifestName, mj); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("write archive: %w", err)
	}
	if err := gz.Close(); err != nil {
		return fmt.Errorf("write archive: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync archive: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close archive: %w", err)
	}
	if err := os.Rename(partial, cfg.Out); err != nil {
		return fmt.Errorf("rename archive: %w", err)
	}
	fmt.Fprintf(stdout, "Backup %s: database %d bytes, %d blobs (%d bytes)\n", cfg.Out, m.DBBytes, m.Blobs, m.BlobBytes)
	if m.MissingBlobs > 0 {
		fmt.Fprintf(stdout, "Note: %d chunk blobs were deleted (retention or erasure) between the snapshot and their copy; those sessions will replay without their recording.\n", m.MissingBlobs)
	}
	return nil
}

func tarFile(tw *tar.Writer, name, path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: st.Size(), ModTime: st.ModTime(), Typeflag: tar.TypeReg}); err != nil {
		return 0, fmt.Errorf("write %s: %w", name, err)
	}
	n, err := io.Copy(tw, f)
	if err != nil {
		return n, fmt.Errorf("write %s: %w", name, err)
	}
	return n, nil
}

func tarBytes(tw *tar.Writer, name string, b []byte) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(b)), ModTime: time.Now(), Typeflag: tar.TypeReg}); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	_, err := tw.Write(b)
	return err
}

func tarBlob(ctx context.Context, tw *tar.Writer, blobs trailguide.BlobStore, key string) (int64, error) {
	rc, err := blobs.Get(ctx, key)
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc) // blobs are one session window's chunk: small
	if err != nil {
		return 0, fmt.Errorf("read blob %s: %w", key, err)
	}
	if err := tarBytes(tw, "blobs/"+key, b); err != nil {
		return 0, err
	}
	return int64(len(b)), nil
}

// restore unpacks cfg.From next to the data directory, checks it and only
// then puts it in the directory's place.
func restore(ctx context.Context, cfg RestoreConfig, stdout, stderr io.Writer) error {
	dir := filepath.Clean(cfg.DataDir)
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(dir), err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".restore-")
	if err != nil {
		return fmt.Errorf("temporary directory: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	m, err := unpackBackup(ctx, cfg, tmp, stderr)
	if err != nil {
		return err
	}

	// Check before swapping: the database opens (migrations apply when the
	// backup came from an older binary) and passes integrity_check, and
	// every compacted chunk has its blob.
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	db, err := sqlite.Open(filepath.Join(tmp, backupDBName), logger)
	if err != nil {
		return fmt.Errorf("from: the backup's database does not open: %w", err)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		db.Close()
		return fmt.Errorf("from: the backup's database is damaged: %w", err)
	}
	if err := db.Close(); err != nil {
		return err
	}
	needed, err := sqlite.ChunkBlobKeys(ctx, filepath.Join(tmp, backupDBName))
	if err != nil {
		return err
	}
	missing := 0
	for _, k := range needed {
		if _, err := os.Stat(filepath.Join(tmp, "blobs", filepath.FromSlash(k))); err != nil {
			missing++
		}
	}

	if _, err := os.Stat(dir); err == nil {
		entries, _ := os.ReadDir(dir)
		if len(entries) > 0 {
			if _, err := os.Stat(filepath.Join(dir, backupDBName)); err != nil && !cfg.Force {
				return &FieldError{"data", fmt.Sprintf("%s is not empty; restore into a new or empty directory, or pass --force", dir)}
			}
			aside := fmt.Sprintf("%s.replaced-%s", dir, time.Now().UTC().Format("20060102T150405Z"))
			if err := os.Rename(dir, aside); err != nil {
				return fmt.Errorf("move %s aside: %w", dir, err)
			}
			fmt.Fprintf(stdout, "The previous data directory is now %s\n", aside)
		} else if err := os.Remove(dir); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("put the restored directory in place: %w", err)
	}
	ok = true
	fmt.Fprintf(stdout, "Restored %s into %s: backup of %s, %d blobs\n", cfg.From, dir, m.CreatedAt.Format(time.RFC3339), m.Blobs)
	if missing > 0 {
		fmt.Fprintf(stdout, "Note: %d chunk blobs the database references are not in the backup; those sessions replay without their recording.\n", missing)
	}
	return nil
}

// unpackBackup extracts the archive into dir, refusing any entry that is not
// the database, the manifest or a valid blob key.
func unpackBackup(ctx context.Context, cfg RestoreConfig, dir string, stderr io.Writer) (*backupManifest, error) {
	f, err := os.Open(cfg.From)
	if err != nil {
		return nil, &FieldError{"from", err.Error()}
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, &FieldError{"from", "not a trailguide backup (.tar.gz): " + err.Error()}
	}
	bar := newProgress(stderr, cfg.Progress || isTerminal(stderr), "restore (entries)", 0)
	tr := tar.NewReader(gz)
	var m *backupManifest
	haveDB := false
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &FieldError{"from", "damaged archive: " + err.Error()}
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		var dst string
		switch {
		case h.Name == backupDBName:
			dst = filepath.Join(dir, backupDBName)
			haveDB = true
		case h.Name == backupManifestName:
			var mm backupManifest
			if err := json.NewDecoder(io.LimitReader(tr, 1<<20)).Decode(&mm); err != nil {
				return nil, &FieldError{"from", "unreadable " + backupManifestName + ": " + err.Error()}
			}
			if mm.Format != backupFormat {
				return nil, &FieldError{"from", fmt.Sprintf("backup format %d; this binary reads format %d", mm.Format, backupFormat)}
			}
			m = &mm
			continue
		case strings.HasPrefix(h.Name, "blobs/"):
			key := strings.TrimPrefix(h.Name, "blobs/")
			if err := fileblob.ValidateKey(key); err != nil {
				return nil, &FieldError{"from", fmt.Sprintf("archive entry %q is not a blob key", h.Name)}
			}
			dst = filepath.Join(dir, "blobs", filepath.FromSlash(key))
		default:
			return nil, &FieldError{"from", fmt.Sprintf("unexpected archive entry %q: not a trailguide backup", h.Name)}
		}
		if err := writeFileSync(dst, tr); err != nil {
			return nil, err
		}
		bar.Add(1)
	}
	bar.Done()
	if !haveDB || m == nil {
		return nil, &FieldError{"from", fmt.Sprintf("not a complete trailguide backup (needs %s and %s)", backupDBName, backupManifestName)}
	}
	return m, nil
}

// writeFileSync writes r to path (creating parents) and fsyncs it.
func writeFileSync(path string, r io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
