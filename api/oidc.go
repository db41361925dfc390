package api

import (
	"crypto"
	"net/http"
)

// OIDCConfig configures sign-in with any standard OpenID Connect provider: GOV.UK One Login for
// suppliers, a department's provider for staff. The provider proves who someone is; their
// roles come from Catalyst's own records.
type OIDCConfig struct {
	Issuer   string
	ClientID string
	// ClientSecret authenticates Catalyst to the provider with client_secret_basic...
	ClientSecret string
	// ...or PrivateKey with private_key_jwt (RFC 7523), as GOV.UK One Login requires.
	PrivateKey crypto.Signer
	KeyID      string
	// RedirectURL is Catalyst's /sign-in/oidc/callback as the provider knows it.
	RedirectURL string
	Scopes      []string
	// Name is what the sign-in button calls the provider.
	Name string
	// HTTPClient reaches the provider (tests use one that trusts their provider).
	HTTPClient *http.Client
}
