package scrub

import (
	"strings"
	"unicode/utf8"
)

// URL scrubs one URL, absolute or relative, by the rules the SDK uses too
// (testdata/privacy/url_scrub.json; web/sdk/src/context.ts scrubURL), so
// that a URL the SDK would scrub comes out here exactly as the SDK would
// have sent it:
//
//   - the value of a query or fragment parameter becomes "redacted" when a
//     word of its name is a secret word (secretName), or the value looks
//     like a token (24+ URL-safe characters with a letter and a digit) or
//     is a JWT; utm_* names are never secret by name;
//   - a JWT path segment becomes ":jwt";
//   - a fragment that is a bare token (24+ URL-safe characters) is dropped,
//     '#' included; an SPA route (#/path, #!/path) keeps its path;
//   - user info (user:pass@) is removed;
//   - mailto:, tel:, sms: and callto: URLs keep only their scheme.
//
// Beyond the shared rules (stricter, and contradicting no vector), the
// path, the fragment and the values of other parameters are scrubbed as
// text, so an e-mail address in a path or an innocent-looking parameter is
// caught too.
//
// Every replacement in the URL's parameters, path, fragment and user info
// counts as a URL catch; the text kinds count as themselves. The URL is not
// parsed or re-encoded: bytes that are not replaced stay as they were (the
// SDK's URL parser normalises percent-encoding and host case; the server
// does not).
func URL(s string) (string, Counts) {
	if s == "" {
		return s, Counts{}
	}
	return url(s)
}

// urlMayMatch is URL's prefilter: whether anything in s can be scrubbed.
func urlMayMatch(s string) bool {
	return mayMatch(s) || strings.IndexByte(s, '=') >= 0 || strings.IndexByte(s, '#') >= 0 || opaqueScheme(s) > 0
}

// opaqueScheme returns the length of a leading "mailto:", "tel:", "sms:" or
// "callto:" (any case), or 0.
func opaqueScheme(s string) int {
	k := strings.IndexByte(s, ':')
	if k < 3 || k > 6 {
		return 0
	}
	switch lower(s[:k]) {
	case "mailto", "tel", "sms", "callto":
		return k + 1
	}
	return 0
}

func url(s string) (string, Counts) {
	var c Counts
	if !urlMayMatch(s) {
		return s, c
	}
	if k := opaqueScheme(s); k > 0 {
		if s[k:] == Redacted {
			return s, c
		}
		c.URL++
		return s[:k] + Redacted, c
	}
	rest, frag, hasFrag := strings.Cut(s, "#")
	base, query, hasQuery := strings.Cut(rest, "?")

	// Scheme and authority: user info is removed, the host is left alone
	// (a text pass would take user@host for an e-mail address).
	authStart, pathStart := 0, 0
	if k := strings.Index(base, "://"); k > 0 && isScheme(base[:k]) {
		authStart = k + 3
	} else if strings.HasPrefix(base, "//") {
		authStart = 2
	}
	if authStart > 0 {
		if j := strings.IndexByte(base[authStart:], '/'); j >= 0 {
			pathStart = authStart + j
		} else {
			pathStart = len(base)
		}
	}
	head := base[:pathStart]
	changed := false
	if at := strings.LastIndexByte(head[authStart:], '@'); authStart > 0 && at >= 0 {
		head = head[:authStart] + head[authStart+at+1:]
		c.URL++
		changed = true
	}
	path, ch := scrubPath(base[pathStart:], &c)
	changed = changed || ch
	if hasQuery {
		query, ch = scrubParams(query, &c)
		changed = changed || ch
	}
	if hasFrag {
		frag, hasFrag, ch = scrubFragment(frag, &c)
		changed = changed || ch
	}
	if !changed {
		return s, c
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(head)
	b.WriteString(path)
	if hasQuery {
		b.WriteByte('?')
		b.WriteString(query)
	}
	if hasFrag {
		b.WriteByte('#')
		b.WriteString(frag)
	}
	return b.String(), c
}

// isScheme reports whether s is a URL scheme: a letter, then letters,
// digits, '+', '-' and '.'.
func isScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !is(c, cAlpha) && (i == 0 || !is(c, cDigit) && c != '+' && c != '-' && c != '.') {
			return false
		}
	}
	return s != ""
}

// JWTSegment replaces a path segment that is a JWT (the SDK's word).
const JWTSegment = ":jwt"

// scrubPath replaces JWT segments and scrubs the others as text.
func scrubPath(p string, c *Counts) (string, bool) {
	if !mayMatch(p) {
		return p, false
	}
	segs := strings.Split(p, "/")
	changed := false
	for i, seg := range segs {
		if isJWT(seg) {
			segs[i] = JWTSegment
			c.URL++
			changed = true
			continue
		}
		if t, ch := text(nil, seg, c); ch {
			segs[i] = string(t)
			changed = true
		}
	}
	if !changed {
		return p, false
	}
	return strings.Join(segs, "/"), true
}

// scrubFragment scrubs the fragment f (without '#') as the SDK does: an SPA
// route (#/path or #!/path) keeps its path up to the first '?' or '&'; what
// follows is a parameter list when it has a '=', else it is dropped when it
// is a bare token. keep is false when the whole fragment, '#' included, is
// to be dropped.
func scrubFragment(f string, c *Counts) (out string, keep, changed bool) {
	if f == "" {
		return f, true, false
	}
	route := ""
	if f[0] == '/' || strings.HasPrefix(f, "!/") {
		route = f
		if k := strings.IndexAny(f, "?&"); k >= 0 {
			route = f[:k]
		}
	}
	rest := f[len(route):]
	params := rest
	if params != "" && (params[0] == '?' || params[0] == '&') {
		params = params[1:]
	}
	// Stricter than the SDK: the route is scrubbed like a path (JWT
	// segments, e-mail addresses).
	r, rch := scrubPath(route, c)
	switch {
	case strings.IndexByte(params, '=') >= 0:
		p, pch := scrubParams(params, c)
		if !rch && !pch {
			return f, true, false
		}
		return r + rest[:len(rest)-len(params)] + p, true, true
	case params != "" && (bareToken(params) || isJWT(params)):
		// isJWT: stricter than the SDK, which misses a JWT shorter than
		// 24 characters here.
		c.URL++
		if r == "" {
			return "", false, true
		}
		return r, true, true
	}
	// Stricter than the SDK: the rest is scrubbed as text.
	t, tch := text(nil, rest, c)
	if !rch && !tch {
		return f, true, false
	}
	if tch {
		rest = string(t)
	}
	return r + rest, true, true
}

// scrubParams scrubs a&b=c&... in place.
func scrubParams(q string, c *Counts) (string, bool) {
	if q == "" {
		return q, false
	}
	parts := strings.Split(q, "&")
	changed := false
	for i, part := range parts {
		name, val, ok := strings.Cut(part, "=")
		if !ok || val == "" {
			continue
		}
		if val == Redacted {
			continue // already redacted by the SDK
		}
		dval := decodeComponent(val)
		if secretName(decodeComponent(name)) || tokenValue(dval) || isJWT(dval) {
			parts[i] = name + "=" + Redacted
			c.URL++
			changed = true
			continue
		}
		// Stricter than the SDK: other values are scrubbed as text. An
		// e-mail address in a value is usually percent-encoded.
		dec := val
		if strings.Contains(val, "%40") || strings.Contains(val, "%2540") {
			dec = strings.ReplaceAll(strings.ReplaceAll(val, "%2540", "@"), "%40", "@")
		}
		if t, ch := text(nil, dec, c); ch {
			parts[i] = name + "=" + string(t)
			changed = true
		}
	}
	if !changed {
		return q, false
	}
	return strings.Join(parts, "&"), true
}

// decodeComponent is the SDK's decodeURIComponent(s.replace(/\+/g, ' ')),
// falling back to s itself where that throws (a bad escape or invalid
// UTF-8).
func decodeComponent(s string) string {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			b = append(b, ' ')
		case '%':
			if i+2 >= len(s) || unhex(s[i+1]) < 0 || unhex(s[i+2]) < 0 {
				return s
			}
			b = append(b, byte(unhex(s[i+1])<<4|unhex(s[i+2])))
			i += 2
		default:
			b = append(b, c)
		}
	}
	if !utf8.Valid(b) {
		return s
	}
	return string(b)
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// urlSafe reports whether c is one of the SDK's token characters
// [A-Za-z0-9_.~+/=%-].
func urlSafe(c byte) bool {
	return is(c, cB64) || c == '.' || c == '~' || c == '+' || c == '/' || c == '=' || c == '%'
}

// tokenValue reports whether a (decoded) parameter value looks like a
// token: 24 or more URL-safe characters with a letter and a digit.
func tokenValue(v string) bool {
	if len(v) < 24 {
		return false
	}
	var letter, digit bool
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !urlSafe(c) {
			return false
		}
		letter = letter || is(c, cAlpha)
		digit = digit || is(c, cDigit)
	}
	return letter && digit
}

// bareToken reports whether a (raw) fragment is what the SDK drops: 24 or
// more URL-safe characters once the browser has percent-encoded it (a
// space, a quote, <, >, `, a control or a non-ASCII byte becomes %XX there,
// so it counts as URL-safe here), with a letter and a digit, like a token
// value. A long heading anchor (#a-long-heading-anchor-for-docs) is kept.
func bareToken(f string) bool {
	if len(f) < 24 {
		return false
	}
	letter, digit := false, false
	for i := 0; i < len(f); i++ {
		c := f[i]
		if !urlSafe(c) && !fragEncoded(c) {
			return false
		}
		letter = letter || is(c, cAlpha)
		digit = digit || is(c, cDigit)
	}
	return letter && digit
}

// fragEncoded: the WHATWG fragment percent-encode set.
func fragEncoded(c byte) bool {
	return c <= ' ' || c == '"' || c == '<' || c == '>' || c == '`' || c >= 0x7f
}

// isJWT reports whether all of s is a JWT: the SDK's shape
// eyJ[\w-]*\.[\w-]+\.[\w-]* or, stricter, a two-part one (header.payload,
// 10+ characters each) as matchJWT finds it in text.
func isJWT(s string) bool {
	if len(s) < 3 || s[0] != 'e' || s[1] != 'y' || s[2] != 'J' {
		return false
	}
	if to, ok := matchJWT(s, 0); ok && to == len(s) {
		return true
	}
	k := 3
	run := func() int {
		n := 0
		for k < len(s) && is(s[k], cB64) {
			k++
			n++
		}
		return n
	}
	run()
	if k == len(s) || s[k] != '.' {
		return false
	}
	k++
	if run() == 0 || k == len(s) || s[k] != '.' {
		return false
	}
	k++
	run()
	return k == len(s)
}

// secretWords are the words of a parameter name that make it secret
// (testdata/privacy/url_scrub.json's secret_words; TestSharedVectors checks
// the two lists are the same).
var secretWords = wordSet("token access auth authorization code key apikey secret password passwd pwd pass session sessionid sessid sid sig signature otp jwt email mail state nonce ticket hash credential bearer")

// serverWords are secret words only the server knows (SAML responses,
// passphrases). Stricter than the SDK; no vector has them.
var serverWords = wordSet("passphrase saml samlresponse assertion")

// secretParts make any name secret when they occur anywhere in it, even
// inside one word ("userpassword", "resettoken"). Stricter than the SDK,
// which splits words at camelCase and punctuation only; no vector's kept
// name contains one.
var secretParts = []string{"token", "secret", "passw", "apikey", "api_key", "signature", "credential", "sessionid", "session_id"}

func wordSet(s string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// secretName reports whether a (decoded) parameter name looks like a
// secret, as the SDK decides it: the name is split into words at every
// character that is not an ASCII letter or digit and between a lower-case
// letter or digit and an upper-case letter (accessToken, X-Amz-Signature,
// user[email]), lower-cased; a name is secret when one of its words, or
// that word without one trailing 's', is a secret word. utm_* names are
// never secret.
func secretName(name string) bool {
	if len(name) >= 4 && lower(name[:4]) == "utm_" {
		return false
	}
	var buf [32]byte
	w := buf[:0]
	word := func() bool {
		if len(w) == 0 {
			return false
		}
		// m[string(b)] does not allocate.
		hit := secretWords[string(w)] || serverWords[string(w)] ||
			w[len(w)-1] == 's' && (secretWords[string(w[:len(w)-1])] || serverWords[string(w[:len(w)-1])])
		w = w[:0]
		return hit
	}
	var prev byte
	for i := 0; i < len(name); {
		c := name[i]
		if c >= utf8.RuneSelf {
			// JavaScript's toLowerCase turns the Kelvin sign into 'k' and
			// 'İ' into "i̇" ('i' and a combining dot, a separator); every
			// other non-ASCII letter separates words.
			r, size := utf8.DecodeRuneInString(name[i:])
			i += size
			prev = 0
			switch r {
			case '\u212a':
				w = append(w, 'k')
				continue
			case '\u0130':
				w = append(w, 'i')
			}
			if word() {
				return true
			}
			continue
		}
		i++
		switch {
		case c >= 'A' && c <= 'Z':
			if prev >= 'a' && prev <= 'z' || prev >= '0' && prev <= '9' {
				if word() {
					return true
				}
			}
			w = append(w, c+'a'-'A')
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			w = append(w, c)
		default:
			if word() {
				return true
			}
		}
		prev = c
	}
	if word() {
		return true
	}
	n := lower(name)
	for _, p := range secretParts {
		if strings.Contains(n, p) {
			return true
		}
	}
	return false
}
