package api

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/translog"
)

// The public transparency log, served as c2sp.org/tlog-tiles says, so that existing verifiers
// and witnesses read it unchanged: /log/checkpoint, /log/tile/<L>/<N>[.p/<W>],
// /log/tile/entries/<N>[.p/<W>], and the verifier key at /log/vkey. Anyone may fetch them.

func (s *Server) logCheckpoint(c echo.Context) error {
	cp, err := s.Svc.LogCheckpoint(c.Request().Context())
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.Blob(http.StatusOK, "text/plain; charset=utf-8", []byte(cp.Note))
}

func (s *Server) logVerifierKey(c echo.Context) error {
	if s.LogVerifierKey == "" {
		return NotFound("verifier key", "")
	}
	return c.Blob(http.StatusOK, "text/plain; charset=utf-8", []byte(s.LogVerifierKey+"\n"))
}

func (s *Server) logTile(c echo.Context) error {
	path := strings.TrimPrefix(c.Request().URL.Path, "/log/")
	level, n, width, err := translog.ParseTilePath(path)
	if err != nil {
		return NotFound("tile", path)
	}
	data, err := s.Svc.LogTile(c.Request().Context(), level, n, width)
	if err != nil {
		return err
	}
	if width == translog.TileWidth { // a full tile never changes
		c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Response().Header().Set("Cache-Control", "no-cache")
	}
	return c.Blob(http.StatusOK, "application/octet-stream", data)
}
