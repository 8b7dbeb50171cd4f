package worker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/recording"
)

// RetentionStats is what one retention pass removed.
type RetentionStats struct {
	Sessions int // session rows deleted (with their batches, chunks, events)
	Blobs    int // chunk blobs deleted, orphans included
	Assets   int // shared stylesheet assets no chunk references any more
}

// retentionBatch is how many sessions one delete transaction removes: small
// enough that ingest's group commits never wait long behind it.
const retentionBatch = 200

// Retain enforces every project's retention (Project.RetentionDays, 30 by
// default) at the worker's clock: sessions whose last batch is older are
// deleted from the index, then their blobs. Then it sweeps the project's
// blobs for orphans (chunk blobs of sessions that no longer exist: left by
// a crash between the index delete and the blob delete, or by a compaction
// that raced an erasure) and collects the shared stylesheet assets that no
// chunk references any more.
//
// Index first, blobs after, is what makes it safe to retry: a blob without
// its index row is only an orphan, found again by the next sweep; an index
// row without its blob never happens.
//
// The sweep and the asset collection assume one worker per deployment: a
// second one compacting at the same moment could have written an asset or
// a compacted blob that its index rows do not reference yet.
func (w *Worker) Retain(ctx context.Context) (RetentionStats, error) {
	var st RetentionStats
	if w.retention == nil || w.cfg.Projects == nil {
		return st, nil
	}
	// With several workers, one retention pass at a time: the lease is
	// kept (not released) so that the others skip this round.
	var err error
	ran, lerr := w.leased(ctx, "retention", false, func(ctx context.Context) error {
		st, err = w.retain(ctx)
		return err
	})
	if !ran && lerr == nil {
		w.logger.Debug("retention pass held by another worker")
	}
	if lerr != nil && err == nil {
		err = lerr
	}
	return st, err
}

// partitionDropper is a retention store that can drop whole time
// partitions of expired rows (postgres).
type partitionDropper interface {
	DropExpiredPartitions(ctx context.Context, now time.Time) ([]string, error)
}

func (w *Worker) retain(ctx context.Context) (RetentionStats, error) {
	var st RetentionStats
	if pd, ok := w.retention.(partitionDropper); ok {
		if dropped, err := pd.DropExpiredPartitions(ctx, w.cfg.Clock.Now()); err != nil {
			w.logger.Error("drop expired partitions", "err", err)
		} else if len(dropped) > 0 {
			w.logger.Info("dropped expired partitions", "partitions", dropped)
		}
	}
	projects, err := w.cfg.Projects.Projects(ctx)
	if err != nil {
		return st, fmt.Errorf("retention: projects: %w", err)
	}
	now := w.cfg.Clock.Now()
	var errs []error
	for _, p := range projects {
		cutoff := now.Add(-time.Duration(p.EffectiveRetentionDays()) * 24 * time.Hour)
		if err := w.retainProject(ctx, p.ID, cutoff, &st); err != nil {
			if ctx.Err() != nil {
				return st, ctx.Err()
			}
			w.logger.Error("retention", "project", p.ID, "err", err)
			errs = append(errs, err)
		}
	}
	if st.Sessions+st.Blobs+st.Assets > 0 {
		w.logger.Info("retention", "sessions", st.Sessions, "blobs", st.Blobs, "assets", st.Assets)
	}
	return st, errors.Join(errs...)
}

func (w *Worker) retainProject(ctx context.Context, projectID string, cutoff time.Time, st *RetentionStats) error {
	for {
		d, err := w.retention.DeleteSessionsBefore(ctx, projectID, cutoff, retentionBatch)
		if err != nil {
			return err
		}
		st.Sessions += d.Sessions
		n, err := deleteBlobs(ctx, w.blobs, d.BlobKeys)
		st.Blobs += n
		if err != nil {
			return err // the sweep below would find them; the next pass will
		}
		if d.Sessions < retentionBatch {
			break
		}
	}
	n, err := w.sweepOrphans(ctx, projectID)
	st.Blobs += n
	if err != nil {
		return err
	}
	n, err = w.collectAssets(ctx, projectID)
	st.Assets += n
	return err
}

// sweepOrphans deletes the project's chunk blobs whose session row is gone.
func (w *Worker) sweepOrphans(ctx context.Context, projectID string) (int, error) {
	keys, err := w.blobs.List(ctx, projectID+"/")
	if err != nil {
		return 0, fmt.Errorf("list blobs: %w", err)
	}
	exists := map[string]bool{}
	var orphans []string
	for _, key := range keys {
		rest := strings.TrimPrefix(key, projectID+"/")
		sid, _, ok := strings.Cut(rest, "/")
		if !ok || sid == "assets" {
			continue
		}
		e, seen := exists[sid]
		if !seen {
			if e, err = w.retention.SessionExists(ctx, projectID, sid); err != nil {
				return 0, err
			}
			exists[sid] = e
		}
		if !e {
			orphans = append(orphans, key)
		}
	}
	return deleteBlobs(ctx, w.blobs, orphans)
}

// collectAssets deletes the project's shared assets that no compacted chunk
// references. Chunks compacted before references were recorded are read
// once and their references recorded first.
func (w *Worker) collectAssets(ctx context.Context, projectID string) (int, error) {
	keys, err := w.blobs.List(ctx, projectID+"/assets/")
	if err != nil {
		return 0, fmt.Errorf("list assets: %w", err)
	}
	if len(keys) == 0 {
		return 0, nil
	}
	used, unknown, err := w.retention.ChunkAssets(ctx, projectID)
	if err != nil {
		return 0, err
	}
	for _, c := range unknown {
		ids, err := w.chunkRefs(ctx, c.BlobKey)
		if err != nil {
			return 0, fmt.Errorf("read %s: %w", c.BlobKey, err)
		}
		if err := w.retention.SetChunkAssets(ctx, c, ids); err != nil {
			return 0, err
		}
		for _, id := range ids {
			used[id] = true
		}
	}
	var unused []string
	for _, key := range keys {
		if id, ok := recording.AssetID(projectID, key); ok && !used[id] {
			unused = append(unused, key)
		}
	}
	if w.cfg.Leases != nil {
		// Other workers compact meanwhile: an asset one of them has just
		// written is unreferenced until its chunk is indexed. Only what
		// was unreferenced at the previous pass too (an hour ago) goes.
		if w.unusedAssets == nil {
			w.unusedAssets = map[string]map[string]bool{}
		}
		prev, now := w.unusedAssets[projectID], map[string]bool{}
		var confirmed []string
		for _, k := range unused {
			if prev[k] {
				confirmed = append(confirmed, k)
			} else {
				now[k] = true
			}
		}
		w.unusedAssets[projectID] = now
		unused = confirmed
	}
	w.logger.Debug("assets", "project", projectID, "stored", len(keys), "referenced", len(used), "unused", len(unused))
	return deleteBlobs(ctx, w.blobs, unused)
}

func (w *Worker) chunkRefs(ctx context.Context, key string) ([]string, error) {
	rc, err := w.blobs.Get(ctx, key)
	if trailguide.ErrorCode(err) == trailguide.ENOTFOUND {
		return []string{}, nil
	} else if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return nil, err
	}
	events, err := recording.Decode(data)
	if err != nil {
		return nil, err
	}
	return recording.AssetRefs(events), nil
}

// deleteBlobs deletes keys (missing ones are fine) and counts them.
func deleteBlobs(ctx context.Context, blobs trailguide.BlobStore, keys []string) (int, error) {
	n := 0
	for _, k := range keys {
		if err := blobs.Delete(ctx, k); err != nil {
			return n, fmt.Errorf("delete blob %s: %w", k, err)
		}
		n++
	}
	return n, nil
}

// sessionBlobs lists every blob under the sessions' prefixes.
func sessionBlobs(ctx context.Context, blobs trailguide.BlobStore, projectID string, sessionIDs []string) ([]string, error) {
	set := map[string]bool{}
	for _, id := range sessionIDs {
		keys, err := blobs.List(ctx, recording.SessionPrefix(projectID, id))
		if err != nil {
			return nil, fmt.Errorf("list blobs of %s: %w", id, err)
		}
		for _, k := range keys {
			set[k] = true
		}
	}
	return slices.Sorted(maps.Keys(set)), nil
}
