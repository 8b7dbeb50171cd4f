package scrub

import (
	"encoding/json"
	"strings"
	"testing"
)

const (
	jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)

func TestText(t *testing.T) {
	tests := []struct {
		name, in, want string
		c              Counts
	}{
		{"email", "Contact jane.doe+news@example.co.uk today", "Contact [email] today", Counts{Email: 1}},
		{"email end of sentence", "Mail bob@example.com.", "Mail [email].", Counts{Email: 1}},
		{"two emails", "a@b.io,c@d.org", "[email],[email]", Counts{Email: 2}},
		{"visa plain", "card 4111111111111111 ok", "card [card] ok", Counts{Card: 1}},
		{"visa spaces", "4111 1111 1111 1111", "[card]", Counts{Card: 1}},
		{"amex dashes", "3782-822463-10005", "[card]", Counts{Card: 1}},
		{"mastercard 2-series", "2223000048400011", "[card]", Counts{Card: 1}},
		{"jwt", "token " + jwt + " end", "token [jwt] end", Counts{JWT: 1}},
		{"bearer", "Authorization: Bearer abcDEF123456.xyz", "Authorization: Bearer [redacted]", Counts{Bearer: 1}},
		{"bearer jwt counts as bearer", "bearer " + jwt, "bearer [redacted]", Counts{Bearer: 1}},
		{"url in text", "see https://x.test/reset?token=s3cr3t&lang=en now", "see https://x.test/reset?token=redacted&lang=en now", Counts{URL: 1}},
		{"email in url", "https://x.test/u?next=%2Fa&who=jo%40ex.com", "https://x.test/u?next=%2Fa&who=[email]", Counts{Email: 1}},

		// negatives
		{"ms timestamp", "at 1700000000000 and 1732700000123", "at 1700000000000 and 1732700000123", Counts{}},
		{"order id", "Order #20240115-0042 shipped", "Order #20240115-0042 shipped", Counts{}},
		{"non-luhn run", "ref 4111111111111112", "ref 4111111111111112", Counts{}},
		{"too long run", "41111111111111111111111", "41111111111111111111111", Counts{}},
		{"12 digits", "411111111111", "411111111111", Counts{}},
		{"digits inside identifier", "id=a4111111111111111b", "id=a4111111111111111b", Counts{}},
		{"decimal", "pi 3.1415926535897932", "pi 3.1415926535897932", Counts{}},
		{"phone", "+1 555 123 4567", "+1 555 123 4567", Counts{}},
		{"retina image", "logo@2x.png", "logo@2x.png", Counts{}},
		{"css at-rule", "@media (max-width: 600px)", "@media (max-width: 600px)", Counts{}},
		{"handle", "follow @trailguide", "follow @trailguide", Counts{}},
		{"no tld", "root@localhost", "root@localhost", Counts{}},
		{"bearer prose", "the bearer of bad news", "the bearer of bad news", Counts{}},
		{"eyJ word", "eyJust kidding.notajwt", "eyJust kidding.notajwt", Counts{}},
		{"url without secrets", "https://x.test/a?page=2#top", "https://x.test/a?page=2#top", Counts{}},
		{"empty", "", "", Counts{}},
		{"unicode", "Grüße an zoë@exämple.de", "Grüße an zoë@exämple.de", Counts{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, c := Text(tt.in)
			if got != tt.want || c != tt.c {
				t.Errorf("Text(%q) = %q, %+v; want %q, %+v", tt.in, got, c, tt.want, tt.c)
			}
		})
	}
}

func TestURL(t *testing.T) {
	tests := []struct {
		in, want string
		n        int
	}{
		{"https://app.test/reset?token=abc123&lang=en", "https://app.test/reset?token=redacted&lang=en", 1},
		{"/callback?code=xyz&state=q1&Session=9", "/callback?code=redacted&state=redacted&Session=redacted", 3},
		{"https://app.test/#access_token=abc&token_type=bearer&expires_in=3600", "https://app.test/#access_token=redacted&token_type=redacted&expires_in=3600", 2},
		{"https://app.test/#/confirm?email=a%40b.com", "https://app.test/#/confirm?email=redacted", 1},
		{"https://app.test/verify/" + jwt + "/done", "https://app.test/verify/:jwt/done", 1},
		{"https://app.test/#" + jwt, "https://app.test/", 1},
		{"https://s3.test/o?X-Amz-Signature=ff&X-Amz-Credential=k&X-Amz-Date=1", "https://s3.test/o?X-Amz-Signature=redacted&X-Amz-Credential=redacted&X-Amz-Date=1", 2},
		{"https://app.test/login?user%5Bpassword%5D=hunter2", "https://app.test/login?user%5Bpassword%5D=redacted", 1},
		{"https://app.test/?API_KEY=1&PWD=2&passwd=3&sig=4&sid=5&id_token=6&refresh_token=7&secret=8&auth=9&key=10",
			"https://app.test/?API_KEY=redacted&PWD=redacted&passwd=redacted&sig=redacted&sid=redacted&id_token=redacted&refresh_token=redacted&secret=redacted&auth=redacted&key=redacted", 10},
		{"https://app.test/?token=redacted", "https://app.test/?token=redacted", 0},
		// the shared rules, beyond the vectors
		{"https://app.test/?utm_content=a1b2c3d4e5f6a7b8c9d0e1f2a3", "https://app.test/?utm_content=redacted", 1}, // utm_ spares the name, not a token value
		{"https://app.test/?utm_token=x&utm_medium=email", "https://app.test/?utm_token=x&utm_medium=email", 0},
		{"https://app.test/?v=a1b2c3d4e5f6a7b8c9d0e1f%32", "https://app.test/?v=redacted", 1},                   // the value is decoded first
		{"https://app.test/?v=a1b2c3d4e5f6a7b8c9d0e1f+2", "https://app.test/?v=a1b2c3d4e5f6a7b8c9d0e1f+2", 0},   // '+' is a space
		{"https://app.test/?v=abcdefghijklmnopqrstuvwxyz", "https://app.test/?v=abcdefghijklmnopqrstuvwxyz", 0}, // no digit
		{"https://app.test/?user%5Bemail%5D=x&user%5bname%5d=y", "https://app.test/?user%5Bemail%5D=redacted&user%5bname%5d=y", 1},
		{"https://app.test/?my+token=x&a%ZZtoken=y", "https://app.test/?my+token=redacted&a%ZZtoken=redacted", 2},                                                         // bad escape: the raw name
		{"https://app.test/?\u212Aey=x", "https://app.test/?\u212Aey=redacted", 1},                                                                                        // JavaScript lower-cases the Kelvin sign to k
		{"https://app.test/?stateId=1&hash=2&Bearer=3&sessid=4&hashes=5", "https://app.test/?stateId=redacted&hash=redacted&Bearer=redacted&sessid=redacted&hashes=5", 4}, // one trailing s only
		{"https://app.test/?x=eyJhbGciOiJub25lIn0.eyJzdWIiOjF9.", "https://app.test/?x=redacted", 1},
		{"https://app.test/#/reset?" + "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA", "https://app.test/#/reset", 1},
		{"https://app.test/#a-long-heading-anchor-for-docs", "https://app.test/#a-long-heading-anchor-for-docs", 0}, // no digit: an anchor, not a token
		{"https://app.test/#a-long-heading-anchor-for-docs-2", "https://app.test/", 1},
		{"https://app.test/#short%20one", "https://app.test/#short%20one", 0},
		{"https://app.test/#!/inbox&token=1", "https://app.test/#!/inbox&token=redacted", 1},
		{"https://app.test/#foo?token=1", "https://app.test/#foo?token=redacted", 1},
		{"https://jo@app.test", "https://app.test", 1},
		{"HTTPS://a:b@c@app.test:8080/x?y=1", "HTTPS://app.test:8080/x?y=1", 1},
		{"mailto:jo@ex.com", "mailto:redacted", 1},
		{"SMS:+15550100?body=hi", "SMS:redacted", 1},
		{"callto:jo", "callto:redacted", 1},
		{"tel:redacted", "tel:redacted", 0},
		// stricter than the SDK (no vector contradicts these)
		{"https://app.test/?resettoken=x&userpassword=y&SAMLResponse=z", "https://app.test/?resettoken=redacted&userpassword=redacted&SAMLResponse=redacted", 3},
		{"//u:p@app.test/a", "//app.test/a", 1},
		{"https://app.test/#/verify/" + jwt, "https://app.test/#/verify/:jwt", 1},
		{"https://app.test/a/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0", "https://app.test/a/:jwt", 1}, // two-part JWT
		// negatives
		{"https://app.test/orders/20240115-0042?page=2&sort=desc#reviews", "https://app.test/orders/20240115-0042?page=2&sort=desc#reviews", 0},
		{"https://app.test/a?author=bob&keyboard=us&token=", "https://app.test/a?author=bob&keyboard=us&token=", 0},
		{"https://app.test/a?codec=h264&statement=1&tokens_left=3x", "https://app.test/a?codec=h264&statement=1&tokens_left=redacted", 1},
		{"https://app.test/#section-2", "https://app.test/#section-2", 0},
		{"https://app.test/#", "https://app.test/#", 0},
		{"/redirect/https://a@b.test/x", "/redirect/https://[email]/x", 0}, // not an authority: a path, scrubbed as text
		{"data:text/plain,hello", "data:text/plain,hello", 0},
		{"", "", 0},
		{"/plain/path", "/plain/path", 0},
	}
	for _, tt := range tests {
		got, c := URL(tt.in)
		if got != tt.want || c.URL != tt.n {
			t.Errorf("URL(%q)\n got %q (%+v)\nwant %q (url %d)", tt.in, got, c, tt.want, tt.n)
		}
	}
}

func TestJSON(t *testing.T) {
	tests := []struct {
		name, in, want string
		c              Counts
	}{
		{"text node", `{"type":3,"textContent":"Hi jo@ex.com"}`, `{"type":3,"textContent":"Hi [email]"}`, Counts{Email: 1}},
		{"escaped text", `{"textContent":"line\n4111 1111 1111 1111\t\"q\" \u00e9"}`, `{"textContent":"line\n[card]\t\"q\" é"}`, Counts{Card: 1}},
		{"href attribute", `{"attributes":{"href":"/reset?token=abc","class":"x"}}`, `{"attributes":{"href":"/reset?token=redacted","class":"x"}}`, Counts{URL: 1}},
		{"input value", `{"type":3,"data":{"source":5,"text":"4111111111111111","isChecked":false,"id":7}}`, `{"type":3,"data":{"source":5,"text":"[card]","isChecked":false,"id":7}}`, Counts{Card: 1}},
		{"keys untouched", `{"jo@ex.com":1}`, `{"jo@ex.com":1}`, Counts{}},
		{"css skipped", `{"_cssText":".a{background:url(https://x.test/?token=1)} jo@ex.com"}`, `{"_cssText":".a{background:url(https://x.test/?token=1)} jo@ex.com"}`, Counts{}},
		{"numbers untouched", `{"timestamp":4111111111111111,"x":1}`, `{"timestamp":4111111111111111,"x":1}`, Counts{}},
		{"meta href", `{"type":4,"data":{"href":"https://a.test/?code=1","width":800}}`, `{"type":4,"data":{"href":"https://a.test/?code=redacted","width":800}}`, Counts{URL: 1}},
		{"array of strings", `["Bearer abcdefghijk", "ok"]`, `["Bearer [redacted]", "ok"]`, Counts{Bearer: 1}},
		// the SDK's mask for a select and its options (CHOICE_MASK) is nothing to catch
		{"masked select", `{"tagName":"select","attributes":{"value":"***","title":"***"},"childNodes":[{"tagName":"option","attributes":{"value":"***","label":"***"},"childNodes":[{"type":3,"textContent":"***"}]}]}`, `{"tagName":"select","attributes":{"value":"***","title":"***"},"childNodes":[{"tagName":"option","attributes":{"value":"***","label":"***"},"childNodes":[{"type":3,"textContent":"***"}]}]}`, Counts{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, c := JSON([]byte(tt.in))
			if string(got) != tt.want || c != tt.c {
				t.Errorf("JSON(%s)\n got %s %+v\nwant %s %+v", tt.in, got, c, tt.want, tt.c)
			}
			if !json.Valid(got) {
				t.Errorf("result is not JSON: %s", got)
			}
		})
	}
}

func TestJSONUnchangedIsSameSlice(t *testing.T) {
	doc := []byte(`{"type":2,"data":{"node":{"type":3,"textContent":"nothing here at all"}},"timestamp":1700000000000}`)
	got, c := JSON(doc)
	if &got[0] != &doc[0] || c.Total() != 0 {
		t.Errorf("unchanged document was copied or counted: %+v", c)
	}
}

func TestLuhn(t *testing.T) {
	for _, s := range []string{"4111111111111111", "5555555555554444", "378282246310005", "6011111111111117"} {
		d := make([]byte, len(s))
		for i := range s {
			d[i] = s[i] - '0'
		}
		if !luhn(d) {
			t.Errorf("luhn(%s) = false", s)
		}
	}
	if luhn([]byte{4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2}) {
		t.Error("luhn accepted a bad number")
	}
}

func TestSecretName(t *testing.T) {
	for _, n := range []string{"token", "TOKEN", "reset_token", "Code", "userPassword", "X-Amz-Signature", "data[email]"} {
		if !secretName(n) {
			t.Errorf("secretName(%q) = false", n)
		}
	}
	for _, n := range []string{"page", "author", "keyboard", "q", "utm_source", "lang", "codec"} {
		if secretName(n) {
			t.Errorf("secretName(%q) = true", n)
		}
	}
}

// The output of a scrub must scrub to itself: replacements never look like
// what they replace.
func TestIdempotent(t *testing.T) {
	in := "jo@ex.com 4111111111111111 Bearer abcdefghijkl " + jwt + " https://a.test/?token=x#id_token=y"
	once, c1 := Text(in)
	twice, c2 := Text(once)
	if once != twice || c2.Total() != 0 || c1.Total() != 6 {
		t.Errorf("not idempotent: %q (%+v) -> %q (%+v)", once, c1, twice, c2)
	}
	if strings.Contains(once, "ex.com") {
		t.Errorf("email left: %q", once)
	}
}

func TestBatchCountsDistinctValues(t *testing.T) {
	var b Batch
	u := "https://a.test/reset?token=abc"
	if got := b.URL(u); got != "https://a.test/reset?token=redacted" {
		t.Fatalf("URL = %q", got)
	}
	b.URL(u)
	b.JSON([]byte(`{"type":4,"data":{"href":"https://a.test/reset?token=abc"}}`))
	b.Text("mail jo@ex.com")
	b.JSON([]byte(`{"textContent":"mail jo@ex.com"}`))
	b.JSON([]byte(`{"textContent":"mail ann@ex.com"}`))
	if want := (Counts{URL: 1, Email: 2}); b.Counts != want {
		t.Errorf("counts = %+v, want %+v", b.Counts, want)
	}
	doc := []byte(`{"a":"nothing"}`)
	if got := b.JSON(doc); &got[0] != &doc[0] {
		t.Error("unchanged document copied")
	}
}
