package service

import (
	"context"

	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/organisation"
	"github.com/catalyst-sbri/catalyst/ent/person"
)

// People lists the people the viewer may see, with their organisations.
func (s *Service) People(ctx context.Context) ([]*ent.Person, error) {
	return s.DB.Person.Query().Order(ent.Asc(person.FieldID)).WithOrganisation().All(ctx)
}

// Organisations lists every organisation, suppliers and public bodies.
func (s *Service) Organisations(ctx context.Context) ([]*ent.Organisation, error) {
	return s.DB.Organisation.Query().Order(ent.Asc(organisation.FieldID)).All(ctx)
}

// Suppliers lists the organisations that bid (not public bodies), by name.
func (s *Service) Suppliers(ctx context.Context) ([]*ent.Organisation, error) {
	return s.DB.Organisation.Query().Where(organisation.PublicBody(false)).Order(ent.Asc(organisation.FieldName)).All(ctx)
}
