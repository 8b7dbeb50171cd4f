package httpapi

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/friction"
	"github.com/trailguide/trailguide/recording"
)

// TestWireTypesMatchDashboard checks that the dashboard's hand-written wire
// types (web/dashboard/src/types.ts, and the friction config the SDK
// shares) name the same JSON fields as the Go types the API answers with,
// so that renaming, adding or removing a field on one side fails here.
func TestWireTypesMatchDashboard(t *testing.T) {
	ts := tsInterfaces(t, "../web/dashboard/src/types.ts", "../web/sdk/src/friction/config.ts")
	tests := []struct {
		ts  string
		go_ any
	}{
		{"SessionPage", trailguide.SessionPage{}},
		{"Session", trailguide.Session{}},
		{"UTM", trailguide.UTM{}},
		{"SessionDetail", sessionDetail{}},
		{"TGEvent", trailguide.Event{}},
		{"WindowInfo", recording.WindowInfo{}},
		{"FrictionReport", trailguide.FrictionReport{}},
		{"FrictionElement", trailguide.FrictionElement{}},
		{"PrivacyReport", trailguide.PrivacyReport{}},
		{"ScrubKindStats", trailguide.ScrubKindStats{}},
		{"ScrubSource", trailguide.ScrubSource{}},
		{"ProjectSettings", settingsResponse{}},
		{"FrictionConfig", friction.Config{}},
		{"Conversion", friction.Conversion{}},
	}
	for _, tt := range tests {
		fields, ok := ts[tt.ts]
		if !ok {
			t.Errorf("no interface %s in the dashboard's types", tt.ts)
			continue
		}
		want := jsonFields(reflect.TypeOf(tt.go_))
		if !slices.Equal(fields, want) {
			t.Errorf("%s: TypeScript fields\n  %v\nGo %T JSON fields\n  %v\nmissing in TypeScript: %v; not in Go: %v",
				tt.ts, fields, tt.go_, want, minus(want, fields), minus(fields, want))
		}
	}
}

var (
	tsInterfaceRe = regexp.MustCompile(`(?m)^export interface (\w+) \{`)
	tsFieldRe     = regexp.MustCompile(`^\s*(\w+)\??\s*:`)
	tsCommentRe   = regexp.MustCompile(`(?s)/\*.*?\*/|//[^\n]*`)
)

// tsInterfaces returns the top-level field names, sorted, of every
// `export interface X { … }` in the files. Fields of inline object types
// (`a: { b: … }`) belong to those types and are left out.
func tsInterfaces(t *testing.T, files ...string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src := tsCommentRe.ReplaceAllString(string(b), "")
		for _, m := range tsInterfaceRe.FindAllStringSubmatchIndex(src, -1) {
			name := src[m[2]:m[3]]
			var fields []string
			depth := 0
			for _, line := range strings.Split(src[m[1]:], "\n") {
				if depth == 0 {
					if strings.HasPrefix(strings.TrimSpace(line), "}") {
						break
					}
					if fm := tsFieldRe.FindStringSubmatch(line); fm != nil {
						fields = append(fields, fm[1])
					}
				}
				depth += strings.Count(line, "{") - strings.Count(line, "}")
			}
			slices.Sort(fields)
			out[name] = fields
		}
	}
	if len(out) == 0 {
		t.Fatalf("no interfaces found in %v", files)
	}
	return out
}

// jsonFields returns the sorted JSON field names encoding/json gives a
// struct type: tag names, untagged exported fields by their name, embedded
// structs flattened, "-" left out.
func jsonFields(typ reflect.Type) []string {
	var out []string
	for f := range typ.Fields() {
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

func minus(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

func TestTSInterfaces(t *testing.T) {
	dir := t.TempDir()
	f := dir + "/types.ts"
	src := `// a comment { with braces }
export interface A {
  a: string;
  b?: number | null; // trailing {
  /** doc { */
  c: { d: number; e?: string };
  f: {
    g: number;
  };
  'quoted': number;
}

export interface B { }
interface Private {
  x: number;
}
export type T = { y: number };
`
	if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	got := tsInterfaces(t, f)
	want := map[string][]string{"A": {"a", "b", "c", "f"}, "B": nil}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tsInterfaces = %v, want %v", got, want)
	}
}
