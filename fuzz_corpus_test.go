package trailguide_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	fuzzFunc    = regexp.MustCompile(`(?m)^func (Fuzz\w+)\(\w+ \*testing\.F\)`)
	corpusValue = regexp.MustCompile(`^(string|\[\]byte|u?int\d*|float\d+|bool|rune|byte)\(.*\)$`)
)

// TestFuzzCorpora keeps the fuzz targets' seed corpora where `go test` runs
// them (Go's layout: testdata/fuzz/<Target>/ beside the test, files in the
// "go test fuzz v1" format) and `make fuzz` running every target
// (docs/OPERATIONS.md, "Fuzz corpora").
func TestFuzzCorpora(t *testing.T) {
	makefile, err := os.ReadFile("Makefile")
	if err != nil {
		t.Fatal(err)
	}
	targets := 0
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".git" || d.Name() == "web") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range fuzzFunc.FindAllSubmatch(src, -1) {
			targets++
			name, pkg := string(m[1]), filepath.Dir(path)
			dir := filepath.Join(pkg, "testdata", "fuzz", name)
			files, err := os.ReadDir(dir)
			if err != nil || len(files) == 0 {
				t.Errorf("%s (%s): no seed corpus in %s", name, path, dir)
			}
			for _, f := range files {
				if err := checkCorpusFile(filepath.Join(dir, f.Name())); err != nil {
					t.Errorf("%s: %v", name, err)
				}
			}
			want := "-fuzz '^" + name + "$$' -fuzztime $(FUZZTIME) ./" + filepath.ToSlash(pkg) + "/"
			if !bytes.Contains(makefile, []byte(want)) {
				t.Errorf("%s: the Makefile's fuzz target does not run it (want a line with %q)", name, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if targets == 0 {
		t.Fatal("no fuzz targets found: the search is broken")
	}
}

// checkCorpusFile: a "go test fuzz v1" header and one Go literal per line.
func checkCorpusFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	if !sc.Scan() || sc.Text() != "go test fuzz v1" {
		return fmt.Errorf(`%s: first line is not "go test fuzz v1"`, path)
	}
	values := 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if !corpusValue.MatchString(line) {
			return fmt.Errorf("%s: not a Go literal: %.60s", path, line)
		}
		values++
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if values == 0 {
		return fmt.Errorf("%s: no value", path)
	}
	return nil
}
