package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestEveryCommandHasHelp: `trailguide CMD --help` exits 0 and prints the
// command's synopsis and its flags spelled --name; a flag that does not
// exist exits 2 and names it.
func TestEveryCommandHasHelp(t *testing.T) {
	env := func(string) string { return "" }
	for _, cmd := range [][]string{
		{"serve"}, {"user", "create"}, {"erase"}, {"project", "limits"}, {"backup"}, {"restore"}, {"import"}, {"export"},
	} {
		name := strings.Join(cmd, " ")
		var out, errOut bytes.Buffer
		code := run(context.Background(), append(append([]string{}, cmd...), "--help"), strings.NewReader(""), &out, &errOut, env)
		help := out.String() + errOut.String()
		if code != 0 || !strings.Contains(help, "Usage: trailguide "+name) || !strings.Contains(help, "  --data") {
			t.Errorf("%s --help: exit %d\n%s", name, code, help)
		}
		out.Reset()
		errOut.Reset()
		code = run(context.Background(), append(append([]string{}, cmd...), "--no-such-flag"), strings.NewReader(""), &out, &errOut, env)
		if code != 2 || !strings.Contains(errOut.String(), "no-such-flag") {
			t.Errorf("%s --no-such-flag: exit %d, %q; want 2 naming the flag", name, code, errOut.String())
		}
	}
	var out bytes.Buffer
	if code := run(context.Background(), []string{"help"}, nil, &out, &out, env); code != 0 || !strings.Contains(out.String(), "Every command takes --help.") {
		t.Errorf("help: %d %s", code, out.String())
	}
}
