// Package recording stores and reads the rrweb side of a session: the chunk
// codec (a zstd-compressed JSON array of rrweb events), the blob keys chunks
// live under, and Read, which turns a window's chunks back into one ordered
// event stream for replay. Ingest writes one chunk per batch at a fast level;
// the worker compacts a closed session's chunks into one per window at the
// best level.
package recording

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
	"github.com/trailguide/trailguide"
)

// Level selects the compression trade-off of a chunk.
type Level int

const (
	// LevelFast is used for per-batch chunks on the ingest path, where
	// latency and CPU matter more than size (the chunk is rewritten at
	// compaction anyway).
	LevelFast Level = iota
	// LevelBest is used for compacted chunks: best compression with a large
	// window so that repeated snapshots and stylesheets far apart in a
	// session still match.
	LevelBest
)

// MaxDecodedSize bounds the decompressed size of one chunk; Decode refuses
// larger chunks (ETOOLARGE) instead of allocating them.
const MaxDecodedSize = 512 << 20

// compactWindow is the zstd window of compacted chunks. A 30-minute session
// is typically a few MB to a few tens of MB of JSON; 32 MiB lets late events
// reference the full snapshot at the start.
const compactWindow = 32 << 20

// Encoders are expensive (tables and history buffers), so there is one per
// level for the whole process. EncodeAll is safe for concurrent use; the
// concurrency option bounds how many compress at once.
var (
	fastEncoder = sync.OnceValues(func() (*zstd.Encoder, error) {
		return zstd.NewWriter(nil,
			zstd.WithEncoderLevel(zstd.SpeedFastest),
			zstd.WithEncoderConcurrency(0),
			zstd.WithEncoderCRC(true),
		)
	})
	bestEncoder = sync.OnceValues(func() (*zstd.Encoder, error) {
		return zstd.NewWriter(nil,
			zstd.WithEncoderLevel(zstd.SpeedBestCompression),
			zstd.WithWindowSize(compactWindow),
			// Compaction runs in the background worker; one encoder at a
			// time keeps its large tables from multiplying.
			zstd.WithEncoderConcurrency(1),
			zstd.WithEncoderCRC(true),
		)
	})
	decoder = sync.OnceValues(func() (*zstd.Decoder, error) {
		return zstd.NewReader(nil,
			zstd.WithDecoderConcurrency(0),
			zstd.WithDecoderMaxMemory(MaxDecodedSize),
			zstd.WithDecoderMaxWindow(1<<29),
		)
	})
)

// Encode compresses events as one JSON array.
func Encode(events []json.RawMessage, level Level) ([]byte, error) {
	var enc *zstd.Encoder
	var err error
	switch level {
	case LevelFast:
		enc, err = fastEncoder()
	case LevelBest:
		enc, err = bestEncoder()
	default:
		return nil, fmt.Errorf("encode chunk: unknown level %d", level)
	}
	if err != nil {
		return nil, fmt.Errorf("encode chunk: new encoder: %w", err)
	}
	raw := AppendJSON(make([]byte, 0, RawSize(events)), events)
	return enc.EncodeAll(raw, make([]byte, 0, len(raw)/4+64)), nil
}

// RawSize is the length of the JSON array Encode compresses: the chunk's
// RawBytes.
func RawSize(events []json.RawMessage) int64 {
	n := int64(2)
	for i, e := range events {
		if i > 0 {
			n++
		}
		n += int64(len(e))
	}
	return n
}

// AppendJSON appends events as a JSON array to dst.
func AppendJSON(dst []byte, events []json.RawMessage) []byte {
	dst = append(dst, '[')
	for i, e := range events {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, e...)
	}
	return append(dst, ']')
}

// Decode decompresses a chunk into its events. Chunks that would decompress
// beyond MaxDecodedSize are refused with ETOOLARGE.
func Decode(data []byte) ([]json.RawMessage, error) {
	dec, err := decoder()
	if err != nil {
		return nil, fmt.Errorf("decode chunk: new decoder: %w", err)
	}
	raw, err := dec.DecodeAll(data, nil)
	if err != nil {
		if errors.Is(err, zstd.ErrDecoderSizeExceeded) || errors.Is(err, zstd.ErrWindowSizeExceeded) {
			return nil, fmt.Errorf("decode chunk: %w", trailguide.Errorf(trailguide.ETOOLARGE, "Recording chunk too large."))
		}
		return nil, fmt.Errorf("decode chunk: zstd: %w", err)
	}
	var events []json.RawMessage
	if err := json.Unmarshal(raw, &events); err != nil {
		return nil, fmt.Errorf("decode chunk: json: %w", err)
	}
	for i, e := range events {
		// Trim nothing, but refuse non-objects: a chunk is only ever written
		// from validated events.
		if len(e) == 0 || e[0] != '{' {
			return nil, fmt.Errorf("decode chunk: event %d is not an object", i)
		}
	}
	return events, nil
}

// encodeBest compresses raw bytes at the compaction level.
func encodeBest(raw []byte) ([]byte, error) {
	enc, err := bestEncoder()
	if err != nil {
		return nil, fmt.Errorf("encode: new encoder: %w", err)
	}
	return enc.EncodeAll(raw, make([]byte, 0, len(raw)/4+64)), nil
}

// decodeBytes decompresses raw bytes under MaxDecodedSize.
func decodeBytes(data []byte) ([]byte, error) {
	dec, err := decoder()
	if err != nil {
		return nil, fmt.Errorf("decode: new decoder: %w", err)
	}
	raw, err := dec.DecodeAll(data, nil)
	if err != nil {
		return nil, fmt.Errorf("decode: zstd: %w", err)
	}
	return raw, nil
}
