package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/klauspost/compress/gzip"
	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/recording"
)

var (
	gzipReaders sync.Pool // *gzip.Reader
	bodyBuffers sync.Pool // *[]byte
)

// maxPooledBuffer keeps the occasional huge body's buffer out of the pool.
const maxPooledBuffer = 4 << 20

func tooLarge(reason, msg string) error {
	return &trailguide.Error{Code: trailguide.ETOOLARGE, Message: msg, Reason: reason}
}

// decodeBody turns a request body into a Batch. The body is gzip when it
// starts with the gzip magic bytes whatever Content-Encoding says, because
// sendBeacon cannot set that header. It returns the size of the JSON.
func decodeBody(cfg *Config, req *trailguide.IngestRequest) (*trailguide.Batch, int64, error) {
	switch strings.ToLower(strings.TrimSpace(req.ContentEncoding)) {
	case "", "identity", "gzip":
	default:
		return nil, 0, trailguide.Errorf(trailguide.EUNSUPPORTED, "Unsupported Content-Encoding.")
	}
	if int64(len(req.Body)) > cfg.MaxCompressedBytes {
		return nil, 0, tooLarge("body", "Batch too large.")
	}
	data := req.Body
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		var scratch []byte
		if p, ok := bodyBuffers.Get().(*[]byte); ok {
			scratch = *p
		}
		out, err := gunzip(scratch[:0], data, cfg.MaxDecompressedBytes)
		if cap(out) <= maxPooledBuffer {
			// json.Unmarshal copies what it keeps (RawMessage included),
			// so the buffer can be reused once this function returns.
			defer bodyBuffers.Put(&out)
		}
		if err != nil {
			return nil, 0, err
		}
		data = out
		if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
			return nil, 0, trailguide.Errorf(trailguide.EUNSUPPORTED, "Nested compression is not supported.")
		}
	} else if strings.EqualFold(strings.TrimSpace(req.ContentEncoding), "gzip") {
		return nil, 0, trailguide.Invalid("body", "Body is not valid gzip.")
	}
	if int64(len(data)) > cfg.MaxDecompressedBytes {
		return nil, 0, tooLarge("body", "Batch too large once decompressed.")
	}
	// encoding/json replaces invalid UTF-8 silently; refuse it instead so
	// that what is stored is what was sent.
	if !utf8.Valid(data) {
		return nil, 0, trailguide.Invalid("body", "Body is not valid UTF-8.")
	}
	if d := jsonDepth(data, maxDepth); d > maxDepth {
		return nil, 0, trailguide.Invalid("body", "JSON nested deeper than %d levels.", maxDepth)
	}
	var b trailguide.Batch
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, 0, jsonError(err)
	}
	return &b, int64(len(data)), nil
}

// maxDepth bounds the nesting of a batch's JSON. A DOM snapshot nests two
// levels per element (node, childNodes); real pages stay far below 1000, and
// deeper input only costs the decoder and the replayer stack.
const maxDepth = 1000

// jsonDepth returns the deepest nesting of arrays and objects in data,
// stopping as soon as it exceeds limit. Brackets inside strings do not count.
func jsonDepth(data []byte, limit int) int {
	depth, deepest := 0, 0
	inString := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '[', '{':
			depth++
			if depth > deepest {
				deepest = depth
				if deepest > limit {
					return deepest
				}
			}
		case ']', '}':
			depth--
		}
	}
	return deepest
}

// gunzip decompresses data into b, stopping one byte past limit.
func gunzip(b, data []byte, limit int64) ([]byte, error) {
	zr, _ := gzipReaders.Get().(*gzip.Reader)
	var err error
	if zr == nil {
		zr, err = gzip.NewReader(bytes.NewReader(data))
	} else {
		err = zr.Reset(bytes.NewReader(data))
	}
	if err != nil {
		return b, trailguide.Invalid("body", "Body is not valid gzip.")
	}
	defer gzipReaders.Put(zr)
	// Most batches compress 5-10x; start there and grow by doubling, but
	// never past limit+1, so a bomb costs at most about 2x the limit.
	if want := min(int64(len(data))*8, limit+1); int64(cap(b)) < want {
		b = make([]byte, 0, want)
	}
	for {
		if len(b) == cap(b) {
			if int64(len(b)) > limit {
				return b, tooLarge("body", "Batch too large once decompressed.")
			}
			nb := make([]byte, len(b), min(int64(max(2*cap(b), 64<<10)), limit+1))
			copy(nb, b)
			b = nb
		}
		n, err := zr.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		} else if err != nil {
			return b, trailguide.Invalid("body", "Body is not valid gzip.")
		}
	}
	if int64(len(b)) > limit {
		return b, tooLarge("body", "Batch too large once decompressed.")
	}
	return b, nil
}

// jsonError maps a decoding error to EINVALID with the JSON path as reason.
func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		reason := te.Field
		if reason == "" {
			reason = "body"
		}
		return trailguide.Invalid(reason, "Field %s must be %s.", reason, jsonKind(te.Type.Kind().String()))
	}
	return trailguide.Invalid("body", "Body is not valid JSON.")
}

func jsonKind(k string) string {
	switch k {
	case "int", "int64":
		return "an integer"
	case "string":
		return "a string"
	case "slice":
		return "an array"
	case "struct", "map", "ptr":
		return "an object"
	default:
		return "of another type"
	}
}

// validate checks a decoded batch against the protocol and truncates long
// strings in place. It returns the headers of the rrweb events.
func validate(cfg *Config, b *trailguide.Batch, receivedMS int64) ([]recording.EventHeader, error) {
	if b.Key == "" {
		return nil, trailguide.Invalid("key", "Missing key.")
	}
	for _, f := range []struct{ name, v string }{
		{"visitor", b.Visitor}, {"session", b.Session}, {"window", b.Window},
	} {
		if !validID(f.v) {
			return nil, trailguide.Invalid(f.name, "Field %s must be 8-64 characters of A-Z, a-z, 0-9, _ and -.", f.name)
		}
	}
	if b.Seq < 0 {
		return nil, trailguide.Invalid("seq", "Field seq must not be negative.")
	}
	if b.Dropped < 0 {
		return nil, trailguide.Invalid("dropped", "Field dropped must not be negative.")
	}
	if b.SentAt <= 0 || absDiff(b.SentAt, receivedMS) > cfg.MaxClockSkew.Milliseconds() {
		return nil, trailguide.Invalid("sent_at", "Field sent_at is not a plausible time.")
	}
	if len(b.Events) > cfg.MaxEvents {
		return nil, tooLarge("events", "Too many events in one batch.")
	}
	if len(b.Signals) > cfg.MaxSignals {
		return nil, tooLarge("signals", "Too many signals in one batch.")
	}
	lo, hi := b.SentAt-cfg.MaxPast.Milliseconds(), b.SentAt+cfg.MaxFuture.Milliseconds()
	headers := make([]recording.EventHeader, len(b.Events))
	for i, ev := range b.Events {
		h, ok := recording.ParseEvent(ev)
		switch {
		case !ok:
			return nil, trailguide.Invalid(fmt.Sprintf("events[%d]", i), "Event %d is not an object.", i)
		case !h.TypeOK || h.Type < 0 || h.Type > 6:
			return nil, trailguide.Invalid(fmt.Sprintf("events[%d].type", i), "Event %d has no valid type.", i)
		case !h.TimestampOK || h.Timestamp < lo || h.Timestamp > hi:
			return nil, trailguide.Invalid(fmt.Sprintf("events[%d].timestamp", i), "Event %d has no valid timestamp.", i)
		}
		headers[i] = h
	}
	for i := range b.Signals {
		s := &b.Signals[i]
		if !slices.Contains(trailguide.EventTypes, s.Type) {
			return nil, trailguide.Invalid(fmt.Sprintf("signals[%d].type", i), "Signal %d has an unknown type.", i)
		}
		if s.TS < lo || s.TS > hi {
			return nil, trailguide.Invalid(fmt.Sprintf("signals[%d].ts", i), "Signal %d has no valid ts.", i)
		}
		s.URL = truncate(s.URL, cfg.MaxURLLen)
		s.Referrer = truncate(s.Referrer, cfg.MaxURLLen)
		s.Selector = truncate(s.Selector, cfg.MaxSelectorLen)
		s.Text = truncate(s.Text, cfg.MaxTextLen)
	}
	if c := b.Context; c != nil {
		c.URL = truncate(c.URL, cfg.MaxURLLen)
		c.Referrer = truncate(c.Referrer, cfg.MaxURLLen)
		c.UserAgent = truncate(c.UserAgent, cfg.MaxURLLen)
	}
	return headers, nil
}

// validID reports whether id is 8-64 characters of [A-Za-z0-9_-].
func validID(id string) bool { return trailguide.ValidID(id) }

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func absDiff(a, b int64) int64 {
	if a > b {
		return a - b
	}
	return b - a
}
