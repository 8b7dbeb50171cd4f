package recording

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"

	"github.com/trailguide/trailguide"
)

// Stylesheets that rrweb inlines into snapshots (`_cssText`) are most of a
// recording's bytes (41 % of the demo recordings) and they repeat on every
// page load of every session of a site. At compaction they move into
// content-addressed assets shared by the project's sessions; the compacted
// chunk keeps a reference, and reading puts the stylesheet back, byte for
// byte.

// AssetMinBytes is the smallest stylesheet worth sharing.
const AssetMinBytes = 1024

var (
	cssKey    = []byte(`"_cssText":`)
	refPrefix = []byte(`"tg-asset:`)
)

const refLen = len(`"tg-asset:`) + 64 + 1 // prefix, sha-256 hex, closing quote

// AssetKey is where a project's shared asset lives in the BlobStore.
func AssetKey(projectID, id string) string {
	return projectID + "/assets/" + id + ".zst"
}

// ExtractAssets replaces every `_cssText` string of at least AssetMinBytes
// (and any that starts like a reference) with a reference to a
// content-addressed asset. It returns the rewritten
// events and the assets by id; an asset is the JSON string literal as
// recorded, quotes included. Events without such a string are returned as
// they are.
func ExtractAssets(events []json.RawMessage) ([]json.RawMessage, map[string][]byte) {
	assets := map[string][]byte{}
	out := make([]json.RawMessage, len(events))
	for i, ev := range events {
		out[i] = ev
		if !bytes.Contains(ev, cssKey) {
			continue
		}
		var b []byte
		last := 0
		for at := 0; ; {
			j := bytes.Index(ev[at:], cssKey)
			if j < 0 {
				break
			}
			start := at + j + len(cssKey)
			if start >= len(ev) || ev[start] != '"' {
				at = start
				continue
			}
			end, ok := skipString(ev, start)
			if !ok {
				break
			}
			at = end
			// a stylesheet that reads like a reference is shared however
			// small, or reading would take it for one (FuzzAssetsRoundTrip)
			if end-start < AssetMinBytes && !bytes.HasPrefix(ev[start:end], refPrefix) {
				continue
			}
			lit := ev[start:end]
			sum := sha256.Sum256(lit)
			id := hex.EncodeToString(sum[:])
			assets[id] = lit
			b = append(b, ev[last:start]...)
			b = append(b, refPrefix...)
			b = append(b, id...)
			b = append(b, '"')
			last = end
		}
		if b != nil {
			out[i] = append(b, ev[last:]...)
		}
	}
	return out, assets
}

// InlineAssets puts the referenced assets back; load returns an asset's
// literal by id.
func InlineAssets(events []json.RawMessage, load func(id string) ([]byte, error)) ([]json.RawMessage, error) {
	for i, ev := range events {
		if !bytes.Contains(ev, refPrefix) {
			continue
		}
		var b []byte
		last := 0
		for at := 0; ; {
			j := bytes.Index(ev[at:], cssKey)
			if j < 0 {
				break
			}
			start := at + j + len(cssKey)
			at = start
			if !bytes.HasPrefix(ev[start:], refPrefix) || start+refLen > len(ev) || ev[start+refLen-1] != '"' {
				continue
			}
			id := string(ev[start+len(refPrefix) : start+refLen-1])
			if _, err := hex.DecodeString(id); err != nil || len(id) != 64 {
				continue
			}
			lit, err := load(id)
			if err != nil {
				return nil, fmt.Errorf("asset %s: %w", id, err)
			}
			b = append(b, ev[last:start]...)
			b = append(b, lit...)
			last = start + refLen
			at = last
		}
		if b != nil {
			events[i] = append(b, ev[last:]...)
		}
	}
	return events, nil
}

// PutAssets stores the assets that the project does not have yet.
func PutAssets(ctx context.Context, blobs trailguide.BlobStore, projectID string, assets map[string][]byte) error {
	for id, lit := range assets {
		key := AssetKey(projectID, id)
		rc, err := blobs.Get(ctx, key)
		if err == nil {
			rc.Close()
			continue
		} else if trailguide.ErrorCode(err) != trailguide.ENOTFOUND {
			return fmt.Errorf("look up asset %s: %w", id, err)
		}
		data, err := encodeBest(lit)
		if err != nil {
			return err
		}
		if err := blobs.Put(ctx, key, data); err != nil {
			return fmt.Errorf("put asset %s: %w", id, err)
		}
	}
	return nil
}

// assetLoader reads a project's assets from the BlobStore, each once.
func assetLoader(ctx context.Context, blobs trailguide.BlobStore, projectID string) func(string) ([]byte, error) {
	cache := map[string][]byte{}
	return func(id string) ([]byte, error) {
		if lit, ok := cache[id]; ok {
			return lit, nil
		}
		rc, err := blobs.Get(ctx, AssetKey(projectID, id))
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		data, err := io.ReadAll(rc)
		if err != nil {
			return nil, err
		}
		lit, err := decodeBytes(data)
		if err != nil {
			return nil, err
		}
		cache[id] = lit
		return lit, nil
	}
}
