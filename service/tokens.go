package service

import (
	"context"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/apitoken"
	"github.com/catalyst-sbri/catalyst/records"
)

// Tokens lists the API tokens the viewer may see: the programme every one, a person their own.
func (s *Service) Tokens(ctx context.Context) ([]*ent.APIToken, error) {
	return s.DB.APIToken.Query().Order(ent.Asc(apitoken.FieldID)).All(ctx)
}

// IssueToken asks for an API token acting as one person in one of their roles.
type IssueToken struct {
	Name          string
	PersonID      int
	Role          string
	ExpiresInDays int // 0 means the default, 90
}

// IssueToken issues the token and returns it with its secret, which is in this answer and
// nowhere else.
func (s *Service) IssueToken(ctx context.Context, in IssueToken) (*ent.APIToken, string, error) {
	var issued records.IssuedToken
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		var err error
		issued, err = records.IssueToken(ctx, tx, records.IssueTokenInput{Name: in.Name, PersonID: in.PersonID,
			Role: in.Role, ExpiresInDays: in.ExpiresInDays, Actor: authz.ActorOf(ctx, "")})
		return err
	})
	return issued.Token, issued.Secret, err
}

// RevokeToken ends a token at once. Revoking it again changes nothing.
func (s *Service) RevokeToken(ctx context.Context, id int) (*ent.APIToken, error) {
	var t *ent.APIToken
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		var err error
		if t, err = tx.APIToken.Get(ctx, id); err != nil || t.RevokedAt != nil {
			return err
		}
		if t, err = tx.APIToken.UpdateOne(t).SetRevokedAt(time.Now().UTC()).Save(ctx); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "token.revoked", "token", t.ID, nil, map[string]any{"revoked_at": t.RevokedAt})
	})
	return t, err
}
