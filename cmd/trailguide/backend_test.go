package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "trailguide.conf")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestServeConfigFile(t *testing.T) {
	file := writeConfig(t, `# a worker node of a three-node installation
role = worker
addr = 0.0.0.0:8070
store = postgres
postgres-dsn = postgres://tg:${PGPASSWORD}@db.internal:5432/trailguide?sslmode=require
postgres-max-conns = 8
blob = s3
s3-endpoint = https://s3.eu-west-1.amazonaws.com
s3-bucket = "recordings"
s3-access-key = ${S3_KEY}
s3-secret-key = ${S3_SECRET}
s3-path-style = false
`)
	env := map[string]string{"PGPASSWORD": "p$w", "S3_KEY": "AK", "S3_SECRET": "SK", "TRAILGUIDE_STORE": "sqlite"}
	got, err := parseServeConfig([]string{"--config", file, "--postgres-max-conns", "4"}, mapEnv(env), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	b := got.Backend
	if got.Role != "worker" || got.Addr != "0.0.0.0:8070" || b.Store != "postgres" || b.Blob != "s3" ||
		b.PostgresDSN != "postgres://tg:p$w@db.internal:5432/trailguide?sslmode=require" ||
		b.S3Bucket != "recordings" || b.S3AccessKey != "AK" || b.S3SecretKey != "SK" || b.S3PathStyle {
		t.Fatalf("config from file: %+v", got)
	}
	if b.PostgresMaxConns != 4 {
		t.Errorf("a flag after the file: max conns %d, want 4 (flags win)", b.PostgresMaxConns)
	}
	// TRAILGUIDE_CONFIG names the file too.
	env["TRAILGUIDE_CONFIG"] = file
	if got, err := parseServeConfig(nil, mapEnv(env), io.Discard); err != nil || got.Backend.Store != "postgres" {
		t.Fatalf("TRAILGUIDE_CONFIG: %+v %v", got, err)
	}
}

func TestServeConfigBackendErrors(t *testing.T) {
	tests := []struct {
		name  string
		file  string // config file body, if any
		args  []string
		field string
		msg   string
	}{
		{name: "unknown store", args: []string{"--store", "mysql"}, field: "store"},
		{name: "unknown blob", args: []string{"--blob", "gcs"}, field: "blob"},
		{name: "postgres without dsn", args: []string{"--store", "postgres"}, field: "postgres-dsn"},
		{name: "s3 without endpoint", args: []string{"--blob", "s3", "--s3-bucket", "b"}, field: "s3-endpoint"},
		{name: "s3 bad endpoint", args: []string{"--blob", "s3", "--s3-endpoint", "s3.example.com", "--s3-bucket", "b"}, field: "s3-endpoint"},
		{name: "s3 without bucket", args: []string{"--blob", "s3", "--s3-endpoint", "http://127.0.0.1:9000"}, field: "s3-bucket"},
		{name: "file: unknown setting", file: "store = sqlite\nsotre = postgres\n", field: "config", msg: "line 2"},
		{name: "file: not name = value", file: "store sqlite\n", field: "config", msg: "line 1"},
		{name: "file: unset variable", file: "postgres-dsn = ${NOT_SET_ANYWHERE}\n", field: "config", msg: "NOT_SET_ANYWHERE"},
		{name: "file: bad value", file: "postgres-max-conns = many\n", field: "postgres-max-conns", msg: "line 1"},
		{name: "file: missing", args: []string{"--config", "/nonexistent/trailguide.conf"}, field: "config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			if tt.file != "" {
				args = append([]string{"--config=" + writeConfig(t, tt.file)}, args...)
			}
			_, err := parseServeConfig(args, mapEnv(nil), io.Discard)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Fatalf("err = %v, want FieldError on %q", err, tt.field)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not say %q", err, tt.msg)
			}
		})
	}
}

func TestExpandEnv(t *testing.T) {
	get := mapEnv(map[string]string{"A": "x", "B": "y z"})
	for in, want := range map[string]string{"plain": "plain", "${A}": "x", "a${A}b${B}": "axby z", "$$A": "$A", "$": "$", "co$t": "co$t"} {
		if got, err := expandEnv(in, get); err != nil || got != want {
			t.Errorf("expandEnv(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := expandEnv("${A", get); err == nil {
		t.Error("unclosed ${: no error")
	}
}
