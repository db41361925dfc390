package api

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/apitoken"
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
	rows, err := s.DB.APIToken.Query().Order(ent.Asc(apitoken.FieldID)).All(c.Request().Context())
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
	var problems []string
	if strings.TrimSpace(req.Name) == "" || len(req.Name) > 100 {
		problems = append(problems, "name the token (up to 100 characters), for example after the system that will use it")
	}
	if req.PersonID <= 0 {
		problems = append(problems, "say which person the token acts as (person_id)")
	}
	if !authz.Role(req.Role).Valid() {
		problems = append(problems, "role must be one of admin, challenge_owner, assessor, supplier")
	}
	if req.ExpiresInDays < 0 || req.ExpiresInDays > 366 {
		problems = append(problems, "expires_in_days must be from 1 to 366 (or 0 for the default of 90)")
	}
	if len(problems) > 0 {
		return invalid("%s", strings.Join(problems, "; "))
	}
	if req.ExpiresInDays == 0 {
		req.ExpiresInDays = 90
	}
	ctx := c.Request().Context()
	p, err := s.DB.Person.Get(ctx, req.PersonID)
	if ent.IsNotFound(err) {
		return invalid("person %d does not exist", req.PersonID)
	}
	if err != nil {
		return err
	}
	if !slices.Contains(p.Roles, req.Role) {
		return invalid("%s does not hold the role %s: a token can only act in a role its person holds", p.Email, req.Role)
	}
	secret := tokenPrefix + randomToken()
	now := time.Now().UTC()
	var t *ent.APIToken
	err = s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		var err error
		t, err = tx.APIToken.Create().SetName(strings.TrimSpace(req.Name)).SetTokenHash(hashToken(secret)).SetPersonID(p.ID).
			SetRole(req.Role).SetIssuedBy(actor(c, "").Who).SetCreatedAt(now).
			SetExpiresAt(now.AddDate(0, 0, req.ExpiresInDays)).Save(ctx)
		if err != nil {
			return err
		}
		return activities.Audit(ctx, tx, actor(c, ""), "token.issued", "token", t.ID, nil,
			map[string]any{"person": p.ID, "role": req.Role, "name": t.Name, "expires_at": t.ExpiresAt})
	})
	if err != nil {
		return err
	}
	v := tokenView(t)
	v.Token = secret
	return c.JSON(http.StatusCreated, v)
}

func (s *Server) revokeToken(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	var t *ent.APIToken
	err = s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		if t, err = tx.APIToken.Get(ctx, id); err != nil || t.RevokedAt != nil {
			return err
		}
		if t, err = tx.APIToken.UpdateOne(t).SetRevokedAt(time.Now().UTC()).Save(ctx); err != nil {
			return err
		}
		return activities.Audit(ctx, tx, actor(c, ""), "token.revoked", "token", t.ID, nil, map[string]any{"revoked_at": t.RevokedAt})
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, tokenView(t))
}
