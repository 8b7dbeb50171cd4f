// Package password hashes and verifies dashboard passwords with argon2id,
// stored as PHC strings ($argon2id$v=19$m=19456,t=2,p=1$salt$hash) so that
// the parameters travel with every hash and can be raised later without
// invalidating existing accounts.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultParams follow the OWASP minimum for argon2id (m=19 MiB, t=2, p=1):
// strong enough for a self-hosted dashboard and cheap enough for 2 cores.
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// TestParams are deliberately weak parameters for tests only.
var TestParams = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// ErrMalformed is returned by Verify for a string that is not an argon2id
// PHC hash this package can read.
var ErrMalformed = errors.New("password: malformed argon2id hash")

// maxMemory bounds the memory a stored hash may ask for (4 GiB), so that a
// corrupted row cannot make Verify allocate without limit.
const maxMemory = 4 * 1024 * 1024

// Hash returns the PHC string of password under p, with a random salt.
func Hash(password string, p Params) (string, error) {
	if err := p.validate(); err != nil {
		return "", err
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: read salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return encode(p, salt, key), nil
}

// Verify reports whether password matches the PHC hash. The comparison is
// constant-time; a malformed hash returns ErrMalformed.
func Verify(password, hash string) (bool, error) {
	p, salt, key, err := decode(hash)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether hash was made with parameters other than p.
func NeedsRehash(hash string, p Params) bool {
	hp, salt, key, err := decode(hash)
	if err != nil {
		return true
	}
	return hp.Memory != p.Memory || hp.Time != p.Time || hp.Threads != p.Threads ||
		uint32(len(salt)) != p.SaltLen || uint32(len(key)) != p.KeyLen
}

func (p Params) validate() error {
	switch {
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory:
		return fmt.Errorf("password: memory %d KiB out of range", p.Memory)
	case p.Time < 1:
		return errors.New("password: time must be at least 1")
	case p.Threads < 1:
		return errors.New("password: threads must be at least 1")
	case p.SaltLen < 8:
		return errors.New("password: salt must be at least 8 bytes")
	case p.KeyLen < 16:
		return errors.New("password: key must be at least 16 bytes")
	}
	return nil
}

var b64 = base64.RawStdEncoding

func encode(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

func decode(hash string) (p Params, salt, key []byte, err error) {
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, key
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, ErrMalformed
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, ErrMalformed
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, ErrMalformed
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil {
		return p, nil, nil, ErrMalformed
	}
	if key, err = b64.DecodeString(parts[5]); err != nil {
		return p, nil, nil, ErrMalformed
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	if p.validate() != nil {
		return p, nil, nil, ErrMalformed
	}
	return p, salt, key, nil
}
