package service

import (
	"context"
	"sort"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/assessment"
	"github.com/catalyst-sbri/catalyst/ent/assignment"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/ent/person"
	"github.com/catalyst-sbri/catalyst/records"
)

// The panel sheet: eligible bids ranked by mean weighted score with each assessor's scores,
// domain's moderation flags and normalised scores, counted as the decision counts them with
// records.AsCounted; a page, JSON and CSV. On its page the programme also moderates, decides
// and releases.

// NormaliseFrom is how many bids an assessor must have scored before their scores are also
// shown as z-scores: fewer, and the estimate of their strictness adds more bias than it removes.
const NormaliseFrom = 5

// PanelSheet is a competition's eligible bids ranked by their mean weighted score, with each
// assessor's scores, the moderation flags and the normalised scores beside the raw ones.
type PanelSheet struct {
	Competition *ent.Competition
	Rows        []PanelRow
	Assessors   map[int]string // names by person ID
}

// PanelRow is one bid on the sheet.
type PanelRow struct {
	Rank        int
	Bid         *ent.Bid
	Result      domain.BidResult
	Normalised  *domain.NormalisedScore // when the sample allows
	Flag        *domain.ModerationFlag
	Assessments []domain.Assessment
	Percents    map[int]float64 // each assessor's weighted percentage, by assessor
	IDs         map[int]int     // each assessor's assessment, by assessor
	// Returned are the assessments sent back to their assessors, by assessor, with the note.
	Returned map[int]*domain.Return
	// Moderation is each assessor's scores as moderation judges them, by assessor.
	Moderation map[int]domain.ScoreModeration
}

// Short are the rows with fewer assessments than the scheme asks before the decision: while
// there are any, the decision waits for them, or goes ahead with a lower minimum and a reason.
func (p PanelSheet) Short() []PanelRow {
	var out []PanelRow
	for _, r := range p.Rows {
		if len(r.Assessments) < p.Competition.Scheme.MinAssessors {
			out = append(out, r)
		}
	}
	return out
}

// Panel builds the panel sheet from the assessments as the decision counts them, and logs the
// reading of each bid's scores.
func (s *Service) Panel(ctx context.Context, competitionID int) (PanelSheet, error) {
	sheet, bids, err := s.panel(ctx, competitionID)
	if err != nil {
		return sheet, err
	}
	return sheet, s.bidsRead(ctx, ReadOfScores, bids)
}

// panel is the panel sheet, as commands and the work queue judge from it: nobody reads it.
func (s *Service) panel(ctx context.Context, competitionID int) (PanelSheet, []*ent.Bid, error) {
	comp, err := s.DB.Competition.Query().Where(competition.ID(competitionID)).WithChallenge().Only(ctx)
	if err != nil {
		return PanelSheet{}, nil, err
	}
	bids, err := s.DB.Bid.Query().Where(bid.CompetitionID(comp.ID), bid.StatusIn(domain.BidSubmitted, domain.BidFunded, domain.BidNotFunded)).
		WithOrganisation().Order(ent.Asc(bid.FieldID)).All(ctx)
	if err != nil {
		return PanelSheet{}, nil, err
	}
	rows, err := s.DB.Assessment.Query().Where(assessment.HasBidWith(bid.CompetitionID(comp.ID))).Order(ent.Asc(assessment.FieldID)).All(ctx)
	if err != nil {
		return PanelSheet{}, nil, err
	}
	conflicted, err := records.Conflicts(ctx, s.DB.Assignment, assignment.CompetitionID(comp.ID))
	if err != nil {
		return PanelSheet{}, nil, err
	}
	// As the decision counts them: an excluded score, or one from an assessor with a conflict,
	// stays on the sheet with why, out of the mean.
	byBid := map[int][]domain.Assessment{}
	ids := map[int]bool{}
	assessmentIDs := map[domain.Pair]int{}
	returned := map[domain.Pair]*domain.Return{}
	moderation := map[domain.Pair]domain.ScoreModeration{}
	for _, a := range rows {
		moderation[domain.Pair{BidID: a.BidID, AssessorID: a.AssessorID}] = scoreModeration(a, comp.Status, conflicted)
		if a.Returned != nil {
			returned[domain.Pair{BidID: a.BidID, AssessorID: a.AssessorID}] = a.Returned
		}
		byBid[a.BidID] = append(byBid[a.BidID], records.AsCounted(a, conflicted))
		ids[a.AssessorID] = true
		assessmentIDs[domain.Pair{BidID: a.BidID, AssessorID: a.AssessorID}] = a.ID
	}
	sheet := PanelSheet{Competition: comp, Assessors: map[int]string{}}
	var scores []domain.BidScores
	var results []domain.BidResult
	index := map[int]*ent.Bid{}
	for _, b := range bids {
		bs := domain.BidScores{BidID: b.ID, Amount: b.Amount, Assessments: byBid[b.ID], Interview: b.InterviewScore}
		if b.SubmittedAt != nil {
			bs.SubmittedAt = *b.SubmittedAt
		}
		scores = append(scores, bs)
		results = append(results, comp.Scheme.Score(bs))
		index[b.ID] = b
	}
	flags := map[int]domain.ModerationFlag{}
	for _, f := range comp.Scheme.Moderate(scores, float64(comp.ModerationBand)) {
		flags[f.BidID] = f
	}
	normalised := map[int]domain.NormalisedScore{}
	for _, n := range comp.Scheme.Normalise(scores, NormaliseFrom) {
		if n.Adjusted > 0 {
			normalised[n.BidID] = n
		}
	}
	for i, r := range domain.Rank(results) {
		row := PanelRow{Rank: i + 1, Bid: index[r.BidID], Result: r, Assessments: byBid[r.BidID], Percents: map[int]float64{}, IDs: map[int]int{},
			Returned: map[int]*domain.Return{}, Moderation: map[int]domain.ScoreModeration{}}
		for _, a := range row.Assessments {
			pair := domain.Pair{BidID: r.BidID, AssessorID: a.AssessorID}
			row.Percents[a.AssessorID] = comp.Scheme.Percent(a)
			row.IDs[a.AssessorID] = assessmentIDs[pair]
			row.Moderation[a.AssessorID] = moderation[pair]
			if back := returned[pair]; back != nil {
				row.Returned[a.AssessorID] = back
			}
		}
		sort.Slice(row.Assessments, func(i, j int) bool { return row.Assessments[i].AssessorID < row.Assessments[j].AssessorID })
		if f, ok := flags[r.BidID]; ok {
			row.Flag = &f
		}
		if n, ok := normalised[r.BidID]; ok {
			row.Normalised = &n
		}
		sheet.Rows = append(sheet.Rows, row)
	}
	if len(ids) > 0 {
		list := make([]int, 0, len(ids))
		for id := range ids {
			list = append(list, id)
		}
		// Who scored what is the panel sheet's to show its readers (its route names them).
		people, err := s.DB.Person.Query().Where(person.IDIn(list...)).All(authz.AsSystem(ctx, "panel"))
		if err != nil {
			return PanelSheet{}, nil, err
		}
		for _, p := range people {
			sheet.Assessors[p.ID] = p.Name
		}
	}
	return sheet, bids, nil
}
