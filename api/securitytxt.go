package api

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// securityTxtLife is how far ahead a served security.txt says it expires: RFC 9116 asks for
// less than a year, and the file is made afresh on each request from the configuration.
const securityTxtLife = 180 * 24 * time.Hour

// securityTxt serves /.well-known/security.txt (RFC 9116): whom to tell of a vulnerability.
func (s *Server) securityTxt(c echo.Context) error {
	if s.SecurityContact == "" {
		return echo.ErrNotFound
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Contact: %s\n", s.SecurityContact)
	fmt.Fprintf(&b, "Expires: %s\n", time.Now().UTC().Add(securityTxtLife).Truncate(time.Second).Format(time.RFC3339))
	b.WriteString("Preferred-Languages: en\n")
	if s.PublicURL != "" {
		base := strings.TrimRight(s.PublicURL, "/")
		fmt.Fprintf(&b, "Canonical: %s/.well-known/security.txt\n", base)
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=86400")
	return c.Blob(http.StatusOK, "text/plain; charset=utf-8", []byte(b.String()))
}
