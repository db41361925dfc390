package web

import (
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/api"
)

// Every page is registered with its guard, as the API's routes are: one added past the routes
// helper would be refused to everyone.
func TestEveryPageHasAnAccessRule(t *testing.T) {
	var srv *api.Server
	e, err := api.New(api.Deps{SessionKey: make([]byte, 32), DevSignIn: true, OIDC: &api.OIDCConfig{Issuer: "https://id.example"}},
		Pages, func(s *api.Server, _ api.Routes) { srv = s })
	if err != nil {
		t.Fatal(err)
	}
	pages := 0
	for _, r := range e.Routes() {
		if strings.HasPrefix(r.Method, "echo_") {
			continue
		}
		if !srv.Guarded(r.Method, r.Path) {
			t.Errorf("%s %s was registered without its access: register it with the routes' Get or Post", r.Method, r.Path)
		}
		if !strings.HasPrefix(r.Path, "/api/") {
			pages++
		}
	}
	if pages < 50 {
		t.Errorf("only %d pages registered", pages)
	}
}
