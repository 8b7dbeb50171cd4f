package recording

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
)

// AssetRefs returns the sorted, distinct ids of the shared assets that
// events (as stored, references not inlined) point to. The asset garbage
// collector keeps exactly the assets some chunk references.
func AssetRefs(events []json.RawMessage) []string {
	seen := map[string]bool{}
	for _, ev := range events {
		for at := 0; ; {
			j := bytes.Index(ev[at:], refPrefix)
			if j < 0 {
				break
			}
			start := at + j
			at = start + len(refPrefix)
			if start+refLen > len(ev) || ev[start+refLen-1] != '"' {
				continue
			}
			id := string(ev[start+len(refPrefix) : start+refLen-1])
			if _, err := hex.DecodeString(id); err == nil && len(id) == 64 {
				seen[id] = true
			}
		}
	}
	ids := make([]string, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// AssetID returns the id of an asset key ("{project}/assets/{id}.zst") and
// whether key is one.
func AssetID(projectID, key string) (string, bool) {
	id, ok := strings.CutPrefix(key, projectID+"/assets/")
	if !ok {
		return "", false
	}
	return strings.CutSuffix(id, ".zst")
}
