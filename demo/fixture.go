package demo

import (
	"bufio"
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// fixtures holds the recorded sessions written by `go run ./demo/record`.
// The directory always contains its README, so the pattern matches even
// before anything was recorded.
//
//go:embed fixtures
var fixtures embed.FS

// FixtureExt ends the name of every fixture file: newline-delimited batch
// bodies, zstd-compressed.
const FixtureExt = ".ndjson.zst"

// recording is one recorded session: its batch bodies exactly as the SDK
// sent them (decompressed JSON), in the order they arrived.
type recording struct {
	ID      string // the session id in the fixture
	Batches []json.RawMessage
}

// batchHeader is the part of a batch body that loading needs.
type batchHeader struct {
	Session string `json:"session"`
	Window  string `json:"window"`
	Seq     int64  `json:"seq"`
	SentAt  int64  `json:"sent_at"`
}

// loadFixtures reads every *.ndjson.zst file under dir of fsys, in name
// order, and groups their lines by session id.
func loadFixtures(fsys fs.FS, dir string) ([]*recording, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read fixtures: %w", err)
	}
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1))
	if err != nil {
		return nil, fmt.Errorf("zstd reader: %w", err)
	}
	defer dec.Close()

	var recs []*recording
	byID := make(map[string]*recording)
	for _, e := range entries { // fs.ReadDir sorts by name
		if e.IsDir() || !strings.HasSuffix(e.Name(), FixtureExt) {
			continue
		}
		name := path.Join(dir, e.Name())
		compressed, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read fixture %s: %w", name, err)
		}
		data, err := dec.DecodeAll(compressed, nil)
		if err != nil {
			return nil, fmt.Errorf("decompress fixture %s: %w", name, err)
		}
		if recs, err = appendSessions(recs, byID, bytes.NewReader(data)); err != nil {
			return nil, fmt.Errorf("fixture %s: %w", name, err)
		}
	}
	for _, r := range recs {
		if err := orderBatches(r); err != nil {
			return nil, fmt.Errorf("session %s: %w", r.ID, err)
		}
	}
	return recs, nil
}

// parseSessions reads newline-delimited batch bodies (uncompressed) and
// groups them by session id in order of first appearance.
func parseSessions(r io.Reader) ([]*recording, error) {
	recs, err := appendSessions(nil, make(map[string]*recording), r)
	if err != nil {
		return nil, err
	}
	for _, rec := range recs {
		if err := orderBatches(rec); err != nil {
			return nil, fmt.Errorf("session %s: %w", rec.ID, err)
		}
	}
	return recs, nil
}

func appendSessions(recs []*recording, byID map[string]*recording, r io.Reader) ([]*recording, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for line := 1; sc.Scan(); line++ {
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		var h batchHeader
		if err := json.Unmarshal(raw, &h); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if h.Session == "" || h.Window == "" {
			return nil, fmt.Errorf("line %d: batch without session or window", line)
		}
		rec := byID[h.Session]
		if rec == nil {
			rec = &recording{ID: h.Session}
			byID[h.Session] = rec
			recs = append(recs, rec)
		}
		rec.Batches = append(rec.Batches, json.RawMessage(bytes.Clone(raw)))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read lines: %w", err)
	}
	return recs, nil
}

// orderBatches puts a session's batches in the order they are replayed into
// ingest: by sent_at, but with every window's batches in seq order (a
// retried or beaconed batch can carry a later sent_at than its successor).
// The slots a window occupies stay the same; only its batches are sorted
// among them.
func orderBatches(r *recording) error {
	hs := make([]batchHeader, len(r.Batches))
	for i, b := range r.Batches {
		if err := json.Unmarshal(b, &hs[i]); err != nil {
			return fmt.Errorf("batch %d: %w", i, err)
		}
	}
	idx := make([]int, len(r.Batches))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return hs[idx[a]].SentAt < hs[idx[b]].SentAt })

	slots := make(map[string][]int) // window -> positions in idx
	for pos, i := range idx {
		slots[hs[i].Window] = append(slots[hs[i].Window], pos)
	}
	for _, positions := range slots {
		members := make([]int, len(positions))
		for k, pos := range positions {
			members[k] = idx[pos]
		}
		sort.SliceStable(members, func(a, b int) bool { return hs[members[a]].Seq < hs[members[b]].Seq })
		for k, pos := range positions {
			idx[pos] = members[k]
		}
	}
	ordered := make([]json.RawMessage, len(idx))
	for pos, i := range idx {
		ordered[pos] = r.Batches[i]
	}
	r.Batches = ordered
	return nil
}
