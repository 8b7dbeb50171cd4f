//go:build race

package ingest

// raceEnabled relaxes timing assertions: the race detector slows
// decompression several times.
const raceEnabled = true
