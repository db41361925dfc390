package records

import (
	"context"
	"fmt"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/ent/contract"
	"github.com/catalyst-sbri/catalyst/ent/document"
	"github.com/catalyst-sbri/catalyst/ent/legalhold"
	"github.com/catalyst-sbri/catalyst/ent/milestone"
	"github.com/catalyst-sbri/catalyst/ent/notice"
	"github.com/catalyst-sbri/catalyst/ent/session"
)

// The retention schedule's run: each kind of record past its period (domain.RetentionRules, or
// the programme's own period) loses its content, unless a legal hold keeps it. A document's
// bytes are deleted from the object store and its record keeps its name, size and SHA-256; a
// notice's words are erased and its kind and time kept; a session long finished is deleted.
// Every deletion is in the audit trail. The run is idempotent: a run cut short leaves nothing
// half done that the next run does not finish.

// retentionName is the identity the schedule acts as.
const retentionName = "retention"

// Bytes removes a document's bytes from the object store; removing what is gone is no error.
type Bytes interface {
	Delete(ctx context.Context, key string) error
}

// RetentionInput is one run: at a time (the workflow's, so its replay sees the same), or a dry
// run that only lists what would go.
type RetentionInput struct {
	At     time.Time `json:"at"`
	DryRun bool      `json:"dry_run,omitempty"`
}

// RetentionItem is a document due for deletion, or held.
type RetentionItem struct {
	Kind       domain.RetentionKind `json:"kind"`
	DocumentID int                  `json:"document_id"`
	BidID      int                  `json:"bid_id"`
	Filename   string               `json:"filename"`
	Size       int64                `json:"size"`
	SHA256     string               `json:"sha256"`
	Due        time.Time            `json:"due"`
	HeldBy     []int                `json:"held_by,omitempty"` // the legal holds that keep it
}

// RetentionReport is what a run deleted (or, dry, would delete) and what holds kept.
type RetentionReport struct {
	At       time.Time       `json:"at"`
	DryRun   bool            `json:"dry_run,omitempty"`
	Due      []RetentionItem `json:"due"`
	Held     []RetentionItem `json:"held"`
	Bytes    int64           `json:"bytes"`    // of the documents due
	Sessions int             `json:"sessions"` // finished sessions due
	Notices  int             `json:"notices"`  // notices whose words are due
}

// RetentionPeriods are the months each kind is kept: the programme's period, or the default.
func RetentionPeriods(ctx context.Context, db *ent.Client) (map[domain.RetentionKind]int, error) {
	rows, err := db.RetentionPeriod.Query().All(authz.AsSystem(ctx, retentionName))
	if err != nil {
		return nil, err
	}
	out := map[domain.RetentionKind]int{}
	for _, r := range domain.RetentionRules {
		out[r.Kind] = r.DefaultMonths
	}
	for _, r := range rows {
		if _, ok := out[domain.RetentionKind(r.Kind)]; ok {
			out[domain.RetentionKind(r.Kind)] = r.Months
		}
	}
	return out, nil
}

// Retention finds what is due at in.At and, unless it is a dry run, deletes it.
func Retention(ctx context.Context, db *ent.Client, docs Bytes, in RetentionInput) (RetentionReport, error) {
	sys := authz.AsSystem(ctx, retentionName)
	out := RetentionReport{At: in.At, DryRun: in.DryRun, Due: []RetentionItem{}, Held: []RetentionItem{}}
	months, err := RetentionPeriods(ctx, db)
	if err != nil {
		return out, err
	}
	items, err := dueDocuments(sys, db, in.At, months)
	if err != nil {
		return out, err
	}
	for _, it := range items {
		if len(it.HeldBy) > 0 {
			out.Held = append(out.Held, it)
			continue
		}
		out.Due = append(out.Due, it)
		out.Bytes += it.Size
	}
	sessionsBefore := in.At.AddDate(0, -months[domain.RetainSessions], 0)
	if out.Sessions, err = db.Session.Query().Where(session.LastSeenAtLT(sessionsBefore)).Count(sys); err != nil {
		return out, err
	}
	noticesBefore := in.At.AddDate(0, -months[domain.RetainEmailBodies], 0)
	if out.Notices, err = db.Notice.Query().Where(notice.CreatedAtLT(noticesBefore), notice.ErasedAtIsNil()).Count(sys); err != nil {
		return out, err
	}
	if in.DryRun {
		return out, nil
	}
	actor := authz.Actor{Who: "system:" + retentionName, Reason: "the retention schedule"}
	for _, it := range out.Due {
		err := db.WithTx(sys, func(tx *ent.Tx) error {
			n, err := tx.Document.Update().Where(document.ID(it.DocumentID), document.DeletedAtIsNil()).
				SetDeletedAt(in.At).SetDeletedUnder(string(it.Kind)).Save(sys)
			if err != nil || n == 0 {
				return err
			}
			rule, _ := domain.RetentionRuleOf(it.Kind)
			return Audit(ctx, tx, authz.Actor{Who: actor.Who, Reason: fmt.Sprintf("%s: kept %d months from %s", rule.Label, months[it.Kind], rule.From)},
				"document.deleted", "document", it.DocumentID,
				map[string]any{"filename": it.Filename, "size": it.Size, "sha256": it.SHA256, "bid": it.BidID},
				map[string]any{"deleted_under": it.Kind, "due": it.Due})
		})
		if err != nil {
			return out, err
		}
	}
	// Bytes go after their records say so, and again for any a run cut short.
	gone, err := db.Document.Query().Where(document.DeletedAtNotNil(), document.BytesRemovedAtIsNil()).All(sys)
	if err != nil {
		return out, err
	}
	for _, d := range gone {
		if err := docs.Delete(ctx, d.ObjectKey); err != nil {
			return out, err
		}
		if err := db.Document.UpdateOne(d).SetBytesRemovedAt(in.At).Exec(sys); err != nil {
			return out, err
		}
	}
	return out, db.WithTx(sys, func(tx *ent.Tx) error {
		if out.Sessions > 0 {
			if _, err := tx.Session.Delete().Where(session.LastSeenAtLT(sessionsBefore)).Exec(sys); err != nil {
				return err
			}
		}
		if out.Notices > 0 {
			if _, err := tx.Notice.Update().Where(notice.CreatedAtLT(noticesBefore), notice.ErasedAtIsNil()).
				SetValues(map[string]string{}).SetErasedAt(in.At).Save(sys); err != nil {
				return err
			}
		}
		return Audit(ctx, tx, actor, "retention.run", "retention", 0, nil,
			map[string]any{"documents_deleted": len(out.Due), "bytes": out.Bytes, "documents_held": len(out.Held),
				"sessions_deleted": out.Sessions, "notices_erased": out.Notices})
	})
}

// dueDocuments lists the documents past their period at, with the holds that keep each.
func dueDocuments(sys context.Context, db *ent.Client, at time.Time, months map[domain.RetentionKind]int) ([]RetentionItem, error) {
	holds, err := db.LegalHold.Query().Where(legalhold.ReleasedAtIsNil()).All(sys)
	if err != nil {
		return nil, err
	}
	heldBy := func(compID, bidID int) []int {
		var ids []int
		for _, h := range holds {
			if h.Kind == domain.HoldCompetition && h.RecordID == compID || h.Kind == domain.HoldBid && h.RecordID == bidID {
				ids = append(ids, h.ID)
			}
		}
		return ids
	}
	var out []RetentionItem
	add := func(kind domain.RetentionKind, due time.Time, compID, bidID int, ds []*ent.Document) {
		for _, d := range ds {
			out = append(out, RetentionItem{Kind: kind, DocumentID: d.ID, BidID: bidID, Filename: d.Filename, Size: d.Size,
				SHA256: d.Sha256, Due: due, HeldBy: heldBy(compID, bidID)})
		}
	}
	// Unsuccessful bids: every bid not funded in a competition decided long enough ago.
	unsuccessful := months[domain.RetainUnsuccessfulBids]
	comps, err := db.Competition.Query().Where(competition.DecidedAtNotNil(), competition.DecidedAtLTE(at.AddDate(0, -unsuccessful, 0))).All(sys)
	if err != nil {
		return nil, err
	}
	for _, c := range comps {
		bids, err := db.Bid.Query().Where(bid.CompetitionID(c.ID), bid.StatusNEQ(domain.BidFunded)).
			WithDocuments(func(q *ent.DocumentQuery) { q.Where(document.DeletedAtIsNil()) }).All(sys)
		if err != nil {
			return nil, err
		}
		for _, b := range bids {
			add(domain.RetainUnsuccessfulBids, domain.RetentionDue(*c.DecidedAt, unsuccessful), c.ID, b.ID, b.Edges.Documents)
		}
	}
	// Successful bids: the bid's, its contract's and its milestones' documents, from the end of
	// a contract that has finished.
	successful := months[domain.RetainSuccessfulBids]
	ks, err := db.Contract.Query().Where(contract.StatusIn(domain.ContractContinued, domain.ContractStopped, domain.ContractCompleted),
		contract.EndsOnNotNil(), contract.EndsOnLTE(at.AddDate(0, -successful, 0))).All(sys)
	if err != nil {
		return nil, err
	}
	for _, k := range ks {
		ds, err := db.Document.Query().Where(document.DeletedAtIsNil(), document.Or(document.BidID(k.BidID), document.ContractID(k.ID),
			document.HasMilestoneWith(milestone.ContractID(k.ID)))).All(sys)
		if err != nil {
			return nil, err
		}
		add(domain.RetainSuccessfulBids, domain.RetentionDue(*k.EndsOn, successful), k.CompetitionID, k.BidID, ds)
	}
	return out, nil
}
