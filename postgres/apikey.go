package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/trailguide/trailguide"
)

// APIKeyStore implements trailguide.APIKeyStore.
type APIKeyStore struct {
	db *DB
}

var _ trailguide.APIKeyStore = (*APIKeyStore)(nil)

// NewAPIKeyStore returns the API key store of db.
func NewAPIKeyStore(db *DB) *APIKeyStore { return &APIKeyStore{db: db} }

// touchEvery is how stale last_used_at must be before TouchAPIKey writes.
const touchEvery = time.Minute

// CreateAPIKey stores k. An empty ID is filled with a random one and a zero
// CreatedAt with the DB clock. ECONFLICT when the ID or hash exists,
// ENOTFOUND when the organisation does not.
func (s *APIKeyStore) CreateAPIKey(ctx context.Context, k *trailguide.APIKey) error {
	switch {
	case k == nil || k.Hash == "":
		return trailguide.Invalid("hash", "Key hash required.")
	case k.OrgID == "":
		return trailguide.Invalid("org_id", "Organisation required.")
	case k.Scope != trailguide.ScopeRead && k.Scope != trailguide.ScopeReadWrite:
		return trailguide.Invalid("scope", "Scope must be read or read-write.")
	}
	if k.ID == "" {
		k.ID = randomID()
	}
	if k.CreatedAt.IsZero() {
		k.CreatedAt = s.db.now()
	}
	k.CreatedAt = fromMS(ms(k.CreatedAt))
	k.LastUsedAt = nil
	err := s.db.write(ctx, func(ctx context.Context, tx q) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO api_keys (id, org_id, name, prefix, scope, hash, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, k.ID, k.OrgID, k.Name, k.Prefix, k.Scope, k.Hash, k.CreatedBy, ms(k.CreatedAt))
		switch {
		case isForeignKey(err):
			return trailguide.Errorf(trailguide.ENOTFOUND, "Organisation not found.")
		case isUnique(err):
			return trailguide.Errorf(trailguide.ECONFLICT, "API key already exists.")
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("create api key: %w", err)
	}
	return nil
}

const apiKeyColumns = `id, org_id, name, prefix, scope, hash, created_by, created_at, last_used_at`

func scanAPIKey(sc scanner) (*trailguide.APIKey, error) {
	var (
		k             trailguide.APIKey
		created, used int64
	)
	if err := sc.Scan(&k.ID, &k.OrgID, &k.Name, &k.Prefix, &k.Scope, &k.Hash, &k.CreatedBy, &created, &used); err != nil {
		return nil, err
	}
	k.CreatedAt = fromMS(created)
	if used != 0 {
		t := fromMS(used)
		k.LastUsedAt = &t
	}
	return &k, nil
}

// APIKeyByHash returns the key with hash; ENOTFOUND when unknown or revoked.
func (s *APIKeyStore) APIKeyByHash(ctx context.Context, hash string) (*trailguide.APIKey, error) {
	k, err := scanAPIKey(s.db.reader().QueryRowContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE hash = ?`, hash))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, trailguide.Errorf(trailguide.ENOTFOUND, "API key not found.")
	} else if err != nil {
		return nil, fmt.Errorf("api key by hash: %w", err)
	}
	return k, nil
}

// OrgAPIKeys returns the keys of orgID, oldest first.
func (s *APIKeyStore) OrgAPIKeys(ctx context.Context, orgID string) ([]*trailguide.APIKey, error) {
	rows, err := s.db.reader().QueryContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE org_id = ? ORDER BY created_at, id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("org api keys: %w", err)
	}
	defer rows.Close()
	keys := []*trailguide.APIKey{}
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, fmt.Errorf("org api keys: %w", err)
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("org api keys: %w", err)
	}
	return keys, nil
}

// RevokeAPIKey deletes a key of orgID; ENOTFOUND when unknown or in another
// organisation.
func (s *APIKeyStore) RevokeAPIKey(ctx context.Context, orgID, keyID string) error {
	err := s.db.write(ctx, func(ctx context.Context, tx q) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM api_keys WHERE id = ? AND org_id = ?`, keyID, orgID)
		if err != nil {
			return err
		}
		return mustAffect(res, "API key not found.")
	})
	if err != nil {
		return fmt.Errorf("revoke api key: %w", err)
	}
	return nil
}

// TouchAPIKey sets last_used_at to at unless it is already within
// touchEvery of it. A revoked key is not an error.
func (s *APIKeyStore) TouchAPIKey(ctx context.Context, keyID string, at time.Time) error {
	err := s.db.write(ctx, func(ctx context.Context, tx q) error {
		_, err := tx.ExecContext(ctx, `UPDATE api_keys SET last_used_at = ? WHERE id = ? AND last_used_at <= ?`,
			ms(at), keyID, ms(at.Add(-touchEvery)))
		return err
	})
	if err != nil {
		return fmt.Errorf("touch api key: %w", err)
	}
	return nil
}
