package service

import (
	"context"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/programmetarget"
	"github.com/catalyst-sbri/catalyst/records"
)

// The programme's figures, for the programme team: the records read as plain facts and computed
// by domain.ComputeFigures, never stored: the funnel from challenges submitted to adopted, the
// money per challenge and round with what stops saved, the turnarounds from the close to the
// decision and from the decision to a signed contract (median and 90th percentile), and the
// shares of bidders and winners that are SMEs, small or micro, under five years old, outside
// London and the south-east, and first-time public sector suppliers; each against the
// programme's targets (ProgrammeTarget rows over domain.DefaultTargets).

// figuresName is the identity the programme's figures are read as: they count every record,
// and show only totals and shares, to the programme team alone.
const figuresName = "figures"

// ProgrammeReport computes the programme's figures from the records as they stand: the funnel,
// the money, the turnarounds and who it reaches, against the programme's targets.
func (s *Service) ProgrammeReport(ctx context.Context) (domain.Figures, error) {
	if err := requireProgramme(ctx); err != nil {
		return domain.Figures{}, err
	}
	sys := authz.AsSystem(ctx, figuresName)
	var in domain.FiguresInput
	var err error
	if in.Targets, err = s.targets(sys); err != nil {
		return domain.Figures{}, err
	}
	challenges, err := s.DB.Challenge.Query().WithRound().All(sys)
	if err != nil {
		return domain.Figures{}, err
	}
	challengeOf := map[int]int{}
	for _, c := range challenges {
		fc := domain.FigureChallenge{ID: c.ID, Title: c.Title, Stage: c.Stage, Selected: c.RoundID != nil}
		if r := c.Edges.Round; r != nil {
			fc.Round = r.Name
		}
		if c.Outcome != nil {
			fc.Outcome = *c.Outcome
		}
		in.Challenges = append(in.Challenges, fc)
	}
	comps, err := s.DB.Competition.Query().All(sys)
	if err != nil {
		return domain.Figures{}, err
	}
	for _, c := range comps {
		challengeOf[c.ID] = c.ChallengeID
		opened := c.Status != domain.CompetitionDraft && c.Status != domain.CompetitionScheduled
		in.Competitions = append(in.Competitions, domain.FigureCompetition{ID: c.ID, ChallengeID: c.ChallengeID, Phase: c.Phase,
			Pot: c.Pot, Opened: opened, ClosedAt: c.ClosesAt, DecidedAt: c.DecidedAt})
	}
	bids, err := s.DB.Bid.Query().Where(bid.SubmittedAtNotNil(), bid.StatusNotIn(domain.BidDraft, domain.BidWithdrawn)).All(sys)
	if err != nil {
		return domain.Figures{}, err
	}
	for _, b := range bids {
		in.Bids = append(in.Bids, domain.FigureBid{CompetitionID: b.CompetitionID, OrganisationID: b.OrganisationID,
			SubmittedAt: *b.SubmittedAt, Funded: b.Status == domain.BidFunded})
	}
	contracts, err := s.DB.Contract.Query().WithMilestones().All(sys)
	if err != nil {
		return domain.Figures{}, err
	}
	for _, k := range contracts {
		in.Contracts = append(in.Contracts, domain.FigureContract{ChallengeID: challengeOf[k.CompetitionID], CompetitionID: k.CompetitionID,
			OrganisationID: k.OrganisationID, Phase: k.Phase, Awarded: k.AwardedValue, Value: k.Value,
			Spent: domain.SpendSoFar(records.MilestoneMoney(k.Edges.Milestones)), Status: k.Status, AcceptedAt: k.AcceptedAt})
	}
	orgs, err := s.DB.Organisation.Query().All(sys)
	if err != nil {
		return domain.Figures{}, err
	}
	in.Suppliers = make(map[int]domain.FigureSupplier, len(orgs))
	for _, o := range orgs {
		in.Suppliers[o.ID] = domain.FigureSupplier{Size: o.Size, IncorporatedOn: o.IncorporatedOn, Region: o.Region,
			PublicContractBefore: o.PublicContractBefore}
	}
	return domain.ComputeFigures(in), nil
}

// Targets are the programme's targets, each as set or its default.
func (s *Service) Targets(ctx context.Context) (map[domain.Target]int, error) {
	if err := requireProgramme(ctx); err != nil {
		return nil, err
	}
	return s.targets(authz.AsSystem(ctx, figuresName))
}

func (s *Service) targets(ctx context.Context) (map[domain.Target]int, error) {
	rows, err := s.DB.ProgrammeTarget.Query().All(ctx)
	if err != nil {
		return nil, err
	}
	out := map[domain.Target]int{}
	for _, t := range domain.Targets {
		out[t] = domain.DefaultTargets[t]
	}
	for _, r := range rows {
		out[r.Target] = r.Value
	}
	return out, nil
}

// SetTargets sets the programme's targets given; those not given stay as they are.
func (s *Service) SetTargets(ctx context.Context, in map[domain.Target]int) (map[domain.Target]int, error) {
	if err := requireProgramme(ctx); err != nil {
		return nil, err
	}
	if err := domain.CheckTargets(in); err != nil {
		return nil, err
	}
	before, err := s.Targets(ctx)
	if err != nil {
		return nil, err
	}
	actor := authz.ActorOf(ctx, "")
	err = s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		for _, t := range domain.Targets {
			v, ok := in[t]
			if !ok {
				continue
			}
			err := tx.ProgrammeTarget.Create().SetTarget(t).SetValue(v).SetSetBy(actor.Who).
				OnConflictColumns(programmetarget.FieldTarget).UpdateValue().UpdateSetBy().Exec(ctx)
			if err != nil {
				return err
			}
		}
		return records.Audit(ctx, tx, actor, "programme.targets_set", "programme", 0, before, in)
	})
	if err != nil {
		return nil, err
	}
	return s.Targets(ctx)
}
