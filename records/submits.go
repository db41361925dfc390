package records

import (
	"context"
	"fmt"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/idempotencyrecord"
)

// BidSubmitPath is the API's path of a bid's submit (api/server.go), under which a keyed
// submit's record is kept, from the API or the bid's page alike.
const BidSubmitPath = "/api/v1/bids/%d/submit"

// PendingBusySubmits counts the competition's draft bids whose keyed submit was refused busy,
// having arrived before last (its deadline), and has had no answer since: each may be sent
// again and received as of its first arrival (service.SubmitBid).
func PendingBusySubmits(ctx context.Context, db *ent.Client, competitionID int, last time.Time) (int, error) {
	ctx = authz.AsSystem(ctx, SystemName)
	recs, err := db.IdempotencyRecord.Query().Where(idempotencyrecord.Status(503 /* service.RefusedBusy */), idempotencyrecord.ArrivedAtLT(last)).All(ctx)
	if err != nil {
		return 0, err
	}
	var ids []int
	for _, r := range recs {
		var id int
		if _, err := fmt.Sscanf(r.Path, BidSubmitPath, &id); err == nil {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return 0, nil
	}
	return db.Bid.Query().Where(bid.IDIn(ids...), bid.CompetitionID(competitionID), bid.StatusEQ(domain.BidDraft)).Count(ctx)
}
