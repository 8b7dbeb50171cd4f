package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseServeConfig(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		want  ServeConfig
		field string // FieldError.Field expected; "" for success
	}{
		{name: "defaults", want: ServeConfig{Addr: "127.0.0.1:8070", DataDir: "./trailguide-data", Role: "all", LogLevel: slog.LevelInfo}},
		{name: "env overrides defaults", env: map[string]string{"TRAILGUIDE_ADDR": ":9000", "TRAILGUIDE_DATA": "/var/lib/tg"},
			want: ServeConfig{Addr: ":9000", DataDir: "/var/lib/tg", Role: "all"}},
		{name: "flags win over env", args: []string{"--addr", "127.0.0.1:0", "--data", "/tmp/x"}, env: map[string]string{"TRAILGUIDE_ADDR": ":9000", "TRAILGUIDE_DATA": "/var/lib/tg"},
			want: ServeConfig{Addr: "127.0.0.1:0", DataDir: "/tmp/x", Role: "all"}},
		{name: "all flags", args: []string{"--demo", "--role", "worker", "--log-level", "debug"},
			want: ServeConfig{Addr: "127.0.0.1:8070", DataDir: "./trailguide-data", Demo: true, Role: "worker", LogLevel: slog.LevelDebug}},
		{name: "ipv6", args: []string{"--addr", "[::1]:8070"}, want: ServeConfig{Addr: "[::1]:8070", DataDir: "./trailguide-data", Role: "all"}},
		{name: "addr without port", args: []string{"--addr", "localhost"}, field: "addr"},
		{name: "addr bad port", args: []string{"--addr", "localhost:http2x"}, field: "addr"},
		{name: "bad role", args: []string{"--role", "everything"}, field: "role"},
		{name: "bad log level", args: []string{"--log-level", "loud"}, field: "log-level"},
		{name: "json logs and metrics token", args: []string{"--log-format", "json", "--metrics-token", "tok"},
			want: ServeConfig{Addr: "127.0.0.1:8070", DataDir: "./trailguide-data", Role: "all", LogFormat: "json", MetricsToken: "tok"}},
		{name: "log format from env", env: map[string]string{"TRAILGUIDE_LOG_FORMAT": "json", "TRAILGUIDE_METRICS_TOKEN": "t2"},
			want: ServeConfig{Addr: "127.0.0.1:8070", DataDir: "./trailguide-data", Role: "all", LogFormat: "json", MetricsToken: "t2"}},
		{name: "bad log format", args: []string{"--log-format", "xml"}, field: "log-format"},
		{name: "empty data", args: []string{"--data", ""}, field: "data"},
		{name: "replay origins", args: []string{"--replay-origins", "https://cdn.example.com, http://localhost:8080"},
			want: ServeConfig{Addr: "127.0.0.1:8070", DataDir: "./trailguide-data", Role: "all", ReplayOrigins: []string{"https://cdn.example.com", "http://localhost:8080"}}},
		{name: "replay origins from env", env: map[string]string{"TRAILGUIDE_REPLAY_ORIGINS": "https://img.example.com"},
			want: ServeConfig{Addr: "127.0.0.1:8070", DataDir: "./trailguide-data", Role: "all", ReplayOrigins: []string{"https://img.example.com"}}},
		{name: "idle after", args: []string{"--worker-idle-after", "5s"},
			want: ServeConfig{Addr: "127.0.0.1:8070", DataDir: "./trailguide-data", Role: "all", WorkerIdleAfter: 5 * time.Second}},
		{name: "idle after too short", args: []string{"--worker-idle-after", "10ms"}, field: "worker-idle-after"},
		{name: "replay origin with path", args: []string{"--replay-origins", "https://cdn.example.com/x"}, field: "replay-origins"},
		{name: "replay origin wildcard", args: []string{"--replay-origins", "*"}, field: "replay-origins"},
		{name: "replay origin CSP injection", args: []string{"--replay-origins", "https://a.test; script-src *"}, field: "replay-origins"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseServeConfig(tt.args, mapEnv(tt.env), io.Discard)
			if tt.field != "" {
				var fe *FieldError
				if !errors.As(err, &fe) || fe.Field != tt.field {
					t.Fatalf("err = %v, want FieldError on %q", err, tt.field)
				}
				if !strings.Contains(err.Error(), "--"+tt.field) {
					t.Errorf("error %q does not name --%s", err, tt.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.want.Backend == (BackendConfig{}) {
				tt.want.Backend = defaultBackendConfig()
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseUserCreateConfig(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		want  UserCreateConfig
		field string
	}{
		{name: "minimal", args: []string{"--email", "a@b.example"}, want: UserCreateConfig{DataDir: "/env/data", Email: "a@b.example", Role: "admin", Org: "default"}},
		{name: "full", args: []string{"--email", "a@b.example", "--name", "Ada", "--role", "viewer", "--data", "/d", "--org", "acme-2"},
			want: UserCreateConfig{DataDir: "/d", Email: "a@b.example", Name: "Ada", Role: "viewer", Org: "acme-2"}},
		{name: "bad org", args: []string{"--email", "a@b.example", "--org", "Acme Inc"}, field: "org"},
		{name: "empty org", args: []string{"--email", "a@b.example", "--org", ""}, field: "org"},
		{name: "no email", args: nil, field: "email"},
		{name: "bad email", args: []string{"--email", "ada"}, field: "email"},
		{name: "bad role", args: []string{"--email", "a@b.example", "--role", "root"}, field: "role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseUserCreateConfig(tt.args, mapEnv(map[string]string{"TRAILGUIDE_DATA": "/env/data"}), io.Discard)
			if tt.field != "" {
				var fe *FieldError
				if !errors.As(err, &fe) || fe.Field != tt.field {
					t.Fatalf("err = %v, want FieldError on %q", err, tt.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.want.Backend == (BackendConfig{}) {
				tt.want.Backend = defaultBackendConfig()
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestRunCommands covers dispatch and exit codes without starting a server.
func TestRunCommands(t *testing.T) {
	tests := []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"version"}, 0, "trailguide dev", ""},
		{nil, 2, "", "Usage:"},
		{[]string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{[]string{"serve", "--role", "nope"}, 2, "", "--role"},
		{[]string{"serve", "--no-such-flag"}, 2, "", "flag provided but not defined"},
		{[]string{"serve", "-h"}, 0, "", "-addr"},
		{[]string{"user", "create"}, 2, "", "--email"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, strings.NewReader(""), &stdout, &stderr, mapEnv(nil))
			if code != tt.code {
				t.Errorf("exit code %d, want %d; stderr %s", code, tt.code, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.stdout) {
				t.Errorf("stdout %q, want it to contain %q", stdout.String(), tt.stdout)
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr %q, want it to contain %q", stderr.String(), tt.stderr)
			}
		})
	}
}

func mapEnv(m map[string]string) getenvFunc {
	return func(k string) string { return m[k] }
}
