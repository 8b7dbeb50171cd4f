package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestProjectLimitsCommand(t *testing.T) {
	data := t.TempDir()
	createProject(t, data, nil)
	env := mapEnv(map[string]string{"TRAILGUIDE_DATA": data})
	tests := []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"project", "limits"}, 2, "", "--key"},
		{[]string{"project", "limits", "--key", "nope"}, 1, "", "no project with key nope"},
		{[]string{"project", "limits", "--key", stormKey, "--daily-batch-quota", "-3"}, 2, "", "daily-batch-quota"},
		{[]string{"project", "limits", "--key", stormKey}, 0, "disabled=false daily-batch-quota=unlimited batches-today=0", ""},
		{[]string{"project", "limits", "--key", stormKey, "--daily-batch-quota", "500"}, 0, "disabled=false daily-batch-quota=500", ""},
		{[]string{"project", "limits", "--key", stormKey, "--disabled"}, 0, "disabled=true daily-batch-quota=500", ""},
		{[]string{"project", "limits", "--key", stormKey, "--disabled=false", "--daily-batch-quota", "0"}, 0, "disabled=false daily-batch-quota=unlimited", ""},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tt.args, strings.NewReader(""), &stdout, &stderr, env)
		if code != tt.code || !strings.Contains(stdout.String(), tt.stdout) || !strings.Contains(stderr.String(), tt.stderr) {
			t.Errorf("%v: code %d stdout %q stderr %q; want %d, %q, %q", tt.args, code, stdout.String(), stderr.String(), tt.code, tt.stdout, tt.stderr)
		}
	}
}
