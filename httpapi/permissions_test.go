package httpapi

import "testing"

func TestProjectWildcard(t *testing.T) {
	tests := []struct{ pattern, want string }{
		{"GET /api/v1/projects/{pid}", "pid"},
		{"DELETE /api/v1/projects/{id}/users/{userId}", "id"},
		{"GET /api/v1/projects/{rest...}", "rest"},
		{"GET /api/v1/projects", ""},
		{"POST /api/v1/projects", ""},
		{"GET /api/v1/users/{uid}", ""},
		{"/", ""},
	}
	for _, tt := range tests {
		if got := projectWildcard(tt.pattern); got != tt.want {
			t.Errorf("projectWildcard(%q) = %q, want %q", tt.pattern, got, tt.want)
		}
	}
}
