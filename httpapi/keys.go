package httpapi

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/trailguide/trailguide"
)

// keyTouchEvery is how often a key's last use is written at most.
const keyTouchEvery = time.Minute

// keyPrefixLen is how much of a secret key is kept to recognise it.
const keyPrefixLen = len(trailguide.SecretKeyPrefix) + 6

// NewSecretKey returns a fresh secret API key: "tg_sk_" and 256 random bits
// in base64url (43 characters).
func NewSecretKey() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return trailguide.SecretKeyPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// handleListKeys lists the API keys of the caller's organisation.
func (s *Server) handleListKeys(w http.ResponseWriter, r *http.Request) {
	if s.deps.Keys == nil {
		s.Error(w, r, trailguide.Errorf(trailguide.EUNAVAILABLE, "API keys are not available."))
		return
	}
	keys, err := s.deps.Keys.OrgAPIKeys(r.Context(), principalFrom(r.Context()).OrgID)
	if err != nil {
		s.Error(w, r, fmt.Errorf("list api keys: %w", err))
		return
	}
	if keys == nil {
		keys = []*trailguide.APIKey{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"keys": keys})
}

// createKeyResponse carries the secret, which no other response ever shows.
type createKeyResponse struct {
	Key    *trailguide.APIKey `json:"key"`
	Secret string             `json:"secret"`
}

// handleCreateKey makes a secret API key. Only its SHA-256 is stored; the
// key itself is in this response and nowhere else.
func (s *Server) handleCreateKey(w http.ResponseWriter, r *http.Request) {
	if s.deps.Keys == nil {
		s.Error(w, r, trailguide.Errorf(trailguide.EUNAVAILABLE, "API keys are not available."))
		return
	}
	var in struct {
		Name  string `json:"name"`
		Scope string `json:"scope"`
	}
	if err := s.decodeJSON(w, r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	name := strings.TrimSpace(in.Name)
	if name == "" || utf8.RuneCountInString(name) > 100 {
		s.Error(w, r, trailguide.Invalid("name", "Key name must be 1 to 100 characters long."))
		return
	}
	if in.Scope == "" {
		in.Scope = trailguide.ScopeRead
	}
	if grants[keyGrant(in.Scope)] == nil {
		s.Error(w, r, trailguide.Invalid("scope", "Scope must be read or read-write."))
		return
	}
	p := principalFrom(r.Context())
	createdBy := ""
	if p.User != nil {
		createdBy = p.User.Email
	}
	secret := NewSecretKey()
	k := &trailguide.APIKey{
		ID:        NewID(),
		OrgID:     p.OrgID,
		Name:      name,
		Prefix:    secret[:keyPrefixLen],
		Scope:     in.Scope,
		Hash:      trailguide.HashAPIKey(secret),
		CreatedBy: createdBy,
		CreatedAt: s.now().UTC(),
	}
	if err := s.deps.Keys.CreateAPIKey(r.Context(), k); err != nil {
		s.Error(w, r, fmt.Errorf("create api key: %w", err))
		return
	}
	s.logger.Info("api key created", "key_id", k.ID, "scope", k.Scope, "by", p.actor())
	writeJSON(w, http.StatusCreated, createKeyResponse{Key: k, Secret: secret})
}

// handleRevokeKey deletes a key of the caller's organisation; requests
// with it fail from then on.
func (s *Server) handleRevokeKey(w http.ResponseWriter, r *http.Request) {
	if s.deps.Keys == nil {
		s.Error(w, r, trailguide.Errorf(trailguide.EUNAVAILABLE, "API keys are not available."))
		return
	}
	p := principalFrom(r.Context())
	id := r.PathValue("kid")
	if err := s.deps.Keys.RevokeAPIKey(r.Context(), p.OrgID, id); err != nil {
		s.Error(w, r, fmt.Errorf("revoke api key: %w", err))
		return
	}
	s.logger.Info("api key revoked", "key_id", id, "by", p.actor())
	w.WriteHeader(http.StatusNoContent)
}
