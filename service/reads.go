package service

import (
	"context"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/readevent"
)

// The read log: who read a bid, a bid's document or its scores, or a person's details; when; by
// which page or API route; in which request. A list that shows bids (the competition's bids,
// the panel sheet, the interviews, an assessor's bid to score) logs a read of each. It is written before the record is given, so a
// read it cannot record is refused, not left out. It is of who else read a record: a supplier
// reading its own bid, or a person their own details, is not in it.

// The kinds of record the read log keeps.
const (
	ReadOfBid      = "bid"
	ReadOfDocument = "document"
	ReadOfScores   = "scores"
	ReadOfPerson   = "person"
	ReadOfPeople   = "people" // the list of people
)

// ReadKinds are the kinds, as the log's filter offers them.
var ReadKinds = []string{ReadOfBid, ReadOfDocument, ReadOfScores, ReadOfPerson, ReadOfPeople}

// readLogName is the identity that writes the log and shows a supplier who read its bids.
const readLogName = "read-log"

// readOf is one read about to be given: the record, and the bid and organisation it is about.
type readOf struct {
	kind             string
	id, bidID, orgID int
}

// recordRead writes the read to the log, unless it is the reader's own record or a system's.
func (s *Service) recordRead(ctx context.Context, r readOf) error { return s.recordReads(ctx, r) }

// recordReads writes reads given at once (a list's) to the log, leaving out the reader's own
// records: their own details, and a supplier's own organisation's bids.
func (s *Service) recordReads(ctx context.Context, reads ...readOf) error {
	v, ok := authz.FromContext(ctx)
	if !ok || v.IsSystem() || v.PersonID == 0 {
		return nil
	}
	route := authz.RouteOf(ctx)
	if route == "" {
		route = "the service" // a caller inside Catalyst, not a page or the API
	}
	now, request := time.Now().UTC(), authz.ActorOf(ctx, "").RequestID
	var rows []*ent.ReadEventCreate
	for _, r := range reads {
		if r.orgID != 0 && v.OrganisationID == r.orgID && v.Has(authz.Supplier) || r.kind == ReadOfPerson && r.id == v.PersonID {
			continue
		}
		create := s.DB.ReadEvent.Create().SetAt(now).SetReader(v.Name()).SetReaderID(v.PersonID).
			SetRecordType(r.kind).SetRecordID(r.id).SetRoute(route).SetRequestID(request)
		if r.orgID != 0 {
			create.SetOrganisationID(r.orgID)
		}
		if r.bidID != 0 {
			create.SetBidID(r.bidID)
		}
		rows = append(rows, create)
	}
	if len(rows) == 0 {
		return nil
	}
	return s.DB.ReadEvent.CreateBulk(rows...).Exec(authz.AsSystem(ctx, readLogName))
}

// bidsRead logs a list's read of each bid on it (of kind ReadOfBid or ReadOfScores).
func (s *Service) bidsRead(ctx context.Context, kind string, bids []*ent.Bid) error {
	reads := make([]readOf, len(bids))
	for i, b := range bids {
		reads[i] = readOf{kind: kind, id: b.ID, bidID: b.ID, orgID: b.OrganisationID}
	}
	return s.recordReads(ctx, reads...)
}

// bidRead is a read of something of bid id's (the bid, a document, its scores).
func (s *Service) bidRead(ctx context.Context, kind string, id, bidID int) error {
	b, err := s.DB.Bid.Query().Where(bid.ID(bidID)).Only(authz.AsSystem(ctx, readLogName))
	if err != nil {
		return err
	}
	return s.recordRead(ctx, readOf{kind: kind, id: id, bidID: bidID, orgID: b.OrganisationID})
}

// ReadFilter narrows the read log: by kind and record, by reader, or by the bid it is about.
type ReadFilter struct {
	Kind            string
	RecordID, BidID int
	Reader          string
	Page
}

// Reads lists the read log, newest first, as the programme may read it (the privacy rule
// leaves it to them). It returns up to Limit+1, so the caller knows whether there is more.
func (s *Service) Reads(ctx context.Context, f ReadFilter) ([]*ent.ReadEvent, error) {
	q := s.DB.ReadEvent.Query().Order(ent.Desc(readevent.FieldID))
	if f.Kind != "" {
		q.Where(readevent.RecordType(f.Kind))
	}
	if f.RecordID != 0 {
		q.Where(readevent.RecordID(f.RecordID))
	}
	if f.BidID != 0 {
		q.Where(readevent.BidID(f.BidID))
	}
	if f.Reader != "" {
		q.Where(readevent.ReaderEqualFold(f.Reader))
	}
	if f.After != 0 {
		q.Where(readevent.IDLT(f.After))
	}
	if f.Limit > 0 {
		q.Limit(f.Limit + 1)
	}
	return q.All(ctx)
}

// WhoReadYourBid lists who outside the supplier read its bid, its documents and its scores, newest
// first: for the bid's own supplier, who may not read the rest of the log.
func (s *Service) WhoReadYourBid(ctx context.Context, bidID int) ([]*ent.ReadEvent, error) {
	v, _ := authz.FromContext(ctx)
	b, err := s.DB.Bid.Get(ctx, bidID) // the bid's privacy rule says whether the viewer may read it
	if err != nil {
		return nil, err
	}
	if !v.Has(authz.Supplier) || v.OrganisationID != b.OrganisationID {
		return nil, forbidden("only the bid's supplier is shown who read it here; the programme reads the whole log")
	}
	return s.DB.ReadEvent.Query().Where(readevent.BidID(bidID), readevent.OrganisationID(b.OrganisationID)).
		Order(ent.Desc(readevent.FieldID)).All(authz.AsSystem(ctx, readLogName))
}
