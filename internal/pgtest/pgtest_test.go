package pgtest_test

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/trailguide/trailguide/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func TestNewDB(t *testing.T) {
	c := pgtest.Get(t)
	ctx := context.Background()
	tmpl := c.Template(t, "tmpl_pgtest", func(dsn string) error {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, `CREATE TABLE marker (v int); INSERT INTO marker VALUES (42)`)
		return err
	})
	for range 2 {
		dsn := c.NewDB(t, tmpl)
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		var v int
		if err := conn.QueryRow(ctx, `SELECT v FROM marker`).Scan(&v); err != nil || v != 42 {
			t.Fatalf("copy of the template: v=%d err=%v", v, err)
		}
		// Each database is its own: a change in one is not in the next.
		if _, err := conn.Exec(ctx, `UPDATE marker SET v = 7`); err != nil {
			t.Fatal(err)
		}
		conn.Close(ctx)
	}
}
