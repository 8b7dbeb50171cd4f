package demo

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// rewrite turns a recorded batch body into the body of a seeded copy. It
// changes exactly these things and leaves every other byte of every value
// alone (object keys keep their order):
//   - the project key;
//   - the session, visitor and window ids, wherever they occur;
//   - the times: sent_at, each rrweb event's "timestamp" and each signal's
//     "ts" move by Shift milliseconds. rrweb's other times (mouse-move
//     timeOffset, media currentTime) are relative and stay as they are.
type rewrite struct {
	Key   string
	Shift int64
	ids   *strings.Replacer
}

func newRewrite(key string, shift int64, ids map[string]string) *rewrite {
	pairs := make([]string, 0, 2*len(ids))
	for old, id := range ids {
		pairs = append(pairs, old, id)
	}
	return &rewrite{Key: key, Shift: shift, ids: strings.NewReplacer(pairs...)}
}

// apply returns the rewritten body.
func (rw *rewrite) apply(body []byte) ([]byte, error) {
	if rw.ids != nil {
		body = []byte(rw.ids.Replace(string(body)))
	}
	return rewriteObject(body, func(key string, v json.RawMessage) (json.RawMessage, error) {
		switch key {
		case "key":
			return marshalNoEscape(rw.Key)
		case "sent_at":
			return shiftNumber(v, rw.Shift)
		case "events":
			return rewriteArray(v, func(ev json.RawMessage) (json.RawMessage, error) {
				return rewriteObject(ev, rw.field("timestamp"))
			})
		case "signals":
			return rewriteArray(v, func(s json.RawMessage) (json.RawMessage, error) {
				return rewriteObject(s, rw.field("ts"))
			})
		}
		return v, nil
	})
}

// field returns an object visitor that shifts the number under name.
func (rw *rewrite) field(name string) func(string, json.RawMessage) (json.RawMessage, error) {
	return func(key string, v json.RawMessage) (json.RawMessage, error) {
		if key != name {
			return v, nil
		}
		return shiftNumber(v, rw.Shift)
	}
}

// shiftNumber adds d to a JSON number, keeping integers integers.
func shiftNumber(v json.RawMessage, d int64) (json.RawMessage, error) {
	s := string(bytes.TrimSpace(v))
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return json.RawMessage(strconv.FormatInt(n+d, 10)), nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, fmt.Errorf("time %q is not a number", s)
	}
	return json.RawMessage(strconv.FormatFloat(f+float64(d), 'f', -1, 64)), nil
}

// rewriteObject calls fn for each member of the JSON object raw, in order,
// and rebuilds the object from the values fn returns. Values fn returns
// unchanged are copied byte for byte.
func rewriteObject(raw []byte, fn func(key string, v json.RawMessage) (json.RawMessage, error)) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("read object: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("want a JSON object, got %v", tok)
	}
	var out bytes.Buffer
	out.Grow(len(raw) + 16)
	out.WriteByte('{')
	for first := true; dec.More(); first = false {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("read key: %w", err)
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("want a key, got %v", tok)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("read %q: %w", key, err)
		}
		nv, err := fn(key, v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		if !first {
			out.WriteByte(',')
		}
		kb, err := marshalNoEscape(key)
		if err != nil {
			return nil, err
		}
		out.Write(kb)
		out.WriteByte(':')
		out.Write(nv)
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, fmt.Errorf("read object end: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("trailing data after object")
	}
	out.WriteByte('}')
	return out.Bytes(), nil
}

// rewriteArray applies fn to each element of the JSON array raw; null stays
// null.
func rewriteArray(raw json.RawMessage, fn func(json.RawMessage) (json.RawMessage, error)) (json.RawMessage, error) {
	if string(bytes.TrimSpace(raw)) == "null" {
		return raw, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fmt.Errorf("want an array: %w", err)
	}
	var out bytes.Buffer
	out.Grow(len(raw) + 16)
	out.WriteByte('[')
	for i, it := range items {
		nv, err := fn(it)
		if err != nil {
			return nil, fmt.Errorf("[%d]: %w", i, err)
		}
		if i > 0 {
			out.WriteByte(',')
		}
		out.Write(nv)
	}
	out.WriteByte(']')
	return out.Bytes(), nil
}

func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// deriveID returns the id that a seeded copy uses instead of orig: hex of
// SHA-256 over the seed, the kind (session, visitor, window) and orig, as
// long as orig (the SDK's ids are 32 lower-case hex characters; ingest
// accepts 8 to 64 characters). The same inputs always give the same id,
// which is what makes two seeded data directories identical.
func deriveID(seed, kind, orig string) string {
	sum := sha256.Sum256([]byte(seed + "\x00" + kind + "\x00" + orig))
	h := hex.EncodeToString(sum[:])
	n := len(orig)
	if n < 8 {
		n = 8
	}
	if n > len(h) {
		n = len(h)
	}
	return h[:n]
}
