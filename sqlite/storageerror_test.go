package sqlite

import (
	"errors"
	"testing"

	"github.com/trailguide/trailguide"
	sqlite3 "modernc.org/sqlite/lib"
)

type codedError int

func (e codedError) Error() string { return "sqlite error" }
func (e codedError) Code() int     { return int(e) }

// TestStorageErrorCodes: a full disk, I/O errors and lock contention are
// EUNAVAILABLE (503 + Retry-After: the batch is not stored and the SDK
// retries); anything else stays internal.
func TestStorageErrorCodes(t *testing.T) {
	for _, tt := range []struct {
		name string
		code int
		want string
	}{
		{"full", sqlite3.SQLITE_FULL, trailguide.EUNAVAILABLE},
		{"ioerr write (extended)", sqlite3.SQLITE_IOERR_WRITE, trailguide.EUNAVAILABLE},
		{"ioerr fsync (extended)", sqlite3.SQLITE_IOERR_FSYNC, trailguide.EUNAVAILABLE},
		{"busy", sqlite3.SQLITE_BUSY, trailguide.EUNAVAILABLE},
		{"locked", sqlite3.SQLITE_LOCKED, trailguide.EUNAVAILABLE},
		{"corrupt", sqlite3.SQLITE_CORRUPT, trailguide.EINTERNAL},
		{"constraint", sqlite3.SQLITE_CONSTRAINT_UNIQUE, trailguide.EINTERNAL},
	} {
		err := storageError("commit", codedError(tt.code))
		if got := trailguide.ErrorCode(err); got != tt.want {
			t.Errorf("%s: code %q, want %q", tt.name, got, tt.want)
		}
		var ce codedError
		if !errors.As(err, &ce) {
			t.Errorf("%s: the SQLite error is not wrapped", tt.name)
		}
	}
}
