package service

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/challenge"
	"github.com/catalyst-sbri/catalyst/ent/competition"
)

// ClosingSoon is how near its deadline an open competition counts as closing soon.
const ClosingSoon = 14 * 24 * time.Hour

// The budgets a search can ask for, by the competition's pot.
var budgetBands = map[string][2]domain.Money{
	"under-250k": {0, domain.Pounds(250_000)},
	"250k-1m":    {domain.Pounds(250_000), domain.Pounds(1_000_000)},
	"over-1m":    {domain.Pounds(1_000_000), 1 << 62},
}

// CompetitionSearch is what a person looks for in the list of competitions. Empty fields do not
// narrow it.
type CompetitionSearch struct {
	Words  string // each word appears in the challenge's title or problem, or the competition's summary
	Field  string
	Phase  int
	When   string // "open", "closing-soon", "upcoming" (scheduled) or "all"; default open and upcoming
	Budget string // "under-250k", "250k-1m" or "over-1m", by the pot
}

// SearchCompetitions lists the competitions the viewer may see that match: open ones first,
// soonest deadline first, then those opening later, then the rest, newest first.
func (s *Service) SearchCompetitions(ctx context.Context, in CompetitionSearch, now time.Time) ([]*ent.Competition, error) {
	var ps domain.Problems
	if in.Field != "" && !domain.Field(in.Field).Valid() {
		ps.Add("field", "Choose a field from the list")
	}
	if in.Phase != 0 && in.Phase != 1 && in.Phase != 2 {
		ps.Add("phase", "Choose phase 1 or phase 2")
	}
	if !slices.Contains([]string{"", "open", "closing-soon", "upcoming", "all"}, in.When) {
		ps.Add("when", "Choose open, closing soon, opening later or all")
	}
	band, banded := budgetBands[in.Budget]
	if in.Budget != "" && !banded {
		ps.Add("budget", "Choose a budget from the list")
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	q := s.DB.Competition.Query().Where(competition.StatusNEQ(domain.CompetitionDraft)).WithChallenge()
	for _, w := range strings.Fields(in.Words) {
		q.Where(competition.Or(competition.SummaryContainsFold(w),
			competition.HasChallengeWith(challenge.Or(challenge.TitleContainsFold(w), challenge.ProblemContainsFold(w)))))
	}
	if in.Phase != 0 {
		q.Where(competition.Phase(in.Phase))
	}
	switch in.When {
	case "", "open", "closing-soon":
		statuses := []domain.CompetitionStatus{domain.CompetitionOpen}
		if in.When == "" {
			statuses = append(statuses, domain.CompetitionScheduled)
		}
		q.Where(competition.StatusIn(statuses...))
	case "upcoming":
		q.Where(competition.StatusEQ(domain.CompetitionScheduled))
	}
	rows, err := q.All(ctx)
	if err != nil {
		return nil, err
	}
	out := rows[:0]
	for _, c := range rows {
		fields := c.Fields
		if len(fields) == 0 && c.Edges.Challenge != nil {
			fields = c.Edges.Challenge.Fields
		}
		switch {
		case in.Field != "" && !slices.Contains(fields, in.Field):
		case banded && (c.Pot < band[0] || c.Pot >= band[1]):
		case in.When == "closing-soon" && c.ClosesAt.Sub(now) > ClosingSoon:
		default:
			out = append(out, c)
		}
	}
	rank := func(c *ent.Competition) int {
		switch c.Status {
		case domain.CompetitionOpen:
			return 0
		case domain.CompetitionScheduled:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(out, func(a, b *ent.Competition) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		if rank(a) == 2 {
			return b.ID - a.ID
		}
		return a.ClosesAt.Compare(b.ClosesAt)
	})
	return out, nil
}
