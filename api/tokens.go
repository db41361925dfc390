package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
)

// TokenView is an API token's record; the secret itself is shown only when it is issued.
type TokenView struct {
	ID         int        `json:"id"`
	Name       string     `json:"name"`
	PersonID   int        `json:"person_id"`
	Role       string     `json:"role"`
	IssuedBy   string     `json:"issued_by"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	// Token is the secret, present only in the answer that issues it.
	Token string `json:"token,omitempty"`
}

func tokenView(t *ent.APIToken) TokenView {
	return TokenView{ID: t.ID, Name: t.Name, PersonID: t.PersonID, Role: t.Role, IssuedBy: t.IssuedBy, CreatedAt: t.CreatedAt,
		ExpiresAt: t.ExpiresAt, RevokedAt: t.RevokedAt, LastUsedAt: t.LastUsedAt}
}

func (s *Server) listTokens(c echo.Context) error {
	rows, err := s.Svc.Tokens(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]TokenView, 0, len(rows))
	for _, t := range rows {
		out = append(out, tokenView(t))
	}
	return c.JSON(http.StatusOK, map[string]any{"items": out})
}

// IssueTokenRequest asks for an API token that acts as one person in one of their roles.
type IssueTokenRequest struct {
	Name          string `json:"name"`
	PersonID      int    `json:"person_id"`
	Role          string `json:"role"`
	ExpiresInDays int    `json:"expires_in_days"`
}

func (s *Server) issueToken(c echo.Context) error {
	var req IssueTokenRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	t, secret, err := s.Svc.IssueToken(c.Request().Context(), service.IssueToken(req))
	if err != nil {
		return err
	}
	v := tokenView(t)
	v.Token = secret
	return c.JSON(http.StatusCreated, v)
}

func (s *Server) revokeToken(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	t, err := s.Svc.RevokeToken(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, tokenView(t))
}
