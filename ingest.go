package trailguide

import (
	"context"
	"encoding/json"
	"time"
)

// IngestRequest is one POST /ingest/v1/batch as httpapi hands it to the
// ingest service: the body already read under the compressed-size limit.
// The body is gzip when it starts with the gzip magic bytes (sendBeacon
// cannot set Content-Encoding), plain JSON otherwise.
type IngestRequest struct {
	Body            []byte
	ContentEncoding string // as sent; "" or "gzip" or "identity" are accepted
	Origin          string
	UserAgent       string
	ReceivedAt      time.Time
}

// IngestResult is what the SDK is told: Ack is the acknowledged seq, Stop
// asks it to stop sending for this page load, Snapshot for a full snapshot.
type IngestResult struct {
	Ack       int64 `json:"ack"`
	Duplicate bool  `json:"-"`
	Stop      bool  `json:"stop,omitempty"`
	// Snapshot asks the SDK for a fresh full snapshot: the batch before this
	// one in its window is missing, so what follows needs one to replay.
	Snapshot bool `json:"snapshot,omitempty"`
}

// IngestService accepts batches. Ingest returns only once the batch is
// durable (or was already committed before). Errors: EUNAUTHORIZED for an
// unknown key, EINVALID with a Reason for schema violations, ETOOLARGE over
// the decompressed limit, EUNSUPPORTED for an unknown encoding,
// EUNAVAILABLE when the server cannot persist right now.
type IngestService interface {
	Ingest(ctx context.Context, req *IngestRequest) (*IngestResult, error)
	// Config returns the SDK configuration of the project with this public
	// key for a page of origin (the request's Origin header; "" when the
	// browser sent none, as for a same-origin GET); EUNAUTHORIZED when
	// unknown, EFORBIDDEN (reason "origin") when the project's allowed
	// origins exclude a non-empty origin.
	Config(ctx context.Context, publicKey, origin string) (*SDKConfig, error)
}

// Masking modes.
const (
	MaskBalanced = "balanced"
	MaskStrict   = "strict"
	MaskRelaxed  = "relaxed"
)

// SDKConfig is served by GET /ingest/v1/config?key=.
type SDKConfig struct {
	SampleRate float64    `json:"sample_rate"` // 0..1 of sessions recorded
	Mask       MaskConfig `json:"mask"`
	// Friction is the project's effective friction config (every field of
	// friction.Config, the project's settings merged over the defaults) for
	// the SDK's live detector; omitted, the SDK uses its built-in defaults.
	Friction json.RawMessage `json:"friction,omitempty"`
}

// MaskConfig is a project's privacy rules delivered to the SDK, and the
// privacy settings an admin edits (docs/PRIVACY.md).
type MaskConfig struct {
	Mode           string   `json:"mode"`
	MaskSelectors  []string `json:"mask_selectors"`
	BlockSelectors []string `json:"block_selectors"`
	// UnmaskSelectors: elements whose text and values are recorded as they
	// are (never-recorded fields excepted). Validated by privacy.ParseConfig.
	UnmaskSelectors []string `json:"unmask_selectors"`
}
