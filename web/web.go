// Package web is Catalyst's pages: each person's whole job on GOV.UK-style pages. It is an
// adapter over the service beside the JSON API (package api), whose server it registers its
// routes on, sharing its sign-in, route guards and error mapping: a page and an API call make
// the same service call.
package web

import (
	"github.com/catalyst-sbri/catalyst/api"
)

// Server is the pages' side of the HTTP server.
type Server struct {
	*api.Server
	oidc *oidcClient
}

// Pages registers the pages on the server the API builds: api.New(d, web.Pages).
func Pages(a *api.Server, r api.Routes) {
	s := &Server{Server: a}
	if a.OIDC != nil {
		s.oidc = newOIDCClient(*a.OIDC)
	}
	a.ErrorPage = s.renderError
	s.pageRoutes(r)
}
