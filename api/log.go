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

// logCheckpoint serves the latest checkpoint, with whatever witnesses have cosigned it so far.
func (s *Server) logCheckpoint(c echo.Context) error {
	return s.serveCheckpoint(c, false)
}

// logCosignedCheckpoint serves, beside it, the latest checkpoint a witness has cosigned: for a
// client that trusts the log only with a witness's word.
func (s *Server) logCosignedCheckpoint(c echo.Context) error {
	return s.serveCheckpoint(c, true)
}

func (s *Server) serveCheckpoint(c echo.Context, cosigned bool) error {
	n, err := s.Svc.CheckpointNote(c.Request().Context(), cosigned)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.Blob(http.StatusOK, "text/plain; charset=utf-8", []byte(n))
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
