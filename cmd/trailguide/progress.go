package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progress draws one line of progress on stderr for long commands (backup,
// restore, import, export): a bar when the total is known, a count
// otherwise. It draws only when enabled (stderr is a terminal, or
// --progress), at most ten times a second, and ends with a newline.
type progress struct {
	w       io.Writer
	label   string
	total   int64
	n       int64
	enabled bool
	last    time.Time
	started time.Time
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// newProgress returns a progress line for total units (0: unknown).
func newProgress(w io.Writer, enabled bool, label string, total int64) *progress {
	return &progress{w: w, label: label, total: total, enabled: enabled, started: time.Now()}
}

// Add counts n more units done.
func (p *progress) Add(n int64) {
	p.n += n
	if !p.enabled || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	p.draw()
}

func (p *progress) draw() {
	if p.total > 0 {
		const width = 30
		done := int(float64(width) * float64(min(p.n, p.total)) / float64(p.total))
		fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d", p.label, strings.Repeat("=", done), strings.Repeat(" ", width-done), p.n, p.total)
		return
	}
	fmt.Fprintf(p.w, "\r%s %d", p.label, p.n)
}

// Done draws the final state and ends the line.
func (p *progress) Done() {
	if !p.enabled {
		return
	}
	p.draw()
	fmt.Fprintf(p.w, " (%s)\n", time.Since(p.started).Round(time.Millisecond))
}
