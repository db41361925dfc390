package authz

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// TokenPrefix marks Catalyst's API tokens, so a leaked one is easy to recognise and scan for.
const TokenPrefix = "cat_"

// RandomSecret is 32 random bytes, URL-safe: for session cookies, CSRF tokens and API tokens.
func RandomSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// NewAPIToken is a fresh API token's secret.
func NewAPIToken() string { return TokenPrefix + RandomSecret() }

// HashSecret is what is stored of a secret: its SHA-256, so a copy of the database cannot be
// used to sign in.
func HashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
