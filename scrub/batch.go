package scrub

import "strings"

// Batch scrubs the values of one ingest batch and counts each distinct
// value once: a page URL with a token appears in the batch's context, in
// rrweb's Meta event and in every signal of the page, and is one leak, not
// four. Counts is what it caught so far. The zero value is ready to use.
type Batch struct {
	Counts Counts
	seen   map[string]struct{}
}

func (b *Batch) caught(val string, n Counts) {
	if _, dup := b.seen[val]; dup {
		return
	}
	if b.seen == nil {
		b.seen = make(map[string]struct{})
	}
	b.seen[strings.Clone(val)] = struct{}{}
	b.Counts.Add(n)
}

// Text is Text, counting distinct values.
func (b *Batch) Text(s string) string {
	out, n := Text(s)
	if n.Total() > 0 {
		b.caught(s, n)
	}
	return out
}

// URL is URL, counting distinct values.
func (b *Batch) URL(s string) string {
	out, n := URL(s)
	if n.Total() > 0 {
		b.caught(s, n)
	}
	return out
}

// JSON is JSON, counting distinct string values across the batch.
func (b *Batch) JSON(doc []byte) []byte {
	var pending []struct {
		val string
		n   Counts
	}
	out := jsonScrub(doc, func(val string, n Counts) {
		pending = append(pending, struct {
			val string
			n   Counts
		}{strings.Clone(val), n})
	})
	if len(out) == 0 || &out[0] == &doc[0] {
		return doc // unchanged, or not JSON after all: nothing counted
	}
	for _, p := range pending {
		b.caught(p.val, p.n)
	}
	return out
}
