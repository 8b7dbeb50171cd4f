package recording

import (
	"fmt"
	"strings"
)

// BlobKey is the key of the chunk of one batch:
// "{project}/{session}/{window}/{seq:012d}.zst". Zero-padding keeps a
// window's chunks in seq order under List.
func BlobKey(projectID, sessionID, windowID string, seq int64) string {
	return fmt.Sprintf("%s/%s/%s/%012d.zst", projectID, sessionID, windowID, seq)
}

// CompactKey is the key of a compacted chunk covering seqs from..to:
// "{project}/{session}/{window}/c-{from:012d}-{to:012d}.zst".
func CompactKey(projectID, sessionID, windowID string, from, to int64) string {
	return fmt.Sprintf("%s/%s/%s/c-%012d-%012d.zst", projectID, sessionID, windowID, from, to)
}

// SessionPrefix is the key prefix of every chunk of a session, for List and
// erasure.
func SessionPrefix(projectID, sessionID string) string {
	return projectID + "/" + sessionID + "/"
}

// IsCompactKey reports whether key names a compacted chunk.
func IsCompactKey(key string) bool {
	return strings.HasPrefix(key[strings.LastIndexByte(key, '/')+1:], "c-")
}
