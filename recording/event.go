package recording

// EventHeader holds the few top-level fields of an rrweb event that the
// server looks at; the rest of the event is stored as sent.
type EventHeader struct {
	Type      int64 // rrweb EventType: 0 DomContentLoaded … 6 Plugin
	Timestamp int64 // ms since epoch, client clock
	// Source is data.source (the IncrementalSource of a type 3 event), or -1
	// when absent or not an integer.
	Source      int64
	TypeOK      bool // "type" present and an integer
	TimestampOK bool // "timestamp" present and an integer
}

// rrweb event types and incremental sources the server cares about.
const (
	EventFullSnapshot        = 2
	EventIncrementalSnapshot = 3
	EventMeta                = 4

	SourceMutation         = 0
	SourceMouseMove        = 1
	SourceMouseInteraction = 2
	SourceScroll           = 3
	SourceInput            = 5
	SourceTouchMove        = 6
	SourceDrag             = 12
)

// ParseEvent reads the header of one rrweb event without decoding the rest:
// a single forward scan that skips nested values, several times cheaper
// than unmarshalling events whose full snapshots are tens of kilobytes. ok is
// false when ev is not a well-formed JSON object at the top level; callers
// that need full validation validate the JSON separately (the batch decoder
// does).
func ParseEvent(ev []byte) (h EventHeader, ok bool) {
	h.Source = -1
	end, ok := scanObject(ev, skipWS(ev, 0), func(key []byte, v []byte) {
		switch string(key) {
		case "type":
			h.Type, h.TypeOK = parseInt(v)
		case "timestamp":
			h.Timestamp, h.TimestampOK = parseInt(v)
		case "data":
			h.Source = -1
			scanObject(v, 0, func(key []byte, v []byte) {
				if string(key) == "source" {
					if n, ok := parseInt(v); ok {
						h.Source = n
					} else {
						h.Source = -1
					}
				}
			})
		}
	})
	if ok && skipWS(ev, end) != len(ev) {
		ok = false
	}
	return h, ok
}

// scanObject scans the object starting at b[i] and calls fn with each
// member's raw key (without quotes, escapes left as is) and raw value. It
// returns the index after the closing brace.
func scanObject(b []byte, i int, fn func(key, value []byte)) (int, bool) {
	if i >= len(b) || b[i] != '{' {
		return i, false
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return i, false
		}
		end, ok := skipString(b, i)
		if !ok {
			return i, false
		}
		key := b[i+1 : end-1]
		i = skipWS(b, end)
		if i >= len(b) || b[i] != ':' {
			return i, false
		}
		i = skipWS(b, i+1)
		vEnd, ok := skipValue(b, i)
		if !ok {
			return i, false
		}
		fn(key, b[i:vEnd])
		i = skipWS(b, vEnd)
		if i >= len(b) {
			return i, false
		}
		switch b[i] {
		case ',':
			i = skipWS(b, i+1)
		case '}':
			return i + 1, true
		default:
			return i, false
		}
	}
}

func skipWS(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the index after the string starting at b[i] == '"'.
func skipString(b []byte, i int) (int, bool) {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1, true
		}
	}
	return i, false
}

// skipValue returns the index after the value starting at b[i].
func skipValue(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return i, false
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				end, ok := skipString(b, i)
				if !ok {
					return end, false
				}
				i = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, true
				}
			}
		}
		return i, false
	default:
		start := i
		for i < len(b) {
			switch b[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return i, i > start
			}
			i++
		}
		return i, i > start
	}
}

// parseInt parses a JSON integer literal (no fraction, no exponent) that
// fits in an int64.
func parseInt(v []byte) (int64, bool) {
	neg := false
	if len(v) > 0 && v[0] == '-' {
		neg, v = true, v[1:]
	}
	if len(v) == 0 || len(v) > 18 {
		return 0, false // 18 digits is far beyond any ms timestamp
	}
	var n int64
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}
