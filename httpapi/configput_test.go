package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/trailguide/trailguide"
)

func TestPutConfig(t *testing.T) {
	type body struct {
		N int `json:"n"`
	}
	admin := &principal{OrgID: "org", Grant: trailguide.RoleAdmin, User: &trailguide.User{ID: "u1"}}
	member := &principal{OrgID: "org", Grant: trailguide.RoleMember, User: &trailguide.User{ID: "u2"}}
	project := &trailguide.Project{ID: "p1"}
	// check refuses n < 0, stores nothing for n == 0, else stores {"v":n}
	// and answers {"got":n}.
	check := func(_ *http.Request, p *trailguide.Project, in *body) (configChange, error) {
		switch {
		case in.N < 0:
			return configChange{}, trailguide.Invalid("thing.n", "N must not be negative.")
		case in.N == 0:
			return configChange{resp: map[string]any{"got": 0, "project": p.ID}}, nil
		case in.N == 99:
			return configChange{store: func() {}, resp: nil}, nil // cannot be encoded
		}
		return configChange{store: map[string]int{"v": in.N}, resp: map[string]int{"got": in.N}, log: []any{"n", in.N}}, nil
	}
	tests := []struct {
		name     string
		who      *principal
		project  *trailguide.Project
		body     string
		setErr   error
		status   int
		wantBody string // the answer, or a part of an error answer
		stored   string // what set got; "" when it must not be called
		log      string // a part of the log line, "" when none is logged
	}{
		{name: "not an admin", who: member, project: project, body: `{"n":1}`, status: 403, wantBody: `"Only admins can do this."`},
		{name: "no project", who: admin, body: `{"n":1}`, status: 404, wantBody: `"Project not found."`},
		{name: "not JSON", who: admin, project: project, body: `{"n":`, status: 400, wantBody: `"reason":"body"`},
		{name: "trailing data", who: admin, project: project, body: `{"n":1} {}`, status: 400, wantBody: `"Request body has trailing data."`},
		{name: "refused by check", who: admin, project: project, body: `{"n":-1}`, status: 400, wantBody: `"reason":"thing.n"`},
		{name: "nothing to store", who: admin, project: project, body: `{"n":0}`, status: 200, wantBody: `{"got":0,"project":"p1"}`},
		{name: "stored", who: admin, project: project, body: `{"n":7}`, status: 200, wantBody: `{"got":7}`, stored: `{"v":7}`,
			log: `msg="project things saved" httpapi.project_id=p1 httpapi.user_id=u1 httpapi.n=7`},
		{name: "project gone", who: admin, project: project, body: `{"n":7}`, setErr: trailguide.Errorf(trailguide.ENOTFOUND, "no row"),
			status: 404, wantBody: `"message":"Project not found."`, stored: `{"v":7}`},
		{name: "store fails", who: admin, project: project, body: `{"n":7}`, setErr: errors.New("disk full"),
			status: 500, wantBody: `"message":"Internal error."`, stored: `{"v":7}`, log: `err="save things: disk full"`},
		{name: "cannot encode", who: admin, project: project, body: `{"n":99}`, status: 500, wantBody: `"message":"Internal error."`,
			log: `err="encode thing config: json: unsupported type: func()"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			s := NewServer(Config{}, Deps{}, slog.New(slog.NewTextHandler(&logs, nil)))
			stored := ""
			c := configPut[body]{
				what:    "things",
				encoded: "thing config",
				check:   check,
				set: func(_ context.Context, pid string, cfg json.RawMessage) error {
					if pid != "p1" {
						t.Errorf("set for project %q", pid)
					}
					stored = string(cfg)
					return tt.setErr
				},
			}
			r := httptest.NewRequest("PUT", "/x", strings.NewReader(tt.body))
			ctx := context.WithValue(r.Context(), principalKey, tt.who)
			if tt.project != nil {
				ctx = context.WithValue(ctx, projectKey, tt.project)
			}
			w := httptest.NewRecorder()
			putConfig(s, w, r.WithContext(ctx), c)
			if w.Code != tt.status {
				t.Errorf("status %d, want %d", w.Code, tt.status)
			}
			got := strings.TrimSpace(w.Body.String())
			if tt.status == 200 && got != tt.wantBody || tt.status != 200 && !strings.Contains(got, tt.wantBody) {
				t.Errorf("body %s, want %s", got, tt.wantBody)
			}
			if stored != tt.stored {
				t.Errorf("stored %q, want %q", stored, tt.stored)
			}
			if tt.log != "" && !strings.Contains(logs.String(), tt.log) {
				t.Errorf("log %q lacks %q", logs.String(), tt.log)
			}
			if tt.log == "" && strings.Contains(logs.String(), "saved") {
				t.Errorf("logged a save: %q", logs.String())
			}
		})
	}
}
