package trailguide

import (
	"context"
	"time"
)

// LeaseStore grants time-limited, exclusive leases on named jobs, so that
// several worker nodes can share the background jobs (session close and
// compaction with friction finalisation, retention) without two of them
// running the same one at once. A lease names its holder (a worker node's
// id) and expires at a time taken from the store's own clock, so that the
// nodes' clocks need not agree. A node that dies stops renewing, and its
// lease is taken over once it expires.
type LeaseStore interface {
	// AcquireLease takes the lease name for holder for ttl when it is
	// free, expired, or already holder's (which renews it); false when
	// another holder has it.
	AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	// ReleaseLease gives up holder's lease; releasing a lease one does not
	// hold is not an error.
	ReleaseLease(ctx context.Context, name, holder string) error
}
