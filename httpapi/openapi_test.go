package httpapi_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/trailguide/trailguide/httpapi"
)

// notInOpenAPI are the routes the document leaves out on purpose.
var notInOpenAPI = map[string]string{
	"OPTIONS /ingest/":      "CORS preflight of every /ingest path; no API of its own",
	"GET /sdk/{file...}":    "static SDK bundles",
	"GET /assets/{file...}": "static dashboard assets",
	"GET /demo/{file...}":   "the demo app (serve --demo)",
	"/":                     "the dashboard's index.html for every other GET",
}

type openAPIDoc struct {
	OpenAPI string `json:"openapi"`
	Paths   map[string]map[string]struct {
		Summary    string `json:"summary"`
		Perm       string `json:"x-trailguide-permission"`
		Parameters []struct {
			Name string `json:"name"`
			In   string `json:"in"`
		} `json:"parameters"`
		Responses map[string]json.RawMessage `json:"responses"`
	} `json:"paths"`
}

var pathParam = regexp.MustCompile(`\{([^}]+)\}`)

// TestOpenAPIMatchesRoutes checks httpapi/openapi.json against the route
// table of a server in every role: every route is documented with the
// permission it declares and its path parameters, and every documented
// operation is served. A failure names the route and says what to add or
// remove, so that whoever adds a route knows what to write.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc openAPIDoc
	if err := json.Unmarshal(httpapi.OpenAPI(), &doc); err != nil {
		t.Fatalf("httpapi/openapi.json does not parse: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, o := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
			if o.Summary == "" || len(o.Responses) == 0 {
				t.Errorf("openapi.json %s %s: needs a summary and responses", strings.ToUpper(method), path)
			}
			for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
				if !slices.ContainsFunc(o.Parameters, func(p struct {
					Name string `json:"name"`
					In   string `json:"in"`
				}) bool {
					return p.Name == m[1] && p.In == "path"
				}) {
					t.Errorf("openapi.json %s %s: declare the path parameter %q in its parameters", strings.ToUpper(method), path, m[1])
				}
			}
		}
	}

	served := map[string]bool{}
	for _, role := range []string{httpapi.RoleAll, httpapi.RoleIngest, httpapi.RoleAPI} {
		e := newTestEnv(t, httpapi.Config{Role: role, Demo: true})
		for _, rt := range e.server.Routes() {
			if _, skip := notInOpenAPI[rt.Pattern]; skip || served[rt.Pattern] {
				continue
			}
			served[rt.Pattern] = true
			method, path, ok := strings.Cut(rt.Pattern, " ")
			if !ok {
				t.Errorf("route %q has no method: document it in httpapi/openapi.json or list it in notInOpenAPI with a reason", rt.Pattern)
				continue
			}
			ops, ok := doc.Paths[path]
			o, okOp := ops[strings.ToLower(method)]
			if !ok || !okOp {
				t.Errorf("route %s is not documented: add paths[%q].%s (summary, x-trailguide-permission %q, parameters, responses) to httpapi/openapi.json",
					rt.Pattern, path, strings.ToLower(method), rt.Perm)
				continue
			}
			if o.Perm != rt.Perm {
				t.Errorf("openapi.json %s: x-trailguide-permission %q, but the route table says %q", rt.Pattern, o.Perm, rt.Perm)
			}
		}
	}
	for op := range documented {
		if !served[op] {
			t.Errorf("httpapi/openapi.json documents %s, which no route serves: remove it, or add the route to httpapi/server.go", op)
		}
	}
	if t.Failed() {
		t.Log(fmt.Sprintf("%d routes served, %d operations documented", len(served), len(documented)))
	}
}

func TestOpenAPIServed(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	rec := e.do(request{method: "GET", path: "/api/v1/openapi.json"})
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || doc["openapi"] != "3.1.0" {
		t.Fatalf("body is not the OpenAPI document: %v", err)
	}
}
