// Package scrub is the server's second line of privacy defence: it replaces
// e-mail addresses, payment card numbers (Luhn-checked), JWTs, bearer
// tokens and secret-looking URL parameters in what a browser sent, before
// anything is stored. Masking in the browser is the first line; every catch
// here is a masking rule missing there, so every function reports what it
// replaced, by kind.
//
// Everything is one forward pass over the bytes with no regular
// expressions: a table lookup per byte finds the few bytes where a match
// can start ('@', "eyJ", "bearer", "http", a digit 2-6), and only there the
// matcher looks around. Text without such a byte is returned as is, without
// allocating.
package scrub

import "strings"

// Kinds of catches.
const (
	KindEmail  = "email"
	KindCard   = "card"
	KindJWT    = "jwt"
	KindBearer = "bearer"
	KindURL    = "url"
)

// Kinds lists every kind, in display order.
var Kinds = []string{KindEmail, KindCard, KindJWT, KindBearer, KindURL}

// Replacements. They are plain ASCII without JSON or HTML specials, so that
// splicing them into a string never changes the structure around it.
const (
	EmailMask  = "[email]"
	CardMask   = "[card]"
	JWTMask    = "[jwt]"
	Redacted   = "redacted" // secret URL parameter values; the SDK uses the same word
	BearerMask = "[redacted]"
)

// Counts is what a scrub replaced, per kind.
type Counts struct {
	Email, Card, JWT, Bearer, URL int
}

// Total is the number of replacements of every kind.
func (c Counts) Total() int { return c.Email + c.Card + c.JWT + c.Bearer + c.URL }

// Add adds o to c.
func (c *Counts) Add(o Counts) {
	c.Email += o.Email
	c.Card += o.Card
	c.JWT += o.JWT
	c.Bearer += o.Bearer
	c.URL += o.URL
}

// Of returns the count of kind.
func (c Counts) Of(kind string) int {
	switch kind {
	case KindEmail:
		return c.Email
	case KindCard:
		return c.Card
	case KindJWT:
		return c.JWT
	case KindBearer:
		return c.Bearer
	case KindURL:
		return c.URL
	}
	return 0
}

// byte classes
const (
	cDigit   = 1 << iota // 0-9
	cAlpha               // A-Z a-z
	cLocal               // e-mail local part: alnum . _ % + -
	cDomain              // domain: alnum . -
	cB64                 // base64url: alnum _ -
	cTrigger             // a match may start here
	cToken               // bearer token: alnum . _ ~ + / = -
)

var class [256]uint8

func init() {
	for c := 0; c < 256; c++ {
		var k uint8
		switch {
		case c >= '0' && c <= '9':
			k |= cDigit | cLocal | cDomain | cB64 | cToken
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			k |= cAlpha | cLocal | cDomain | cB64 | cToken
		}
		switch c {
		case '.':
			k |= cLocal | cDomain | cToken
		case '_':
			k |= cLocal | cB64 | cToken
		case '-':
			k |= cLocal | cDomain | cB64 | cToken
		case '%', '+':
			k |= cLocal
		}
		switch c {
		case '~', '/', '=':
			k |= cToken
		}
		if c == '+' {
			k |= cToken
		}
		switch c {
		case '@', 'e', 'b', 'B', 'h', 'H', '2', '3', '4', '5', '6':
			k |= cTrigger
		}
		class[c] = k
	}
}

func is(c byte, k uint8) bool { return class[c]&k != 0 }

// Text scrubs free text: e-mail addresses, card numbers, JWTs, bearer
// tokens, and the secret parameters of absolute http(s) URLs inside it. It
// returns s itself when nothing matched.
func Text(s string) (string, Counts) {
	var c Counts
	out, changed := text(nil, s, &c)
	if !changed {
		return s, c
	}
	return string(out), c
}

// mayMatch is the prefilter: whether s has a byte where a match can start.
func mayMatch(s string) bool {
	for i := 0; i < len(s); i++ {
		if class[s[i]]&cTrigger != 0 {
			return true
		}
	}
	return false
}

// text appends the scrubbed s to dst. changed is false (and dst untouched)
// when nothing matched.
func text(dst []byte, s string, c *Counts) ([]byte, bool) {
	last := 0 // s[last:i] is not yet copied to dst
	changed := false
	emit := func(from, to int, repl string) {
		if !changed {
			changed = true
		}
		dst = append(dst, s[last:from]...)
		dst = append(dst, repl...)
		last = to
	}
	for i := 0; i < len(s); {
		ch := s[i]
		if class[ch]&cTrigger == 0 {
			i++
			continue
		}
		switch ch {
		case '@':
			if from, to, ok := matchEmail(s, i, last); ok {
				emit(from, to, EmailMask)
				c.Email++
				i = to
				continue
			}
		case 'e':
			if i > 0 && is(s[i-1], cB64) {
				break
			}
			if to, ok := matchJWT(s, i); ok {
				emit(i, to, JWTMask)
				c.JWT++
				i = to
				continue
			}
		case 'b', 'B':
			if i > 0 && is(s[i-1], cAlpha) {
				break
			}
			if tokFrom, to, ok := matchBearer(s, i); ok {
				emit(tokFrom, to, BearerMask)
				c.Bearer++
				i = to
				continue
			}
		case 'h', 'H':
			if i > 0 && is(s[i-1], cAlpha) {
				break
			}
			if to, ok := matchHTTP(s, i); ok {
				u, n := url(s[i:to])
				if n.Total() > 0 {
					emit(i, to, u)
					c.Add(n)
				}
				i = to
				continue
			}
		default: // '2'..'6'
			if i > 0 && (is(s[i-1], cDigit|cAlpha) || s[i-1] == '.') {
				break
			}
			to, card := matchCard(s, i)
			if card {
				emit(i, to, CardMask)
				c.Card++
			}
			i = to // skip the whole digit run either way: no quadratic rescans
			continue
		}
		i++
	}
	if !changed {
		return dst, false
	}
	return append(dst, s[last:]...), true
}

// matchEmail matches an address around the '@' at at, not extending left
// of floor. The domain needs a dot and a top-level label of letters that is
// not an image or code file extension ("logo@2x.png" is a file name).
func matchEmail(s string, at, floor int) (from, to int, ok bool) {
	from = at
	for from > floor && is(s[from-1], cLocal) {
		from--
	}
	for from < at && (s[from] == '.' || s[from] == '-' || s[from] == '+') {
		from++
	}
	if from == at {
		return 0, 0, false
	}
	to = at + 1
	lastDot := -1
	for to < len(s) && is(s[to], cDomain) {
		if s[to] == '.' {
			lastDot = to
		}
		to++
	}
	// A trailing dot ends a sentence, not the domain.
	for to > at+1 && s[to-1] == '.' {
		to--
	}
	lastDot = strings.LastIndexByte(s[at+1:to], '.')
	if lastDot >= 0 {
		lastDot += at + 1
	}
	if lastDot <= at+1 || to-lastDot-1 < 2 {
		return 0, 0, false
	}
	tld := s[lastDot+1 : to]
	for k := 0; k < len(tld); k++ {
		if !is(tld[k], cAlpha) {
			return 0, 0, false
		}
	}
	if fileExt(tld) {
		return 0, 0, false
	}
	return from, to, true
}

func fileExt(tld string) bool {
	switch lower(tld) {
	case "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico", "css", "js", "mjs", "map", "json", "woff", "woff2", "ttf":
		return true
	}
	return false
}

// matchJWT matches header.payload[.signature] where the header starts with
// "eyJ" (base64 of `{"`) and each part is base64url.
func matchJWT(s string, i int) (int, bool) {
	if len(s)-i < 3 || s[i+1] != 'y' || s[i+2] != 'J' {
		return 0, false
	}
	seg := func(k int) int {
		for k < len(s) && is(s[k], cB64) {
			k++
		}
		return k
	}
	e1 := seg(i)
	if e1-i < 10 || e1 >= len(s) || s[e1] != '.' {
		return 0, false
	}
	e2 := seg(e1 + 1)
	if e2-e1-1 < 10 {
		return 0, false
	}
	if e2 < len(s) && s[e2] == '.' {
		e3 := seg(e2 + 1)
		if e3 < len(s) && s[e3] == '.' {
			return 0, false // four parts: not a JWS
		}
		return e3, true
	}
	return e2, true
}

// matchBearer matches "Bearer <token>" (any case, one or more spaces) and
// returns where the token starts and ends. Tokens shorter than 8 bytes are
// prose ("bearer of bad news").
func matchBearer(s string, i int) (tokFrom, to int, ok bool) {
	const word = "bearer"
	if len(s)-i < len(word)+1 || lower(s[i:i+len(word)]) != word {
		return 0, 0, false
	}
	k := i + len(word)
	if s[k] != ' ' {
		return 0, 0, false
	}
	for k < len(s) && s[k] == ' ' {
		k++
	}
	tokFrom = k
	for k < len(s) && is(s[k], cToken) {
		k++
	}
	if k-tokFrom < 8 || s[tokFrom:k] == BearerMask {
		return 0, 0, false
	}
	return tokFrom, k, true
}

// matchHTTP matches an absolute http(s) URL starting at i and returns its
// end: the first byte that cannot be part of a URL in prose.
func matchHTTP(s string, i int) (int, bool) {
	rest := s[i:]
	var n int
	switch {
	case len(rest) >= 8 && lower(rest[:8]) == "https://":
		n = 8
	case len(rest) >= 7 && lower(rest[:7]) == "http://":
		n = 7
	default:
		return 0, false
	}
	k := i + n
	for k < len(s) {
		switch c := s[k]; {
		case c <= ' ', c == '"', c == '\'', c == '<', c == '>', c == '`', c == '(', c == ')', c == '\\', c >= 0x7f:
			return k, true
		}
		k++
	}
	return k, true
}

// matchCard consumes the digit run at i (digits with single spaces or
// hyphens between them) and reports whether it is a card number: 13-19
// digits starting with 2-6 (every card network's first digit; this also
// spares millisecond timestamps, which start with 1) that pass the Luhn
// check. to is the end of the run, card or not.
func matchCard(s string, i int) (to int, card bool) {
	var digits [19]byte
	n := 0
	k := i
	end := i
	for k < len(s) {
		c := s[k]
		if c >= '0' && c <= '9' {
			if n < len(digits) {
				digits[n] = c - '0'
			}
			n++
			k++
			end = k
			continue
		}
		if (c == ' ' || c == '-') && k+1 < len(s) && s[k+1] >= '0' && s[k+1] <= '9' {
			k++
			continue
		}
		break
	}
	to = end
	if n < 13 || n > 19 {
		return to, false
	}
	if to < len(s) && (is(s[to], cAlpha) || s[to] == '.' && to+1 < len(s) && is(s[to+1], cDigit)) {
		return to, false // part of an identifier or a decimal number
	}
	if !luhn(digits[:n]) {
		return to, false
	}
	return to, true
}

func luhn(d []byte) bool {
	sum := 0
	double := false
	for k := len(d) - 1; k >= 0; k-- {
		v := int(d[k])
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0
}

// lower lower-cases ASCII; it allocates only when s has upper case.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
