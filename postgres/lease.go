package postgres

import (
	"context"
	"time"

	"github.com/trailguide/trailguide"
)

// LeaseStore implements trailguide.LeaseStore on the leases table. Expiry
// is on the database server's clock (clock_timestamp()), shared by every
// node.
type LeaseStore struct {
	db *DB
}

var _ trailguide.LeaseStore = (*LeaseStore)(nil)

// NewLeaseStore returns the lease store of db.
func NewLeaseStore(db *DB) *LeaseStore { return &LeaseStore{db: db} }

// AcquireLease inserts the lease, or takes it over when it expired or is
// the holder's own, in one statement: the row lock of the upsert decides
// between nodes racing for it.
func (s *LeaseStore) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	if name == "" || holder == "" || ttl <= 0 {
		return false, trailguide.Invalid("lease", "Lease name, holder and a positive duration required.")
	}
	tag, err := s.db.pool.Exec(ctx, `INSERT INTO leases (name, holder, expires_at, token)
		VALUES ($1, $2, (extract(epoch FROM clock_timestamp()) * 1000)::bigint + $3, 1)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at,
			token = leases.token + CASE WHEN leases.holder = excluded.holder THEN 0 ELSE 1 END
		WHERE leases.holder = excluded.holder OR leases.expires_at < (extract(epoch FROM clock_timestamp()) * 1000)::bigint`,
		name, holder, ttl.Milliseconds())
	if err != nil {
		return false, storageError("acquire lease "+name, err)
	}
	return tag.RowsAffected() == 1, nil
}

// ReleaseLease deletes holder's lease.
func (s *LeaseStore) ReleaseLease(ctx context.Context, name, holder string) error {
	if _, err := s.db.pool.Exec(ctx, `DELETE FROM leases WHERE name = $1 AND holder = $2`, name, holder); err != nil {
		return storageError("release lease "+name, err)
	}
	return nil
}
