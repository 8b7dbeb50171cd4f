package recording

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/trailguide/trailguide"
)

// WindowInfo summarises one window (browser tab) of a session for the
// replay's window switcher.
type WindowInfo struct {
	ID         string `json:"id"`
	FirstTS    int64  `json:"first_ts"`
	LastTS     int64  `json:"last_ts"`
	EventCount int    `json:"event_count"`
}

// Windows summarises chunks by window, ordered by first timestamp (ties by
// id), so that the first entry is the window the session started in.
func Windows(chunks []*trailguide.Chunk) []WindowInfo {
	idx := make(map[string]int)
	var out []WindowInfo
	for _, c := range chunks {
		i, ok := idx[c.WindowID]
		if !ok {
			idx[c.WindowID] = len(out)
			out = append(out, WindowInfo{ID: c.WindowID, FirstTS: c.FirstTS, LastTS: c.LastTS})
			i = len(out) - 1
		}
		w := &out[i]
		w.FirstTS = min(w.FirstTS, c.FirstTS)
		w.LastTS = max(w.LastTS, c.LastTS)
		w.EventCount += c.EventCount
	}
	slices.SortStableFunc(out, func(a, b WindowInfo) int {
		return cmp.Or(cmp.Compare(a.FirstTS, b.FirstTS), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// WindowChunks returns the chunks of one window, in the order given.
func WindowChunks(chunks []*trailguide.Chunk, windowID string) []*trailguide.Chunk {
	var mine []*trailguide.Chunk
	for _, c := range chunks {
		if c.WindowID == windowID {
			mine = append(mine, c)
		}
	}
	return mine
}

// Read returns the rrweb events of one window of a session in replay order.
// ENOTFOUND when the window has no chunks.
func Read(ctx context.Context, sessions trailguide.SessionStore, blobs trailguide.BlobStore, projectID, sessionID, windowID string) ([]json.RawMessage, error) {
	chunks, err := sessions.Chunks(ctx, projectID, sessionID)
	if err != nil {
		return nil, fmt.Errorf("read recording: chunks: %w", err)
	}
	mine := WindowChunks(chunks, windowID)
	if len(mine) == 0 {
		return nil, trailguide.Errorf(trailguide.ENOTFOUND, "Recording not found.")
	}
	return ReadChunks(ctx, sessions, blobs, mine)
}

// WindowEvents returns the rrweb events of windowID of a session, or of its
// first window when windowID is empty, and the window's id. ENOTFOUND when
// the session has no such window; a session without any recording gives
// no events and an empty id.
func WindowEvents(ctx context.Context, sessions trailguide.SessionStore, blobs trailguide.BlobStore, projectID, sessionID, windowID string) ([]json.RawMessage, string, error) {
	chunks, err := sessions.Chunks(ctx, projectID, sessionID)
	if err != nil {
		return nil, "", fmt.Errorf("read recording: chunks: %w", err)
	}
	if windowID == "" {
		ws := Windows(chunks)
		if len(ws) == 0 {
			return []json.RawMessage{}, "", nil
		}
		windowID = ws[0].ID
	}
	mine := WindowChunks(chunks, windowID)
	if len(mine) == 0 {
		return nil, "", trailguide.Errorf(trailguide.ENOTFOUND, "Window not found.")
	}
	events, err := ReadChunks(ctx, sessions, blobs, mine)
	if events == nil {
		events = []json.RawMessage{}
	}
	return events, windowID, err
}

// ReadChunks fetches and decodes chunks of one window and merges them into
// one stream: chunks in seq order, events in the order the SDK emitted
// them. Events are sorted (stably, by timestamp) only when a chunk starts
// before its predecessor ends, which happens when a batch arrives late after
// its neighbours were compacted; the common case costs no parsing. Staged
// chunks (no BlobKey) are read from the index store, compacted ones from the
// BlobStore.
func ReadChunks(ctx context.Context, sessions trailguide.SessionStore, blobs trailguide.BlobStore, chunks []*trailguide.Chunk) ([]json.RawMessage, error) {
	chunks = slices.Clone(chunks)
	slices.SortStableFunc(chunks, func(a, b *trailguide.Chunk) int {
		return cmp.Or(cmp.Compare(a.SeqFrom, b.SeqFrom), cmp.Compare(a.SeqTo, b.SeqTo))
	})
	total := 0
	for _, c := range chunks {
		total += c.EventCount
	}
	out := make([]json.RawMessage, 0, total)
	var load func(string) ([]byte, error)
	sorted := true
	var lastTS int64
	for _, c := range chunks {
		events, err := getChunk(ctx, sessions, blobs, c)
		if err != nil {
			return nil, err
		}
		if c.BlobKey != "" {
			if load == nil {
				load = assetLoader(ctx, blobs, c.ProjectID)
			}
			if events, err = InlineAssets(events, load); err != nil {
				return nil, fmt.Errorf("chunk %s: %w", c.BlobKey, err)
			}
		}
		if len(events) == 0 {
			continue
		}
		if len(out) > 0 && sorted {
			if h, _ := ParseEvent(events[0]); h.Timestamp < lastTS {
				sorted = false
			}
		}
		h, _ := ParseEvent(events[len(events)-1])
		lastTS = h.Timestamp
		out = append(out, events...)
	}
	if !sorted {
		SortEvents(out)
	}
	return out, nil
}

// SortEvents sorts events stably by their timestamp.
func SortEvents(events []json.RawMessage) {
	type keyed struct {
		ts int64
		ev json.RawMessage
	}
	ks := make([]keyed, len(events))
	for i, e := range events {
		h, _ := ParseEvent(e)
		ks[i] = keyed{h.Timestamp, e}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int { return cmp.Compare(a.ts, b.ts) })
	for i := range ks {
		events[i] = ks[i].ev
	}
}

func getChunk(ctx context.Context, sessions trailguide.SessionStore, blobs trailguide.BlobStore, c *trailguide.Chunk) ([]json.RawMessage, error) {
	var data []byte
	if c.BlobKey == "" {
		d, err := sessions.ChunkData(ctx, c)
		if err != nil {
			return nil, fmt.Errorf("get chunk %s/%d: %w", c.WindowID, c.SeqFrom, err)
		}
		data = d
	} else {
		rc, err := blobs.Get(ctx, c.BlobKey)
		if err != nil {
			return nil, fmt.Errorf("get chunk %s: %w", c.BlobKey, err)
		}
		defer rc.Close()
		if data, err = io.ReadAll(rc); err != nil {
			return nil, fmt.Errorf("read chunk %s: %w", c.BlobKey, err)
		}
	}
	events, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("chunk %s/%d: %w", c.WindowID, c.SeqFrom, err)
	}
	return events, nil
}
