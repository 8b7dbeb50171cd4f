package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/trailguide/trailguide"
)

// testOrgs: organisations are created and read back; users need an
// existing one.
func testOrgs(t *testing.T, s Stores) {
	ctx := context.Background()
	o := mustCreateOrg(t, s, "o1")
	got, err := s.Users.Org(ctx, "o1")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != o.ID || got.Name != o.Name || !got.CreatedAt.Equal(t0) {
		t.Fatalf("org: got %+v, want %+v", got, o)
	}
	_, err = s.Users.Org(ctx, "nope")
	wantCode(t, err, trailguide.ENOTFOUND)
	wantCode(t, s.Users.CreateOrg(ctx, &trailguide.Org{ID: "o1", Name: "Again"}), trailguide.ECONFLICT)
	wantCode(t, s.Users.CreateOrg(ctx, &trailguide.Org{ID: "o2"}), trailguide.EINVALID)
	mustCreateOrg(t, s, "o2")

	tests := []struct {
		name string
		u    *trailguide.User
		code string
	}{
		{"no org", &trailguide.User{ID: "x1", Email: "x1@example.com", Role: trailguide.RoleAdmin}, trailguide.EINVALID},
		{"unknown org", &trailguide.User{ID: "x2", OrgID: "nope", Email: "x2@example.com", Role: trailguide.RoleAdmin}, trailguide.ENOTFOUND},
		{"known org", &trailguide.User{ID: "x3", OrgID: "o1", Email: "x3@example.com", Role: trailguide.RoleAdmin}, ""},
		// Login is by email alone, so emails are unique across organisations.
		{"email taken in another org", &trailguide.User{ID: "x4", OrgID: "o2", Email: "X3@example.com", Role: trailguide.RoleAdmin}, trailguide.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, s.Users.CreateUser(ctx, tt.u), tt.code)
		})
	}
	if u, err := s.Users.User(ctx, "x3"); err != nil || u.OrgID != "o1" {
		t.Fatalf("user x3: got %+v, %v; want org o1", u, err)
	}
	if _, err := s.Users.User(ctx, "x2"); trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
		t.Fatalf("user of an unknown org was stored: %v", err)
	}
}

// testOrgScoping: every org-scoped read and write sees only its own
// organisation's rows; another organisation's IDs are ENOTFOUND and leave
// the row untouched.
func testOrgScoping(t *testing.T, s Stores) {
	ctx := context.Background()
	mustCreateOrg(t, s, "oa")
	mustCreateOrg(t, s, "ob")
	for _, p := range []*trailguide.Project{
		{ID: "pa1", OrgID: "oa", Name: "A1", PublicKey: "pk_pa1", CreatedAt: t0},
		{ID: "pb1", OrgID: "ob", Name: "B1", PublicKey: "pk_pb1", CreatedAt: t0},
		{ID: "pa2", OrgID: "oa", Name: "A2", PublicKey: "pk_pa2", CreatedAt: t0.Add(time.Second)},
		{ID: "none", Name: "No org", PublicKey: "pk_none", CreatedAt: t0},
	} {
		if err := s.Projects.CreateProject(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	mustCreateUser(t, s, "oa", "ua-admin", trailguide.RoleAdmin)
	mustCreateUser(t, s, "oa", "ua-viewer", trailguide.RoleViewer)
	mustCreateUser(t, s, "ob", "ub-admin", trailguide.RoleAdmin)
	mustCreateUser(t, s, "ob", "ub-member", trailguide.RoleMember)

	projectIDs := func(org string) []string {
		t.Helper()
		ps, err := s.Projects.OrgProjects(ctx, org)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, p := range ps {
			if p.OrgID != org {
				t.Errorf("OrgProjects(%s) returned %s of org %q", org, p.ID, p.OrgID)
			}
			ids = append(ids, p.ID)
		}
		return ids
	}
	userIDs := func(org string) []string {
		t.Helper()
		us, err := s.Users.OrgUsers(ctx, org)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, u := range us {
			ids = append(ids, u.ID)
		}
		return ids
	}
	if got, want := projectIDs("oa"), []string{"pa1", "pa2"}; !slices.Equal(got, want) {
		t.Errorf("projects of oa: got %v, want %v", got, want)
	}
	if got, want := projectIDs("ob"), []string{"pb1"}; !slices.Equal(got, want) {
		t.Errorf("projects of ob: got %v, want %v", got, want)
	}
	if got := projectIDs(""); len(got) != 0 {
		// A project without an organisation is nobody's, even when asked
		// for "no organisation".
		t.Errorf("projects of the empty org: got %v, want none", got)
	}
	if got, err := s.Projects.Project(ctx, "pb1"); err != nil || got.OrgID != "ob" {
		t.Errorf("project pb1: got %+v, %v; want org ob", got, err)
	}
	if got, want := userIDs("oa"), []string{"ua-admin", "ua-viewer"}; !slices.Equal(got, want) {
		t.Errorf("users of oa: got %v, want %v", got, want)
	}
	if got, want := userIDs("ob"), []string{"ub-admin", "ub-member"}; !slices.Equal(got, want) {
		t.Errorf("users of ob: got %v, want %v", got, want)
	}
	if got := userIDs("nope"); len(got) != 0 {
		t.Errorf("users of an unknown org: got %v, want none", got)
	}

	// Writes across the boundary.
	wantCode(t, s.Users.SetUserRole(ctx, "oa", "ub-member", trailguide.RoleAdmin), trailguide.ENOTFOUND)
	wantCode(t, s.Users.DeleteUser(ctx, "oa", "ub-member"), trailguide.ENOTFOUND)
	if u, err := s.Users.User(ctx, "ub-member"); err != nil || u.Role != trailguide.RoleMember {
		t.Fatalf("ub-member after writes from oa: got %+v, %v; want an unchanged member", u, err)
	}

	// Writes inside it.
	if err := s.Users.SetUserRole(ctx, "ob", "ub-member", trailguide.RoleViewer); err != nil {
		t.Fatal(err)
	}
	if u, _ := s.Users.User(ctx, "ub-member"); u == nil || u.Role != trailguide.RoleViewer {
		t.Fatalf("role after SetUserRole: got %+v, want viewer", u)
	}
	wantCode(t, s.Users.SetUserRole(ctx, "ob", "ub-member", "owner"), trailguide.EINVALID)

	now := time.Now().UTC()
	if err := s.Users.CreateAuthSession(ctx, &trailguide.AuthSession{ID: "sess-ub", UserID: "ub-member", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := s.Users.DeleteUser(ctx, "ob", "ub-member"); err != nil {
		t.Fatal(err)
	}
	_, err := s.Users.User(ctx, "ub-member")
	wantCode(t, err, trailguide.ENOTFOUND)
	_, err = s.Users.AuthSession(ctx, "sess-ub")
	wantCode(t, err, trailguide.ENOTFOUND)
	wantCode(t, s.Users.DeleteUser(ctx, "ob", "ub-member"), trailguide.ENOTFOUND)
}

// testLastAdmin: an organisation cannot lose its last admin by a role
// change or a deletion; the failed change leaves everything as it was.
func testLastAdmin(t *testing.T, s Stores) {
	ctx := context.Background()
	mustCreateOrg(t, s, "o1")
	mustCreateOrg(t, s, "o2")
	mustCreateUser(t, s, "o1", "admin1", trailguide.RoleAdmin)
	mustCreateUser(t, s, "o1", "member1", trailguide.RoleMember)
	mustCreateUser(t, s, "o2", "admin2", trailguide.RoleAdmin)

	wantCode(t, s.Users.SetUserRole(ctx, "o1", "admin1", trailguide.RoleMember), trailguide.ECONFLICT)
	wantCode(t, s.Users.DeleteUser(ctx, "o1", "admin1"), trailguide.ECONFLICT)
	if u, err := s.Users.User(ctx, "admin1"); err != nil || u.Role != trailguide.RoleAdmin {
		t.Fatalf("last admin after refused changes: got %+v, %v", u, err)
	}
	// With a second admin, the first may go.
	if err := s.Users.SetUserRole(ctx, "o1", "member1", trailguide.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if err := s.Users.SetUserRole(ctx, "o1", "admin1", trailguide.RoleViewer); err != nil {
		t.Fatal(err)
	}
	if err := s.Users.DeleteUser(ctx, "o1", "admin1"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.Users.DeleteUser(ctx, "o1", "member1"), trailguide.ECONFLICT)
	// Another org's admin does not count.
	wantCode(t, s.Users.SetUserRole(ctx, "o1", "member1", trailguide.RoleViewer), trailguide.ECONFLICT)
}

// testAllowedOrigins: SetAllowedOrigins replaces the list; every read
// returns it; nil clears it.
func testAllowedOrigins(t *testing.T, s Stores) {
	ctx := context.Background()
	mustCreateProject(t, s, "a")
	want := []string{"https://shop.example", "http://localhost:3000"}
	if err := s.Projects.SetAllowedOrigins(ctx, "a", want); err != nil {
		t.Fatal(err)
	}
	for _, read := range []func() (*trailguide.Project, error){
		func() (*trailguide.Project, error) { return s.Projects.Project(ctx, "a") },
		func() (*trailguide.Project, error) { return s.Projects.ProjectByKey(ctx, "pk_a") },
	} {
		p, err := read()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p.AllowedOrigins, want) {
			t.Fatalf("allowed origins: got %v, want %v", p.AllowedOrigins, want)
		}
	}
	if err := s.Projects.SetAllowedOrigins(ctx, "a", nil); err != nil {
		t.Fatal(err)
	}
	if p, err := s.Projects.Project(ctx, "a"); err != nil || p.AllowedOrigins == nil || len(p.AllowedOrigins) != 0 {
		t.Fatalf("allowed origins after clearing: got %+v, %v; want []", p, err)
	}
	wantCode(t, s.Projects.SetAllowedOrigins(ctx, "nope", want), trailguide.ENOTFOUND)
}

// testAPIKeys: keys are found by hash only, listed per organisation,
// revoked (deleted) only by their own organisation, and never found again
// once revoked.
func testAPIKeys(t *testing.T, s Stores) {
	if s.Keys == nil {
		t.Skip("backend has no API key store")
	}
	ctx := context.Background()
	mustCreateOrg(t, s, "oa")
	mustCreateOrg(t, s, "ob")
	secretA := trailguide.SecretKeyPrefix + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	secretB := trailguide.SecretKeyPrefix + "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	ka := &trailguide.APIKey{ID: "ka", OrgID: "oa", Name: "CI", Prefix: secretA[:12], Scope: trailguide.ScopeRead,
		Hash: trailguide.HashAPIKey(secretA), CreatedBy: "u1", CreatedAt: t0}
	kb := &trailguide.APIKey{ID: "kb", OrgID: "ob", Name: "Export", Prefix: secretB[:12], Scope: trailguide.ScopeReadWrite,
		Hash: trailguide.HashAPIKey(secretB), CreatedAt: t0}
	for _, k := range []*trailguide.APIKey{ka, kb} {
		if err := s.Keys.CreateAPIKey(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	bad := []struct {
		name string
		k    *trailguide.APIKey
		code string
	}{
		{"same hash", &trailguide.APIKey{ID: "kc", OrgID: "oa", Scope: trailguide.ScopeRead, Hash: ka.Hash}, trailguide.ECONFLICT},
		{"same id", &trailguide.APIKey{ID: "ka", OrgID: "oa", Scope: trailguide.ScopeRead, Hash: "other"}, trailguide.ECONFLICT},
		{"no hash", &trailguide.APIKey{ID: "kd", OrgID: "oa", Scope: trailguide.ScopeRead}, trailguide.EINVALID},
		{"bad scope", &trailguide.APIKey{ID: "ke", OrgID: "oa", Scope: "admin", Hash: "h-e"}, trailguide.EINVALID},
		{"unknown org", &trailguide.APIKey{ID: "kf", OrgID: "nope", Scope: trailguide.ScopeRead, Hash: "h-f"}, trailguide.ENOTFOUND},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, s.Keys.CreateAPIKey(ctx, tt.k), tt.code)
		})
	}

	got, err := s.Keys.APIKeyByHash(ctx, trailguide.HashAPIKey(secretA))
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != "ka" || got.OrgID != "oa" || got.Name != "CI" || got.Prefix != secretA[:12] || got.Scope != trailguide.ScopeRead ||
		got.CreatedBy != "u1" || !got.CreatedAt.Equal(t0) || got.LastUsedAt != nil {
		t.Fatalf("key by hash: got %+v", got)
	}
	// The stored hash is not the key, and the key is no lookup value.
	if got.Hash == secretA {
		t.Fatalf("the store kept the plain key")
	}
	_, err = s.Keys.APIKeyByHash(ctx, secretA)
	wantCode(t, err, trailguide.ENOTFOUND)

	list, err := s.Keys.OrgAPIKeys(ctx, "oa")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != "ka" {
		t.Fatalf("keys of oa: got %d keys, want only ka", len(list))
	}

	wantCode(t, s.Keys.RevokeAPIKey(ctx, "oa", "kb"), trailguide.ENOTFOUND)
	if _, err := s.Keys.APIKeyByHash(ctx, kb.Hash); err != nil {
		t.Fatalf("kb after a revoke from another org: %v", err)
	}
	if err := s.Keys.RevokeAPIKey(ctx, "oa", "ka"); err != nil {
		t.Fatal(err)
	}
	_, err = s.Keys.APIKeyByHash(ctx, ka.Hash)
	wantCode(t, err, trailguide.ENOTFOUND)
	if list, _ := s.Keys.OrgAPIKeys(ctx, "oa"); len(list) != 0 {
		t.Fatalf("keys of oa after revoking: got %d, want 0", len(list))
	}
	wantCode(t, s.Keys.RevokeAPIKey(ctx, "oa", "ka"), trailguide.ENOTFOUND)
}

// testAPIKeyTouch: last use is recorded, at most about once a minute.
func testAPIKeyTouch(t *testing.T, s Stores) {
	if s.Keys == nil {
		t.Skip("backend has no API key store")
	}
	ctx := context.Background()
	mustCreateOrg(t, s, "o1")
	k := &trailguide.APIKey{ID: "k", OrgID: "o1", Name: "k", Prefix: "tg_sk_k", Scope: trailguide.ScopeRead, Hash: "h", CreatedAt: t0}
	if err := s.Keys.CreateAPIKey(ctx, k); err != nil {
		t.Fatal(err)
	}
	lastUsed := func() *time.Time {
		t.Helper()
		got, err := s.Keys.APIKeyByHash(ctx, "h")
		if err != nil {
			t.Fatal(err)
		}
		return got.LastUsedAt
	}
	use1 := t0.Add(time.Hour)
	if err := s.Keys.TouchAPIKey(ctx, "k", use1); err != nil {
		t.Fatal(err)
	}
	if got := lastUsed(); got == nil || !got.Equal(use1) {
		t.Fatalf("last used: got %v, want %v", got, use1)
	}
	later := use1.Add(2 * time.Minute)
	if err := s.Keys.TouchAPIKey(ctx, "k", later); err != nil {
		t.Fatal(err)
	}
	if got := lastUsed(); got == nil || !got.Equal(later) {
		t.Fatalf("last used after a later use: got %v, want %v", got, later)
	}
	if err := s.Keys.TouchAPIKey(ctx, "gone", later); err != nil {
		t.Fatalf("touch an unknown key: got %v, want nil", err)
	}
}
