package records

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/person"
)

// IssueTokenInput asks for an API token acting as one person in one of their roles.
type IssueTokenInput struct {
	Name          string
	PersonID      int
	Role          string
	ExpiresInDays int // 0 means the default, 90
	Actor         authz.Actor
}

// IssuedToken is the token's record and its secret, which is never stored and never shown again.
type IssuedToken struct {
	Token  *ent.APIToken
	Secret string
}

// IssueToken checks the request, stores the token's hash and audits the issue, in tx. The
// admin's API and the operator's `catalyst token issue` both come here.
func IssueToken(ctx context.Context, tx *ent.Tx, in IssueTokenInput) (IssuedToken, error) {
	var ps domain.Problems
	name := domain.TokenName.CleanAll(in.Name, &ps)
	if name == "" && len(ps) > 0 && strings.TrimSpace(in.Name) == "" {
		ps[len(ps)-1].Message = "Name the token, for example after the system that will use it"
	}
	if in.PersonID <= 0 {
		ps.Add("person_id", "say which person the token acts as (person_id)")
	}
	if !authz.Role(in.Role).Valid() {
		ps.Add("role", "the role must be one of %s", authz.RoleNames())
	}
	if in.ExpiresInDays < 0 || in.ExpiresInDays > 366 {
		ps.Add("expires_in_days", "expires_in_days must be from 1 to 366 (or 0 for the default of 90)")
	}
	if err := ps.Err(); err != nil {
		return IssuedToken{}, err
	}
	if in.ExpiresInDays == 0 {
		in.ExpiresInDays = 90
	}
	p, err := tx.Person.Get(ctx, in.PersonID)
	if ent.IsNotFound(err) {
		return IssuedToken{}, domain.InvalidInput("person %d does not exist", in.PersonID)
	}
	if err != nil {
		return IssuedToken{}, err
	}
	if !slices.Contains(p.Roles, in.Role) {
		return IssuedToken{}, domain.InvalidInput("%s does not hold the role %s: a token can only act in a role its person holds", p.Email, in.Role)
	}
	secret := authz.NewAPIToken()
	now := time.Now().UTC()
	t, err := tx.APIToken.Create().SetName(name).SetTokenHash(authz.HashSecret(secret)).SetPersonID(p.ID).
		SetRole(in.Role).SetIssuedBy(in.Actor.NameOr(SystemActor)).SetCreatedAt(now).SetExpiresAt(now.AddDate(0, 0, in.ExpiresInDays)).Save(ctx)
	if err != nil {
		return IssuedToken{}, err
	}
	if err := Audit(ctx, tx, in.Actor, "token.issued", "token", t.ID, nil,
		map[string]any{"person": p.ID, "role": in.Role, "name": t.Name, "expires_at": t.ExpiresAt}); err != nil {
		return IssuedToken{}, err
	}
	return IssuedToken{Token: t, Secret: secret}, nil
}

// GrantRole makes sure a person exists with a role, for the operator's bootstrap: the first
// programme admin has to come from somewhere. It creates the person if need be.
func GrantRole(ctx context.Context, tx *ent.Tx, email, name string, role authz.Role, actor authz.Actor) (*ent.Person, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if !strings.Contains(email, "@") {
		return nil, domain.InvalidInput("%q is not an email address", email)
	}
	if !role.Valid() {
		return nil, domain.InvalidInput("role must be one of %s", authz.RoleNames())
	}
	p, err := tx.Person.Query().Where(person.EmailEqualFold(email)).Only(ctx)
	switch {
	case ent.IsNotFound(err):
		if strings.TrimSpace(name) == "" {
			return nil, domain.InvalidInput("%s is new: give their name too", email)
		}
		name, problem := domain.PersonName.Clean(name)
		if problem != nil {
			return nil, domain.Problems{*problem}
		}
		if p, err = tx.Person.Create().SetEmail(email).SetName(name).SetRoles([]string{string(role)}).Save(ctx); err != nil {
			return nil, err
		}
		return p, Audit(ctx, tx, actor, "person.created", "person", p.ID, nil, map[string]any{"email": email, "roles": p.Roles})
	case err != nil:
		return nil, err
	case slices.Contains(p.Roles, string(role)):
		return p, nil
	}
	before := p.Roles
	if p, err = tx.Person.UpdateOne(p).SetRoles(append(slices.Clone(p.Roles), string(role))).Save(ctx); err != nil {
		return nil, err
	}
	return p, Audit(ctx, tx, actor, fmt.Sprintf("person.granted_%s", role), "person", p.ID, map[string]any{"roles": before}, map[string]any{"roles": p.Roles})
}
