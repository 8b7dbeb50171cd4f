package friction

import (
	"bytes"
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The shared test vectors live in testdata/friction/*.json (format in
// docs/FRICTION.md, "Test vectors"). They are authored in vectordefs_test.go
// for brevity and written with `go test ./friction -run TestVectorFiles
// -update`; TestVectorFiles fails when the committed files differ from the
// definitions, and TestVectors runs the committed files, exactly as the SDK
// tests do.

var update = flag.Bool("update", false, "rewrite testdata/friction from vectordefs_test.go")

const vectorDir = "../testdata/friction"

type vectorFile struct {
	Spec        string   `json:"spec"`
	Signal      string   `json:"signal"`
	Description string   `json:"description"`
	Vectors     []vector `json:"vectors"`
}

type vector struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Config      json.RawMessage `json:"config,omitempty"`
	Inputs      []Input         `json:"inputs"`
	Expect      []expectation   `json:"expect"`
}

// expectation is what a vector asserts about one detection: type, time and
// selector always; details only for the keys listed (compared as strings).
type expectation struct {
	Type     string         `json:"type"`
	T        int64          `json:"t"`
	Selector string         `json:"selector,omitempty"`
	Details  map[string]any `json:"details,omitempty"`
}

func (e expectation) String() string {
	return fmt.Sprintf("%s@%d %q", e.Type, e.T, e.Selector)
}

func loadVectorFiles(tb testing.TB) map[string]vectorFile {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(vectorDir, "*.json"))
	if err != nil {
		tb.Fatal(err)
	}
	files := map[string]vectorFile{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		var f vectorFile
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			tb.Fatalf("%s: %v", p, err)
		}
		files[filepath.Base(p)] = f
	}
	return files
}

func TestVectors(t *testing.T) {
	files := loadVectorFiles(t)
	total := 0
	names := map[string]bool{}
	for _, fname := range slices.Sorted(maps.Keys(files)) {
		f := files[fname]
		if f.Spec != "friction/v1" {
			t.Errorf("%s: spec = %q, want friction/v1", fname, f.Spec)
		}
		for _, v := range f.Vectors {
			total++
			if names[v.Name] {
				t.Errorf("%s: duplicate vector name %q", fname, v.Name)
			}
			names[v.Name] = true
			t.Run(v.Name, func(t *testing.T) {
				cfg, err := ParseConfig(v.Config)
				if err != nil {
					t.Fatalf("config: %v", err)
				}
				got := Detect(cfg, v.Inputs)
				if diff := compareDetections(v.Expect, got); diff != "" {
					t.Errorf("%s\n%s\n%s", fname, v.Description, diff)
				}
			})
		}
	}
	if total < 50 {
		t.Errorf("%d vectors, the spec requires at least 50", total)
	}
}

// compareDetections returns "" when got matches want (as sets ordered the
// same way Detect orders them), else a readable diff.
func compareDetections(want []expectation, got []Detection) string {
	want = slices.Clone(want)
	slices.SortStableFunc(want, func(a, b expectation) int {
		if c := cmp.Compare(a.T, b.T); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Type, b.Type); c != 0 {
			return c
		}
		return cmp.Compare(a.Selector, b.Selector)
	})
	var b strings.Builder
	ok := len(want) == len(got)
	for i := 0; i < max(len(want), len(got)); i++ {
		w, g := "-", "-"
		line := "  "
		if i < len(want) {
			w = want[i].String()
		}
		if i < len(got) {
			gd := got[i]
			g = expectation{Type: gd.Type, T: gd.T, Selector: gd.Selector}.String()
			if i < len(want) {
				if w != g {
					ok, line = false, "✗ "
				} else if miss := detailDiff(want[i].Details, gd.Details); miss != "" {
					ok, line = false, "✗ "
					g += " " + miss
				}
			}
		} else {
			line = "✗ "
		}
		if i >= len(want) {
			line = "✗ "
		}
		fmt.Fprintf(&b, "%swant %-40s got %s\n", line, w, g)
		if i < len(got) {
			ev, _ := json.Marshal(got[i].Details)
			fmt.Fprintf(&b, "       evidence %v details %s\n", got[i].Evidence, ev)
		}
	}
	if ok {
		return ""
	}
	return b.String()
}

func detailDiff(want, got map[string]any) string {
	var miss []string
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if fmt.Sprint(want[k]) != fmt.Sprint(got[k]) {
			miss = append(miss, fmt.Sprintf("details.%s = %v, want %v", k, got[k], want[k]))
		}
	}
	return strings.Join(miss, "; ")
}

// TestVectorFiles keeps the committed vector files identical to the
// definitions (or rewrites them with -update).
func TestVectorFiles(t *testing.T) {
	defs := vectorDefs()
	for _, f := range defs {
		data := encodeFile(f)
		path := filepath.Join(vectorDir, f.Signal+".json")
		if *update {
			if err := os.MkdirAll(vectorDir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		have, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./friction -run TestVectorFiles -update)", err)
		}
		if !bytes.Equal(have, data) {
			t.Errorf("%s differs from vectordefs_test.go (run go test ./friction -run TestVectorFiles -update)", path)
		}
	}
	if !*update {
		files := loadVectorFiles(t)
		if len(files) != len(defs) {
			t.Errorf("%d files in %s, %d defined", len(files), vectorDir, len(defs))
		}
	}
}

// encodeFile writes a vector file with one input or expectation per line,
// so that a vector reads as a timeline and diffs stay small.
func encodeFile(f vectorFile) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "{\n \"spec\": %s,\n \"signal\": %s,\n \"description\": %s,\n \"vectors\": [\n",
		compact(f.Spec), compact(f.Signal), compact(f.Description))
	for i, v := range f.Vectors {
		fmt.Fprintf(&b, "  {\n   \"name\": %s,\n   \"description\": %s,\n", compact(v.Name), compact(v.Description))
		if len(v.Config) > 0 {
			fmt.Fprintf(&b, "   \"config\": %s,\n", compact(v.Config))
		}
		list := func(name string, n int, item func(int) []byte, last bool) {
			fmt.Fprintf(&b, "   %q: [", name)
			for j := 0; j < n; j++ {
				if j > 0 {
					b.WriteByte(',')
				}
				b.WriteString("\n    ")
				b.Write(item(j))
			}
			if n > 0 {
				b.WriteString("\n   ")
			}
			b.WriteString("]")
			if !last {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		list("inputs", len(v.Inputs), func(j int) []byte { return compact(v.Inputs[j]) }, false)
		list("expect", len(v.Expect), func(j int) []byte { return compact(v.Expect[j]) }, true)
		b.WriteString("  }")
		if i < len(f.Vectors)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString(" ]\n}\n")
	return b.Bytes()
}

func compact(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	out := bytes.TrimRight(b.Bytes(), "\n")
	if raw, ok := v.(json.RawMessage); ok {
		var c bytes.Buffer
		if err := json.Compact(&c, raw); err != nil {
			panic(err)
		}
		return c.Bytes()
	}
	return out
}
