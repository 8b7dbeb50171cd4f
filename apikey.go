package trailguide

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// Key prefixes. A project's public ingest key starts with PublicKeyPrefix;
// a secret API key with SecretKeyPrefix, so that each kind can be told
// apart (and refused where it does not belong) without a lookup.
const (
	PublicKeyPrefix = "tg_"
	SecretKeyPrefix = "tg_sk_"
)

// API key scopes: what a secret key may do on /api/v1.
const (
	ScopeRead      = "read"       // like a viewer
	ScopeReadWrite = "read-write" // like a member; never admin
)

// IsSecretKey reports whether key has the shape of a secret API key.
func IsSecretKey(key string) bool { return strings.HasPrefix(key, SecretKeyPrefix) }

// HashAPIKey is the stored form of a secret key: the hex SHA-256 of the
// whole key. The key is 256 random bits, so a fast hash is enough; the
// database never holds the key itself.
func HashAPIKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// APIKey is a secret key of an organisation for the JSON API. The key
// itself is shown once at creation; Prefix (its first characters) lets
// people recognise it in lists.
type APIKey struct {
	ID         string     `json:"id"`
	OrgID      string     `json:"org_id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Scope      string     `json:"scope"`
	Hash       string     `json:"-"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// APIKeyStore persists secret API keys. Revoked keys are gone: they are
// neither listed nor found.
type APIKeyStore interface {
	// CreateAPIKey stores k; ECONFLICT when the ID or hash exists.
	CreateAPIKey(ctx context.Context, k *APIKey) error
	// APIKeyByHash returns the key with the hash; ENOTFOUND when unknown
	// or revoked.
	APIKeyByHash(ctx context.Context, hash string) (*APIKey, error)
	// OrgAPIKeys returns the keys of one organisation, oldest first.
	OrgAPIKeys(ctx context.Context, orgID string) ([]*APIKey, error)
	// RevokeAPIKey deletes a key of orgID; ENOTFOUND when unknown or in
	// another organisation.
	RevokeAPIKey(ctx context.Context, orgID, keyID string) error
	// TouchAPIKey records a use at `at`. It may skip the write when the
	// recorded use is recent (within a minute), to spare the writer.
	TouchAPIKey(ctx context.Context, keyID string, at time.Time) error
}
