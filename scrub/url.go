package scrub

import "strings"

// URL scrubs one URL, absolute or relative: the values of query and
// fragment parameters whose names look like secrets become "redacted", a
// path segment or fragment that is a JWT becomes "redacted", and the rest
// (path, other parameter values) is scrubbed as text, so an e-mail address
// in a path or in an innocent-looking parameter is caught too. Every
// replacement in the URL's parameters and path counts as a URL catch; the
// text kinds count as themselves. The URL is not parsed or re-encoded:
// bytes that are not replaced stay as they were.
func URL(s string) (string, Counts) {
	if s == "" {
		return s, Counts{}
	}
	return url(s)
}

func url(s string) (string, Counts) {
	var c Counts
	// Cheap exit: nothing that can be a parameter, no JWT, no text trigger.
	if strings.IndexByte(s, '=') < 0 && !mayMatch(s) {
		return s, c
	}
	rest, frag, hasFrag := strings.Cut(s, "#")
	base, query, hasQuery := strings.Cut(rest, "?")

	var b strings.Builder
	b.Grow(len(s))
	changed := false

	// Scheme and authority are left alone (user:pass@ is rare and the text
	// pass below would eat the host); the path is scrubbed per segment.
	pathStart := 0
	if k := strings.Index(base, "://"); k >= 0 {
		if j := strings.IndexByte(base[k+3:], '/'); j >= 0 {
			pathStart = k + 3 + j
		} else {
			pathStart = len(base)
		}
	}
	b.WriteString(base[:pathStart])
	if p, ch := scrubPath(base[pathStart:], &c); ch {
		b.WriteString(p)
		changed = true
	} else {
		b.WriteString(base[pathStart:])
	}
	if hasQuery {
		b.WriteByte('?')
		q, ch := scrubParams(query, &c)
		b.WriteString(q)
		changed = changed || ch
	}
	if hasFrag {
		b.WriteByte('#')
		f, ch := scrubFragment(frag, &c)
		b.WriteString(f)
		changed = changed || ch
	}
	if !changed {
		return s, c
	}
	return b.String(), c
}

// scrubPath replaces JWT segments and scrubs the others as text.
func scrubPath(p string, c *Counts) (string, bool) {
	if !mayMatch(p) {
		return p, false
	}
	segs := strings.Split(p, "/")
	changed := false
	for i, seg := range segs {
		if isJWT(seg) {
			segs[i] = Redacted
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

// scrubFragment handles "#access_token=...&state=...", "#/route?token=..."
// and a bare JWT fragment.
func scrubFragment(f string, c *Counts) (string, bool) {
	if isJWT(f) {
		c.URL++
		return Redacted, true
	}
	if k := strings.IndexByte(f, '?'); k >= 0 {
		head, hch := scrubPath(f[:k], c)
		q, qch := scrubParams(f[k+1:], c)
		if !hch && !qch {
			return f, false
		}
		return head + "?" + q, true
	}
	if strings.IndexByte(f, '=') >= 0 {
		return scrubParams(f, c)
	}
	if t, ch := text(nil, f, c); ch {
		return string(t), true
	}
	return f, false
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
		if secretName(name) {
			if val == Redacted || val == BearerMask {
				continue // already redacted by the SDK
			}
			parts[i] = name + "=" + Redacted
			c.URL++
			changed = true
			continue
		}
		if isJWT(val) {
			parts[i] = name + "=" + Redacted
			c.URL++
			changed = true
			continue
		}
		// An e-mail address in a value is usually percent-encoded.
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

// secretNames are parameter names (lower case) whose values are secrets or
// personal data by convention (OAuth, OIDC, password resets, signed URLs).
var secretNames = map[string]bool{
	"token": true, "code": true, "state": true, "nonce": true,
	"password": true, "passwd": true, "pwd": true, "pass": true, "passphrase": true,
	"email": true, "e-mail": true, "mail": true,
	"key": true, "apikey": true, "api_key": true, "api-key": true,
	"session": true, "sessionid": true, "session_id": true, "sid": true,
	"sig": true, "signature": true, "auth": true, "authorization": true,
	"access_token": true, "id_token": true, "refresh_token": true,
	"secret": true, "client_secret": true, "otp": true, "jwt": true,
	"ticket": true, "credential": true, "credentials": true, "saml": true,
	"samlresponse": true, "assertion": true,
}

// secretParts are substrings that make any parameter name secret
// ("reset_token", "X-Amz-Signature", "userPassword").
var secretParts = []string{"token", "secret", "passw", "apikey", "api_key", "signature", "credential", "sessionid", "session_id"}

// secretName reports whether a parameter name looks like a secret, in any
// case, percent-encoded brackets ("user%5Bemail%5D") seen through.
func secretName(name string) bool {
	n := lower(name)
	if strings.IndexByte(n, '%') >= 0 {
		n = strings.NewReplacer("%5b", "[", "%5d", "]").Replace(n)
	}
	if secretNames[n] {
		return true
	}
	// user[email], data[password]: the innermost bracketed name decides.
	if k := strings.LastIndexByte(n, '['); k >= 0 && strings.HasSuffix(n, "]") && secretNames[n[k+1:len(n)-1]] {
		return true
	}
	for _, p := range secretParts {
		if strings.Contains(n, p) {
			return true
		}
	}
	return false
}
