package records

import (
	"context"
	"fmt"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/bid"
)

// Assessable are the bids assessors score: submitted and not found ineligible.
var Assessable = bid.StatusNotIn(domain.BidDraft, domain.BidIneligible)

// UndecidedEligibility names the bids the automatic checks flagged that still wait for the
// programme's decision: still submitted, with no reason recorded.
func UndecidedEligibility(ctx context.Context, tx *ent.Tx, competitionID int) ([]string, error) {
	flagged, err := tx.Bid.Query().Where(bid.CompetitionID(competitionID), bid.StatusEQ(domain.BidSubmitted),
		bid.EligibilityFlagsNotNil(), bid.Or(bid.EligibilityNoteIsNil(), bid.EligibilityNote(""))).
		Order(ent.Asc(bid.FieldID)).WithOrganisation().All(authz.AsSystem(ctx, SystemName))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, b := range flagged {
		if len(b.EligibilityFlags) == 0 {
			continue
		}
		out = append(out, fmt.Sprintf("bid %d from %s", b.ID, b.Edges.Organisation.Name))
	}
	return out, nil
}
