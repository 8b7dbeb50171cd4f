package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
)

// Snapshot writes a consistent copy of the database to path with VACUUM
// INTO: one read transaction, so the copy is the database as of one
// commit, while the server keeps writing (WAL readers never block the
// writer). path must not exist. The copy is compact and self-contained (no
// -wal file).
func (db *DB) Snapshot(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("snapshot: %s exists", path)
	}
	// The reader pool is query_only, which VACUUM INTO refuses; a
	// connection of its own reads without joining the writer's queue.
	conn, err := sql.Open("sqlite", dsn(db.path, false))
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("snapshot: %w", storageError("vacuum into", err))
	}
	return nil
}

// ChunkBlobKeys returns the blob key of every compacted chunk in the
// database at path (a snapshot being backed up or restored), for checking
// that the blobs it needs are there.
func ChunkBlobKeys(ctx context.Context, path string) ([]string, error) {
	conn, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer conn.Close()
	keys, err := queryStrings(ctx, conn, `SELECT DISTINCT blob_key FROM chunks WHERE blob_key != '' ORDER BY blob_key`)
	if err != nil {
		return nil, fmt.Errorf("chunk blob keys: %w", err)
	}
	return keys, nil
}
