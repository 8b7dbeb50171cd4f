// Package web embeds the built browser bundles (web/dist): the SDK, the
// dashboard and the demo app. They are built by `make dist` and committed, so
// `go build` needs no Node; CI rebuilds them and fails on drift.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist returns the built bundles rooted at web/dist: sdk/, dashboard/, demo/.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // the embed directive guarantees the directory
	}
	return sub
}
