package scrub

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// urlKeys are the JSON keys whose string values are URLs: rrweb attributes
// (full snapshots and attribute mutations alike keep them under their
// attribute name), the Meta event's href, and the SDK's url fields.
var urlKeys = map[string]bool{
	"href": true, "src": true, "action": true, "formaction": true, "poster": true,
	"cite": true, "background": true, "ping": true, "xlink:href": true,
	"url": true, "referrer": true,
}

// skipKeys are values never scanned: stylesheets (rrweb's inlined CSS is
// most of a recording's bytes and holds no page text) and canvas data URLs.
var skipKeys = map[string]bool{"_cssText": true, "rr_dataURL": true}

// JSON scrubs every string value of a JSON document (an rrweb event) and
// returns the new document, or doc itself when nothing matched. Object keys,
// numbers and structure are never touched; a changed value is re-encoded as
// a JSON string, so the result is valid JSON whenever doc was. Values under
// URL keys (href, src, action, ...) are scrubbed as URLs, the rest as text;
// stylesheets are skipped.
func JSON(doc []byte) ([]byte, Counts) {
	var c Counts
	out := jsonScrub(doc, func(_ string, n Counts) { c.Add(n) })
	if len(out) == 0 || &out[0] == &doc[0] {
		return doc, Counts{} // unchanged (or not JSON after all)
	}
	return out, c
}

// jsonScrub is JSON calling caught with each changed value (as it was; the
// string aliases doc or a scratch buffer, so copy it to keep it) and what
// was replaced in it; it returns doc itself when nothing changed.
func jsonScrub(doc []byte, caught func(val string, n Counts)) []byte {
	var out []byte // nil until the first change
	last := 0      // doc[last:] not yet copied to out
	var buf []byte // decoding scratch
	var key []byte // the last object key seen
	for i := 0; i < len(doc); {
		q := indexQuote(doc, i)
		if q < 0 {
			break
		}
		end, esc := stringEnd(doc, q)
		if end < 0 {
			return doc // not valid JSON; leave it to the validator
		}
		// A key is followed by ':'.
		k := end
		for k < len(doc) && (doc[k] == ' ' || doc[k] == '\n' || doc[k] == '\t' || doc[k] == '\r') {
			k++
		}
		if k < len(doc) && doc[k] == ':' {
			key = doc[q+1 : end-1]
			i = k + 1
			continue
		}
		i = end
		if skipKeys[string(key)] {
			continue
		}
		lit := doc[q+1 : end-1]
		var val string
		if esc {
			var ok bool
			buf, ok = unescape(buf[:0], lit)
			if !ok {
				return doc
			}
			val = unsafeString(buf)
		} else {
			if urlKeys[string(key)] {
				if !urlMayMatch(unsafeString(lit)) {
					continue
				}
			} else if !mayMatch(unsafeString(lit)) {
				continue
			}
			val = unsafeString(lit)
		}
		// val aliases doc or buf: Text and URL return it unchanged (then it
		// is dropped here) or a new string, which is copied out at once.
		var got string
		var n Counts
		if urlKeys[string(key)] {
			got, n = URL(val)
		} else {
			got, n = Text(val)
		}
		if n.Total() == 0 {
			continue
		}
		caught(val, n)
		if out == nil {
			out = make([]byte, 0, len(doc)+16)
		}
		out = append(out, doc[last:q]...)
		out = appendString(out, got)
		last = end
	}
	if out == nil {
		return doc
	}
	return append(out, doc[last:]...)
}

func indexQuote(b []byte, i int) int {
	for ; i < len(b); i++ {
		if b[i] == '"' {
			return i
		}
	}
	return -1
}

// stringEnd returns the index after the closing quote of the string literal
// at b[q], and whether it has escapes; -1 when unterminated.
func stringEnd(b []byte, q int) (int, bool) {
	esc := false
	for i := q + 1; i < len(b); i++ {
		switch b[i] {
		case '\\':
			esc = true
			i++
		case '"':
			return i + 1, esc
		}
	}
	return -1, esc
}

// unescape decodes the body of a JSON string literal.
func unescape(dst, lit []byte) ([]byte, bool) {
	for i := 0; i < len(lit); i++ {
		c := lit[i]
		if c != '\\' {
			dst = append(dst, c)
			continue
		}
		i++
		if i >= len(lit) {
			return dst, false
		}
		switch lit[i] {
		case '"', '\\', '/':
			dst = append(dst, lit[i])
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r, ok := hex4(lit, i+1)
			if !ok {
				return dst, false
			}
			i += 4
			if utf16.IsSurrogate(r) {
				if r2, ok := hex4(lit, i+3); ok && i+2 < len(lit) && lit[i+1] == '\\' && lit[i+2] == 'u' {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						r = d
						i += 6
					} else {
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			}
			dst = utf8.AppendRune(dst, r)
		default:
			return dst, false
		}
	}
	return dst, true
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(b[i:i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	return rune(v), true
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string literal (no HTML escaping: the
// bytes are JSON, not HTML).
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			dst = append(dst, c)
			i++
			continue
		}
		if c < utf8.RuneSelf {
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, `\ufffd`...)
		} else if r == '\u2028' || r == '\u2029' {
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}

// unsafeString views b as a string for read-only scanning.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
