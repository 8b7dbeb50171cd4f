package password

import (
	"strings"
	"testing"
)

func TestHashVerify(t *testing.T) {
	hash, err := Hash("correct horse", TestParams)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("got hash %q, want PHC argon2id prefix", hash)
	}
	tests := []struct {
		name     string
		password string
		want     bool
	}{
		{"match", "correct horse", true},
		{"mismatch", "correct horsE", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Verify(tt.password, hash)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Verify(%q) = %v, want %v", tt.password, got, tt.want)
			}
		})
	}
}

func TestHashSalted(t *testing.T) {
	a, _ := Hash("same", TestParams)
	b, _ := Hash("same", TestParams)
	if a == b {
		t.Fatalf("two hashes of one password are equal: %q", a)
	}
}

func TestVerifyMalformed(t *testing.T) {
	tests := []string{
		"",
		"plain",
		"$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=18$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=x,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=64,t=1,p=1$!!$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=64,t=0,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
	}
	for _, hash := range tests {
		if ok, err := Verify("x", hash); err != ErrMalformed || ok {
			t.Errorf("Verify(%q) = %v, %v; want false, ErrMalformed", hash, ok, err)
		}
	}
}

func TestNeedsRehash(t *testing.T) {
	hash, _ := Hash("pw", TestParams)
	if NeedsRehash(hash, TestParams) {
		t.Error("NeedsRehash with same params = true, want false")
	}
	if !NeedsRehash(hash, DefaultParams) {
		t.Error("NeedsRehash with stronger params = false, want true")
	}
}

func TestHashRejectsBadParams(t *testing.T) {
	if _, err := Hash("pw", Params{Memory: 64, Time: 0, Threads: 1, SaltLen: 16, KeyLen: 32}); err == nil {
		t.Fatal("Hash with t=0 succeeded, want error")
	}
}
