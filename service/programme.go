package service

import (
	"context"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/competition"
)

// Figures are what the start page says of the programme.
type Figures struct {
	Open       []*ent.Competition // open for bids, soonest deadline first, with their challenges
	Challenges int                // challenges the viewer may see
	Contracts  int                // contracts awarded: a public figure
}

// ProgrammeFigures reads the start page's figures.
func (s *Service) ProgrammeFigures(ctx context.Context) (Figures, error) {
	var f Figures
	var err error
	if f.Open, err = s.DB.Competition.Query().Where(competition.StatusEQ(domain.CompetitionOpen)).
		WithChallenge().Order(ent.Asc(competition.FieldClosesAt)).All(ctx); err != nil {
		return f, err
	}
	if f.Challenges, err = s.DB.Challenge.Query().Count(ctx); err != nil {
		return f, err
	}
	// How many contracts were awarded is a public figure (awards are published); which they are
	// is not, so only the count is read, as its own identity.
	f.Contracts, err = s.DB.Contract.Query().Count(authz.AsSystem(ctx, "public-figures"))
	return f, err
}
