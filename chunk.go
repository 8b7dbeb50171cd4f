package trailguide

import (
	"context"
	"io"
)

// Chunk is one stored piece of a window's rrweb recording: the events of one
// batch (SeqFrom == SeqTo) or, after compaction, of a range of batches. Its
// bytes are a zstd-compressed JSON array of rrweb events.
//
// Where the bytes live: a batch's chunk is staged in the index store itself
// (BlobKey empty, bytes in Data when committing and via
// SessionStore.ChunkData when reading), committed in the same transaction as
// the batch, so that one fsync makes a batch durable. When the session
// closes, the worker compacts its chunks into one blob per window in the
// BlobStore (BlobKey set).
type Chunk struct {
	ProjectID   string `json:"project_id"`
	SessionID   string `json:"session_id"`
	WindowID    string `json:"window_id"`
	SeqFrom     int64  `json:"seq_from"`
	SeqTo       int64  `json:"seq_to"`
	FirstTS     int64  `json:"first_ts"` // ms since epoch, first rrweb event
	LastTS      int64  `json:"last_ts"`
	EventCount  int    `json:"event_count"`
	RawBytes    int64  `json:"raw_bytes"`    // JSON bytes before compression
	StoredBytes int64  `json:"stored_bytes"` // compressed size
	BlobKey     string `json:"-"`            // "" while staged in the index store
	Data        []byte `json:"-"`            // the staged bytes, set when committing
	// Assets are the ids of the shared stylesheet assets a compacted chunk
	// references (recording.ExtractAssets), recorded with it so that
	// unreferenced assets can be collected.
	Assets []string `json:"-"`
}

// BlobStore keeps recording chunks. Put is durable when it returns nil: the
// bytes are on stable storage under key (written whole or not at all).
type BlobStore interface {
	Put(ctx context.Context, key string, data []byte) error
	// Get returns ENOTFOUND when key does not exist.
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes key; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// List returns the keys under prefix, in lexical order.
	List(ctx context.Context, prefix string) ([]string, error)
}
