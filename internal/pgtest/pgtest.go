// Package pgtest starts a throwaway PostgreSQL cluster for tests: initdb in
// a temporary directory, postgres on a free loopback port, one cluster per
// test binary (Main stops it when the tests end), a fresh database per
// caller. The binaries come from Debian's packages (`apt-get install
// postgresql`); $TG_PG_BINDIR overrides where they are looked for.
//
// PostgreSQL refuses to run as root, and CI runs as root: then initdb and
// postgres run as the unprivileged user "nobody" and the data directory is
// theirs.
//
// Under CI=true a missing PostgreSQL fails the test; otherwise it skips.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Cluster is a running PostgreSQL server.
type Cluster struct {
	Dir  string // data directory
	Port int
	cmd  *exec.Cmd
	done chan struct{}
	log  string
	seq  atomic.Int64
}

var (
	once    sync.Once
	shared  *Cluster
	startEr error
	// Durable makes the shared cluster fsync as production does (benchmarks
	// set it before the first Get); by default tests run with fsync off.
	Durable bool
)

// Main runs the tests of a package and stops the shared cluster, if one was
// started: `func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }`.
func Main(m interface{ Run() int }) int {
	code := m.Run()
	Stop()
	return code
}

// Stop stops the shared cluster, if one was started (for a TestMain that
// runs the tests itself).
func Stop() {
	if shared != nil {
		shared.Stop()
		shared = nil
	}
}

// Get returns the shared cluster of this test binary, starting it on first
// use. It skips the test when PostgreSQL is not installed, or fails it
// under CI=true.
func Get(tb testing.TB) *Cluster {
	tb.Helper()
	once.Do(func() { shared, startEr = Start(Durable) })
	if startEr != nil {
		if errors.Is(startEr, errMissing) && os.Getenv("CI") != "true" {
			tb.Skipf("pgtest: %v", startEr)
		}
		tb.Fatalf("pgtest: %v", startEr)
	}
	return shared
}

var errMissing = errors.New("PostgreSQL is not installed (apt-get install postgresql)")

// BinDir finds the directory of initdb and postgres.
func BinDir() (string, error) {
	if d := os.Getenv("TG_PG_BINDIR"); d != "" {
		return d, nil
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		d := strings.TrimSpace(string(out))
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errMissing
}

func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

// Start initialises and starts a new cluster. durable keeps fsync on.
func Start(durable bool) (*Cluster, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	base, err := os.MkdirTemp("", "tg-pgtest-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: filepath.Join(base, "data"), done: make(chan struct{}), log: filepath.Join(base, "postgres.log")}
	cred, err := credential()
	if err != nil {
		return nil, err
	}
	if err := os.Mkdir(c.Dir, 0o700); err != nil {
		return nil, err
	}
	if cred != nil {
		// The cluster's user must reach and own its directories.
		if err := os.Chmod(base, 0o755); err != nil {
			return nil, err
		}
		for _, p := range []string{c.Dir, base} {
			if err := os.Chown(p, int(cred.Uid), int(cred.Gid)); err != nil {
				return nil, err
			}
		}
	}
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", c.Dir, "-U", "postgres", "--auth=trust",
		"--encoding=UTF8", "--locale=C", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	initdb.Dir = base
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}

	port, err := freePort()
	if err != nil {
		return nil, err
	}
	c.Port = port
	args := []string{"-D", c.Dir, "-p", strconv.Itoa(port), "-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories=" + base, "-c", "max_connections=200",
		"-c", "shared_buffers=64MB", "-c", "log_min_messages=warning"}
	if !durable {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	logf, err := os.Create(c.log)
	if err != nil {
		return nil, err
	}
	if cred != nil {
		os.Chown(c.log, int(cred.Uid), int(cred.Gid))
	}
	c.cmd = exec.Command(filepath.Join(bin, "postgres"), args...)
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setpgid: true}
	c.cmd.Stdout, c.cmd.Stderr = logf, logf
	c.cmd.Dir = base
	if err := c.cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	go func() { c.cmd.Wait(); logf.Close(); close(c.done) }()

	deadline := time.Now().Add(60 * time.Second)
	for {
		conn, err := pgx.Connect(context.Background(), c.DSN("postgres"))
		if err == nil {
			conn.Close(context.Background())
			return c, nil
		}
		select {
		case <-c.done:
			out, _ := os.ReadFile(c.log)
			return nil, fmt.Errorf("postgres exited: %s", out)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			c.Stop()
			out, _ := os.ReadFile(c.log)
			return nil, fmt.Errorf("postgres did not accept connections: %v: %s", err, out)
		}
	}
}

// credential is the user the cluster runs as: nil (the current user) unless
// we are root, then "nobody".
func credential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("nobody")
	if err != nil {
		return nil, fmt.Errorf("running as root needs the user nobody for postgres: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// DSN is the connection string of database db.
func (c *Cluster) DSN(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.Port, db)
}

// Stop shuts the cluster down (fast shutdown) and removes its directory.
func (c *Cluster) Stop() {
	if c.cmd != nil && c.cmd.Process != nil {
		c.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-c.done:
		case <-time.After(20 * time.Second):
			c.cmd.Process.Kill()
			<-c.done
		}
	}
	os.RemoveAll(filepath.Dir(c.Dir))
}

// Exec runs one statement on the maintenance database.
func (c *Cluster) Exec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, c.DSN("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// NewDB creates a fresh database (a copy of template when not empty) and
// returns its DSN; it is dropped when the test ends.
func (c *Cluster) NewDB(tb testing.TB, template string) string {
	tb.Helper()
	name := fmt.Sprintf("t%d_%d", os.Getpid(), c.seq.Add(1))
	q := "CREATE DATABASE " + name
	if template != "" {
		q += " TEMPLATE " + template
	}
	// FILE_COPY (PostgreSQL 15+) copies the files instead of logging every
	// block: with fsync off about 5 times faster for a small template.
	err := c.Exec(context.Background(), q+" STRATEGY FILE_COPY")
	if err != nil && strings.Contains(err.Error(), "STRATEGY") || pgErrCode(err) == "42601" {
		err = c.Exec(context.Background(), q) // an older server
	}
	if err != nil {
		tb.Fatalf("pgtest: %s: %v", q, err)
	}
	tb.Cleanup(func() {
		if err := c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Logf("pgtest: drop %s: %v", name, err)
		}
	})
	return c.DSN(name)
}

// Template creates (once per name) a database that later NewDB calls copy:
// setup runs on its DSN, for example to apply migrations. A template must
// have no open connections when copied, so setup must close what it opens.
func (c *Cluster) Template(tb testing.TB, name string, setup func(dsn string) error) string {
	tb.Helper()
	tmplMu.Lock()
	defer tmplMu.Unlock()
	if err, ok := tmplDone[name]; ok {
		if err != nil {
			tb.Fatalf("pgtest: template %s: %v", name, err)
		}
		return name
	}
	err := c.Exec(context.Background(), "CREATE DATABASE "+name)
	if err == nil {
		err = setup(c.DSN(name))
	}
	tmplDone[name] = err
	if err != nil {
		tb.Fatalf("pgtest: template %s: %v", name, err)
	}
	return name
}

func pgErrCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

var (
	tmplMu   sync.Mutex
	tmplDone = map[string]error{}
)
