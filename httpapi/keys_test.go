package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/trailguide/trailguide"
	"github.com/trailguide/trailguide/httpapi"
)

// TestAPIKeys: a secret key is shown once, stored hashed, listed by prefix,
// works as a bearer token on /api/v1 without cookie or CSRF header, within
// its scope, and stops working when revoked. Public keys are refused on
// the API, secret keys on ingest.
func TestAPIKeys(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	admin := e.adminCookie()

	rec := e.do(request{method: "POST", path: "/api/v1/keys", body: `{"name":"CI export"}`, cookie: admin, csrf: true})
	if rec.Code != http.StatusCreated {
		t.Fatalf("create key: %d %s", rec.Code, rec.Body)
	}
	created := decode(t, rec)
	secret := created["secret"].(string)
	key := created["key"].(map[string]any)
	if !strings.HasPrefix(secret, trailguide.SecretKeyPrefix) || len(secret) != len(trailguide.SecretKeyPrefix)+43 {
		t.Fatalf("secret = %q, want tg_sk_ and 43 base64url characters", secret)
	}
	if key["scope"] != trailguide.ScopeRead || key["name"] != "CI export" || !strings.HasPrefix(secret, key["prefix"].(string)) || key["created_by"] != adminEmail {
		t.Errorf("created key = %v", key)
	}
	if _, ok := key["hash"]; ok {
		t.Errorf("key response carries the hash")
	}

	// Stored hashed: the database file holds the hash, never the key.
	stored, err := e.keys.APIKeyByHash(t.Context(), trailguide.HashAPIKey(secret))
	if err != nil || stored.ID != key["id"] {
		t.Fatalf("key by hash: %+v, %v", stored, err)
	}
	if stored.Hash == secret || strings.Contains(stored.Hash, secret[len(trailguide.SecretKeyPrefix):]) {
		t.Fatalf("stored hash contains the key")
	}

	// Listed without the secret.
	rec = e.do(request{method: "GET", path: "/api/v1/keys", cookie: admin})
	if rec.Code != 200 || strings.Contains(rec.Body.String(), secret) || !strings.Contains(rec.Body.String(), key["prefix"].(string)) {
		t.Fatalf("list keys: %d %s", rec.Code, rec.Body)
	}

	bearer := func(token string) map[string]string { return map[string]string{"Authorization": "Bearer " + token} }
	tests := []struct {
		name   string
		req    request
		status int
		json   map[string]any
	}{
		{"read with key", request{method: "GET", path: "/api/v1/projects/proj0001", headers: bearer(secret)}, 200, nil},
		{"list with key", request{method: "GET", path: "/api/v1/projects/proj0001/sessions", headers: bearer(secret)}, 200, nil},
		{"lower-case scheme", request{method: "GET", path: "/api/v1/projects", headers: map[string]string{"Authorization": "bearer " + secret}}, 200, nil},
		{"key cannot manage keys", request{method: "GET", path: "/api/v1/keys", headers: bearer(secret)}, 403, map[string]any{"error": "forbidden"}},
		{"key is no user", request{method: "GET", path: "/api/v1/me", headers: bearer(secret)}, 403, nil},
		{"read key cannot write (no csrf needed to get that far)", request{method: "PUT", path: "/api/v1/projects/proj0001/settings", body: `{"friction":{}}`, headers: bearer(secret)}, 403, nil},
		{"key wins over cookie", request{method: "GET", path: "/api/v1/keys", headers: bearer(secret), cookie: admin}, 403, nil},
		{"public key on api", request{method: "GET", path: "/api/v1/projects", headers: bearer(testKey)}, 401, map[string]any{"error": "unauthorized", "reason": "public_key"}},
		{"unknown secret key", request{method: "GET", path: "/api/v1/projects", headers: bearer(httpapi.NewSecretKey())}, 401, map[string]any{"reason": "api_key"}},
		{"not bearer", request{method: "GET", path: "/api/v1/projects", headers: map[string]string{"Authorization": "Basic YWRtaW46YWRtaW4="}}, 401, map[string]any{"reason": "authorization"}},
		{"empty bearer", request{method: "GET", path: "/api/v1/projects", headers: map[string]string{"Authorization": "Bearer "}}, 401, map[string]any{"reason": "authorization"}},
		{"secret key on ingest config", request{method: "GET", path: "/ingest/v1/config?key=" + secret}, 401, map[string]any{"reason": "secret_key"}},
		{"secret key in an ingest batch", request{method: "POST", path: "/ingest/v1/batch", rawBody: batchJSON(batchSpec{Key: secret, Session: "session-secret", Start: testNow(), Duration: time10s}), headers: map[string]string{"Content-Type": "text/plain"}}, 401, map[string]any{"reason": "secret_key"}},
		{"member cannot create keys", request{method: "POST", path: "/api/v1/keys", body: `{"name":"x"}`, cookie: e.login(e.createUser("m@example.com", adminPassword, trailguide.RoleMember).Email, adminPassword), csrf: true}, 403, nil},
		{"bad scope", request{method: "POST", path: "/api/v1/keys", body: `{"name":"x","scope":"admin"}`, cookie: admin, csrf: true}, 400, map[string]any{"reason": "scope"}},
		{"no name", request{method: "POST", path: "/api/v1/keys", body: `{"name":" "}`, cookie: admin, csrf: true}, 400, map[string]any{"reason": "name"}},
	}
	for _, tt := range tests {
		rec := e.do(tt.req)
		if rec.Code != tt.status {
			t.Errorf("%s: status %d, want %d: %s", tt.name, rec.Code, tt.status, rec.Body)
			continue
		}
		checkJSON(t, rec, tt.json)
		if strings.Contains(rec.Body.String(), secret) {
			t.Errorf("%s: response echoes the secret", tt.name)
		}
	}

	// Last use is recorded.
	if k, _ := e.keys.APIKeyByHash(t.Context(), trailguide.HashAPIKey(secret)); k == nil || k.LastUsedAt == nil {
		t.Errorf("last used after use: %+v", k)
	}

	// Revoked: gone from the list, refused from the next request on.
	if rec := e.do(request{method: "DELETE", path: "/api/v1/keys/" + key["id"].(string), cookie: admin, csrf: true}); rec.Code != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", rec.Code, rec.Body)
	}
	if rec := e.do(request{method: "GET", path: "/api/v1/projects", headers: bearer(secret)}); rec.Code != http.StatusUnauthorized {
		t.Errorf("revoked key: status %d, want 401", rec.Code)
	}
	if rec := e.do(request{method: "GET", path: "/api/v1/keys", cookie: admin}); strings.Contains(rec.Body.String(), key["id"].(string)) {
		t.Errorf("revoked key still listed: %s", rec.Body)
	}
	if rec := e.do(request{method: "DELETE", path: "/api/v1/keys/" + key["id"].(string), cookie: admin, csrf: true}); rec.Code != http.StatusNotFound {
		t.Errorf("revoke again: %d, want 404", rec.Code)
	}
}

// TestBearerSkipsCSRFOnlyForBearer: a cookie request still needs the CSRF
// header, a bearer request does not.
func TestBearerSkipsCSRFOnlyForBearer(t *testing.T) {
	e := newTestEnv(t, httpapi.Config{})
	admin := e.adminCookie()
	if rec := e.do(request{method: "POST", path: "/api/v1/keys", body: `{"name":"x"}`, cookie: admin}); rec.Code != http.StatusForbidden {
		t.Errorf("cookie without csrf: %d, want 403", rec.Code)
	}
	// An unknown bearer passes the CSRF check and then fails auth: 401.
	if rec := e.do(request{method: "POST", path: "/api/v1/keys", body: `{"name":"x"}`, headers: map[string]string{"Authorization": "Bearer tg_sk_nope"}}); rec.Code != http.StatusUnauthorized {
		t.Errorf("bearer without csrf: %d, want 401", rec.Code)
	}
}
