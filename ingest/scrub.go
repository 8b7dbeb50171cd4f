package ingest

import (
	"strings"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/scrub"
)

// scrubBatch runs the server's scrubber (package scrub) over everything in a
// validated batch that came from the page: the rrweb events (string values,
// stylesheets skipped), the signals' URLs and texts, and the context's URLs
// and UTM values. It rewrites b in place and returns what it caught, by
// kind, attributed to the batch's page path.
//
// identify()'s user id and traits are left alone: the site's own code sets
// them on purpose (erasure finds a user by that id), they are not captured
// page content.
func scrubBatch(b *trailguide.Batch) []trailguide.ScrubCount {
	// One scrub.Batch per batch: a value that occurs in several places (a
	// page URL in the context, the Meta event and every signal) counts once.
	var sb scrub.Batch
	for i, ev := range b.Events {
		b.Events[i] = sb.JSON(ev)
	}
	url := func(s *string) {
		if *s != "" {
			*s = sb.URL(*s)
		}
	}
	text := func(s *string) {
		if *s != "" {
			*s = sb.Text(*s)
		}
	}
	for i := range b.Signals {
		s := &b.Signals[i]
		url(&s.URL)
		url(&s.Referrer)
		url(&s.Source)
		text(&s.Title)
		text(&s.Selector)
		text(&s.Text)
		text(&s.Name)
		text(&s.Stack)
		for k, v := range s.Props {
			if str, ok := v.(string); ok && str != "" {
				s.Props[k] = sb.Text(str)
			}
		}
	}
	if ctx := b.Context; ctx != nil {
		url(&ctx.URL)
		url(&ctx.Referrer)
		for _, p := range []*string{&ctx.UTM.Source, &ctx.UTM.Medium, &ctx.UTM.Campaign, &ctx.UTM.Term, &ctx.UTM.Content} {
			text(p)
		}
	}
	c := sb.Counts
	if c.Total() == 0 {
		return nil
	}
	path := pagePath(b)
	var out []trailguide.ScrubCount
	for _, k := range scrub.Kinds {
		if n := c.Of(k); n > 0 {
			out = append(out, trailguide.ScrubCount{Kind: k, Path: path, Count: n})
		}
	}
	return out
}

// maxPathLen bounds the stored page path.
const maxPathLen = 200

// pagePath is the path of the page a batch came from (its context, else its
// last signal with a URL), already scrubbed, with every segment holding a
// digit generalised to "*" so that /orders/123 and /orders/456 count
// together and the table stays small.
func pagePath(b *trailguide.Batch) string {
	u := ""
	if b.Context != nil {
		u = b.Context.URL
	}
	for i := len(b.Signals) - 1; u == "" && i >= 0; i-- {
		u = b.Signals[i].URL
	}
	if u == "" {
		return ""
	}
	if k := strings.IndexAny(u, "?#"); k >= 0 {
		u = u[:k]
	}
	if k := strings.Index(u, "://"); k >= 0 {
		rest := u[k+3:]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			u = rest[j:]
		} else {
			u = "/"
		}
	}
	segs := strings.Split(u, "/")
	for i, s := range segs {
		if strings.ContainsAny(s, "0123456789") || s == scrub.Redacted {
			segs[i] = "*"
		}
	}
	u = strings.Join(segs, "/")
	if u == "" {
		u = "/"
	}
	return truncate(u, maxPathLen)
}
