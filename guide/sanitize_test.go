package guide

import (
	"strings"
	"testing"

	"github.com/trailguide/trailguide"
)

func TestSanitizeHTML(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "Pick a plan", "Pick a plan"},
		{"subset kept", "<b>Bold</b> <i>it</i> <strong>s</strong> <em>e</em><br>", "<b>Bold</b> <i>it</i> <strong>s</strong> <em>e</em><br>"},
		{"lists", "<ul><li>one<li>two</ul>", "<ul><li>one<li>two</li></li></ul>"},
		{"script dropped with content", `Hi<script>alert(1)</script> there`, "Hi there"},
		{"script case and spaces", `<SCRIPT type="x">alert(1)</SCRIPT >ok`, "ok"},
		{"unclosed script drops the rest", `a<script>alert(1)`, "a"},
		{"event handler attribute", `<b onclick="alert(1)">x</b>`, "<b>x</b>"},
		{"img with onerror", `<img src=x onerror=alert(1)>after`, "after"},
		{"svg onload", `<svg onload=alert(1)><circle/></svg>t`, "t"},
		{"javascript link", `<a href="javascript:alert(1)">x</a>`, "x"},
		{"entity-obfuscated javascript", `<a href="jav&#x61;script:alert(1)">x</a>`, "x"},
		{"tab-obfuscated javascript", "<a href=\"java\tscript:alert(1)\">x</a>", "x"},
		{"data link", `<a href="data:text/html,<script>alert(1)</script>">x</a>`, "x"},
		{"relative link", `<a href="/x">x</a>`, "x"},
		{"https link", `<a href="https://example.com/a?b=1&amp;c=2" target="_top">docs</a>`, `<a href="https://example.com/a?b=1&amp;c=2">docs</a>`},
		{"mailto link", `<a href='mailto:help@example.com'>mail</a>`, `<a href="mailto:help@example.com">mail</a>`},
		{"quote in href escaped", `<a href='https://e.com/"><script>'>x</a>`, `<a href="https://e.com/&#34;&gt;&lt;script&gt;">x</a>`},
		{"unknown tag text kept", `<div class="x"><span>t</span></div>`, "t"},
		{"style attr dropped", `<p style="background:url(javascript:x)">p</p>`, "<p>p</p>"},
		{"comment", `a<!-- <script>x</script> -->b`, "ab"},
		{"lone lt", `1 < 2 & 3 > 2`, "1 &lt; 2 &amp; 3 &gt; 2"},
		{"entities canonical", `&lt;b&gt; &amp;`, "&lt;b&gt; &amp;"},
		{"unclosed tags closed", `<b><i>x`, "<b><i>x</i></b>"},
		{"stray close ignored", `x</b></li>`, "x"},
		{"misnested", `<b><i>x</b>y</i>`, "<b><i>x</i></b>y"},
		{"broken tag is text", `<b`, "&lt;b"},
		{"doctype dropped", `<!doctype html>x`, "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SanitizeHTML(tt.in)
			if got != tt.want {
				t.Fatalf("SanitizeHTML(%q):\ngot  %q\nwant %q", tt.in, got, tt.want)
			}
			if again := SanitizeHTML(got); again != got {
				t.Fatalf("not idempotent: %q -> %q", got, again)
			}
		})
	}
}

// FuzzSanitizeHTML: whatever the input, the output holds no tag outside the
// subset and no attribute but a safe href.
func FuzzSanitizeHTML(f *testing.F) {
	for _, s := range []string{"<b>x</b>", `<a href="javascript:1">`, "<script>x</script>", "<<b>>", `<a href=https://x onclick=y>`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := SanitizeHTML(s)
		rest := out
		for {
			i := strings.IndexByte(rest, '<')
			if i < 0 {
				break
			}
			rest = rest[i:]
			gt := strings.IndexByte(rest, '>')
			if gt < 0 {
				t.Fatalf("unterminated tag in %q", out)
			}
			tag := rest[1:gt]
			rest = rest[gt+1:]
			tag = strings.TrimPrefix(tag, "/")
			name, attr, _ := strings.Cut(tag, " ")
			if !allowed[name] {
				t.Fatalf("tag %q in %q", name, out)
			}
			if attr != "" && (name != "a" || !strings.HasPrefix(attr, `href="`)) {
				t.Fatalf("attribute %q in %q", attr, out)
			}
		}
	})
}

func TestPrepareSanitisesEverySave(t *testing.T) {
	g := &trailguide.Guide{Name: "x", Type: trailguide.GuideModal, Steps: []trailguide.GuideStep{{Title: "T", Body: `<b>ok</b><script>alert(1)</script>`}}}
	if err := Prepare(g); err != nil {
		t.Fatal(err)
	}
	if g.Steps[0].Body != "<b>ok</b>" {
		t.Fatalf("body: got %q", g.Steps[0].Body)
	}
	if g.Holdout() != 10 || g.Status != trailguide.GuideDraft || g.Frequency.Mode != trailguide.FrequencyOnce {
		t.Fatalf("defaults: holdout %d status %q frequency %q", g.Holdout(), g.Status, g.Frequency.Mode)
	}
	bad := []*trailguide.Guide{
		{Name: "x", Type: "popup", Steps: []trailguide.GuideStep{{Title: "T"}}},
		{Name: "x", Type: trailguide.GuideTooltip, Steps: []trailguide.GuideStep{{Title: "T"}}},
		{Name: "x", Type: trailguide.GuideModal, Steps: []trailguide.GuideStep{{Title: "T", Buttons: []trailguide.GuideButton{{Label: "Go", Action: "link", URL: "javascript:alert(1)"}}}}},
		{Name: "x", Type: trailguide.GuideModal, Steps: []trailguide.GuideStep{{Title: "T", Image: "javascript:x"}}},
		{Name: "x", Type: trailguide.GuideModal, Steps: []trailguide.GuideStep{{Title: "T"}, {Title: "U"}}},
	}
	for i, g := range bad {
		if err := Prepare(g); trailguide.ErrorCode(err) != trailguide.EINVALID {
			t.Errorf("bad[%d]: got %v, want EINVALID", i, err)
		}
	}
}
