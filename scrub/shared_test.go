package scrub

import (
	"encoding/json"
	"os"
	"slices"
	"testing"
)

// sharedRules is testdata/privacy/url_scrub.json, the URL scrubbing rules
// the SDK (web/sdk/src/context.ts scrubURL, whose tests run the same
// vectors) and the server share.
type sharedRules struct {
	SecretWords []string `json:"secret_words"`
	Vectors     []struct {
		In  string `json:"in"`
		Out string `json:"out"`
	} `json:"vectors"`
}

func loadSharedRules(t testing.TB) sharedRules {
	t.Helper()
	b, err := os.ReadFile("../testdata/privacy/url_scrub.json")
	if err != nil {
		t.Fatal(err)
	}
	var r sharedRules
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Vectors) == 0 || len(r.SecretWords) == 0 {
		t.Fatal("url_scrub.json has no vectors or no secret words")
	}
	return r
}

// TestSharedVectors runs every vector: the server scrubs a URL exactly as
// the SDK does, counts one URL catch or more exactly when it changes it,
// and leaves what the SDK sends (the vector's output) alone, uncounted.
func TestSharedVectors(t *testing.T) {
	for _, v := range loadSharedRules(t).Vectors {
		t.Run(v.In, func(t *testing.T) {
			got, c := URL(v.In)
			if got != v.Out {
				t.Errorf("URL(%q)\n got %q\nwant %q", v.In, got, v.Out)
			}
			if changed := v.In != v.Out; changed != (c.URL > 0) || c.Total() != c.URL {
				t.Errorf("URL(%q) counted %+v", v.In, c)
			}
			if again, c2 := URL(v.Out); again != v.Out || c2.Total() != 0 {
				t.Errorf("URL(SDK output %q) = %q, %+v; want it unchanged", v.Out, again, c2)
			}
			// The same URL as an rrweb href.
			doc := `{"type":4,"data":{"href":` + quote(v.In) + `}}`
			if got, _ := JSON([]byte(doc)); string(got) != `{"type":4,"data":{"href":`+quote(v.Out)+`}}` || !json.Valid(got) {
				t.Errorf("JSON(%s) = %s", doc, got)
			}
		})
	}
}

// TestSharedSecretWords keeps secretWords and the shared list the same.
func TestSharedSecretWords(t *testing.T) {
	words := loadSharedRules(t).SecretWords
	for _, w := range words {
		if !secretWords[w] {
			t.Errorf("secret word %q of url_scrub.json is missing from secretWords", w)
		}
		if !secretName(w) || !secretName(w+"s") || !secretName("x_"+w) {
			t.Errorf("secretName(%q) = false", w)
		}
	}
	for w := range secretWords {
		if !slices.Contains(words, w) {
			t.Errorf("secretWords has %q, url_scrub.json does not (server-only words go in serverWords)", w)
		}
	}
}

// quote is s as a JSON string literal, without HTML escapes.
func quote(s string) string {
	return string(appendString(nil, s))
}
