package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// endYourSession ends one of the caller's own sign-in sessions.
func (s *Server) endYourSession(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	if err := s.Svc.EndYourSession(c.Request().Context(), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// SessionsEnded says how many sessions were ended.
type SessionsEnded struct {
	Ended int `json:"ended"`
}

// endSessionsOf ends every session a person holds, without deactivating them (an admin's).
func (s *Server) endSessionsOf(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	n, err := s.Svc.EndSessionsOf(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, SessionsEnded{Ended: n})
}
