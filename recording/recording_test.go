package recording

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/trailguide/trailguide"
)

func TestEncodeDecode(t *testing.T) {
	events := []json.RawMessage{
		json.RawMessage(`{"type":4,"data":{"href":"https://a.test/"},"timestamp":1}`),
		json.RawMessage(`{"type":3,"data":{"source":1},"timestamp":2}`),
	}
	for _, level := range []Level{LevelFast, LevelBest} {
		t.Run(fmt.Sprint(level), func(t *testing.T) {
			data, err := Encode(events, level)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || !bytes.Equal(got[0], events[0]) || !bytes.Equal(got[1], events[1]) {
				t.Errorf("round trip = %s, want %s", got, events)
			}
		})
	}
	if _, err := Encode(events, Level(9)); err == nil {
		t.Error("unknown level accepted")
	}
	if got := RawSize(events); got != int64(len(AppendJSON(nil, events))) {
		t.Errorf("RawSize = %d, want %d", got, len(AppendJSON(nil, events)))
	}
	if _, err := Decode([]byte("not zstd")); err == nil {
		t.Error("garbage decoded")
	}
}

func TestDecodeBound(t *testing.T) {
	if testing.Short() {
		t.Skip("compresses 512 MiB")
	}
	enc, _ := zstd.NewWriter(nil)
	big := enc.EncodeAll(bytes.Repeat([]byte(" "), MaxDecodedSize+1), nil)
	_, err := Decode(big)
	if got := trailguide.ErrorCode(err); got != trailguide.ETOOLARGE {
		t.Errorf("code = %q (%v), want %q", got, err, trailguide.ETOOLARGE)
	}
}

func TestKeys(t *testing.T) {
	tests := []struct{ got, want string }{
		{BlobKey("p", "s", "w", 7), "p/s/w/000000000007.zst"},
		{CompactKey("p", "s", "w", 0, 12), "p/s/w/c-000000000000-000000000012.zst"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	if IsCompactKey(BlobKey("p", "s", "w", 1)) || !IsCompactKey(CompactKey("p", "s", "w", 1, 2)) {
		t.Error("IsCompactKey confuses batch and compacted keys")
	}
}

func TestParseEvent(t *testing.T) {
	tests := []struct {
		in   string
		want EventHeader
		ok   bool
	}{
		{`{"type":3,"data":{"source":1,"positions":[{"x":1}]},"timestamp":1700000000000}`, EventHeader{3, 1700000000000, 1, true, true}, true},
		{` {"timestamp":5, "data":{"a":"}\"{","source":2}, "type":2} `, EventHeader{2, 5, 2, true, true}, true},
		{`{"type":"3","timestamp":1}`, EventHeader{0, 1, -1, false, true}, true},
		{`{"type":3.5,"timestamp":1e3}`, EventHeader{0, 0, -1, false, false}, true},
		{`{"type":-1,"timestamp":-5}`, EventHeader{-1, -5, -1, true, true}, true},
		{`{}`, EventHeader{Source: -1}, true},
		{`[1]`, EventHeader{Source: -1}, false},
		{`null`, EventHeader{Source: -1}, false},
		{`{"type":3`, EventHeader{3, 0, -1, true, false}, false},
		{`{"type":3} x`, EventHeader{3, 0, -1, true, false}, false},
	}
	for _, tt := range tests {
		got, ok := ParseEvent([]byte(tt.in))
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("ParseEvent(%s) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestWindows(t *testing.T) {
	chunks := []*trailguide.Chunk{
		{WindowID: "b", FirstTS: 100, LastTS: 200, EventCount: 3},
		{WindowID: "a", FirstTS: 150, LastTS: 300, EventCount: 2},
		{WindowID: "b", FirstTS: 210, LastTS: 400, EventCount: 4},
	}
	got := Windows(chunks)
	want := []WindowInfo{{"b", 100, 400, 7}, {"a", 150, 300, 2}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Windows = %v, want %v", got, want)
	}
}

// memBlobs and fakeSessions are just enough of the stores for Read; the
// real stores are exercised by ingest's and worker's tests.
type memBlobs map[string][]byte

func (m memBlobs) Put(_ context.Context, k string, d []byte) error { m[k] = d; return nil }
func (m memBlobs) Get(_ context.Context, k string) (io.ReadCloser, error) {
	d, ok := m[k]
	if !ok {
		return nil, trailguide.Errorf(trailguide.ENOTFOUND, "no blob")
	}
	return io.NopCloser(bytes.NewReader(d)), nil
}
func (m memBlobs) Delete(_ context.Context, k string) error { delete(m, k); return nil }
func (m memBlobs) List(context.Context, string) ([]string, error) {
	return nil, nil
}

type fakeSessions struct {
	trailguide.SessionStore
	chunks []*trailguide.Chunk
}

func (f fakeSessions) Chunks(context.Context, string, string) ([]*trailguide.Chunk, error) {
	return f.chunks, nil
}

func TestRead(t *testing.T) {
	ev := func(ts int) json.RawMessage {
		return json.RawMessage(fmt.Sprintf(`{"type":3,"data":{},"timestamp":%d}`, ts))
	}
	var blobs memBlobs
	put := func(win string, from, to int64, evs ...json.RawMessage) *trailguide.Chunk {
		key := BlobKey("p", "s", win, from)
		if from != to {
			key = CompactKey("p", "s", win, from, to)
		}
		data, _ := Encode(evs, LevelFast)
		blobs[key] = data
		return &trailguide.Chunk{WindowID: win, SeqFrom: from, SeqTo: to, EventCount: len(evs), BlobKey: key}
	}
	tests := []struct {
		name   string
		chunks func() []*trailguide.Chunk
		want   string
	}{
		{"in seq order", func() []*trailguide.Chunk {
			return []*trailguide.Chunk{put("w", 1, 1, ev(30), ev(40)), put("w", 0, 0, ev(10), ev(20))}
		}, "10 20 30 40"},
		{"late batch after compaction is merged by time", func() []*trailguide.Chunk {
			return []*trailguide.Chunk{put("w", 0, 7, ev(10), ev(20), ev(40)), put("w", 5, 5, ev(30), ev(31))}
		}, "10 20 30 31 40"},
		{"equal timestamps keep their order", func() []*trailguide.Chunk {
			return []*trailguide.Chunk{put("w", 0, 0, ev(10), ev(10)), put("w", 1, 1, ev(10))}
		}, "10 10 10"},
		{"other windows ignored", func() []*trailguide.Chunk { return []*trailguide.Chunk{put("w", 0, 0, ev(1)), put("x", 0, 0, ev(2))} }, "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			blobs = memBlobs{}
			got, err := Read(context.Background(), fakeSessions{chunks: tt.chunks()}, blobs, "p", "s", "w")
			if err != nil {
				t.Fatal(err)
			}
			var ts []string
			for _, e := range got {
				h, _ := ParseEvent(e)
				ts = append(ts, fmt.Sprint(h.Timestamp))
			}
			if s := fmt.Sprint(ts); s != "["+tt.want+"]" {
				t.Errorf("timestamps = %s, want [%s]", s, tt.want)
			}
		})
	}
	if _, err := Read(context.Background(), fakeSessions{}, blobs, "p", "s", "w"); trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
		t.Errorf("no chunks: %v, want %s", err, trailguide.ENOTFOUND)
	}
}
