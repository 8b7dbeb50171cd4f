package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/sqlite"
)

// TestMigrateOrgs: a database from before organisations (migrations 0001 to
// 0004) keeps its projects and users, which land in the default
// organisation, whose admin then sees them.
func TestMigrateOrgs(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"0001_init.sql", "0002_chunk_data.sql", "0003_friction.sql", "0004_project_friction.sql"} {
		body, err := os.ReadFile(filepath.Join("migrations", name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := raw.Exec(`INSERT INTO schema_migrations VALUES (?, 0)`, "migrations/"+name); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := raw.Exec(`INSERT INTO projects (id, name, public_key, created_at) VALUES ('p1', 'Old', 'tg_old', 1)`); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`INSERT INTO users (id, email, email_key, role, created_at) VALUES ('u1', 'a@example.com', 'a@example.com', 'admin', 1)`); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	db, err := sqlite.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := sqlite.NewUserStore(db).Org(ctx, trailguide.DefaultOrgID); err != nil {
		t.Fatalf("default org after migration: %v", err)
	}
	u, err := sqlite.NewUserStore(db).User(ctx, "u1")
	if err != nil || u.OrgID != trailguide.DefaultOrgID {
		t.Fatalf("user after migration: got %+v, %v; want org %q", u, err, trailguide.DefaultOrgID)
	}
	ps, err := sqlite.NewProjectStore(db).OrgProjects(ctx, trailguide.DefaultOrgID)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	if !slices.Equal(ids, []string{"p1"}) {
		t.Fatalf("projects of the default org: got %v, want [p1]", ids)
	}
}

// TestMigrateEmpty: a new database gets no default organisation; first-run
// setup makes it.
func TestMigrateEmpty(t *testing.T) {
	db := MustOpenDB(t, "")
	_, err := sqlite.NewUserStore(db).Org(context.Background(), trailguide.DefaultOrgID)
	if trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
		t.Fatalf("default org of a new database: got %v, want ENOTFOUND", err)
	}
}
