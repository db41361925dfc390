package service

import (
	"context"
	"crypto/sha256"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/assessment"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/ent/contract"
	"github.com/catalyst-sbri/catalyst/ent/document"
	"github.com/catalyst-sbri/catalyst/ent/organisation"
	"github.com/catalyst-sbri/catalyst/ent/person"
	"github.com/catalyst-sbri/catalyst/records"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// Competitions, bids, documents, the submit path and its canonical sealed form, assessments and
// the decision. The submit path takes its receipt time as the request reaches it and must seal
// within domain.SubmitCommitLimit of it (else ErrSubmitTooSlow, a 503 with nothing sealed); the
// close activity waits domain.CloseGrace after the last deadline, so no bid received in time is
// shut out by the close committing first. A competition opened from versionAssessedInRecords on
// (assessments_in_records) takes assessments straight from the service, which holds the
// competition's row and applies domain.CheckAssess and records.WriteAssessment; its decision's
// activity counts them in the records with domain.CheckAssessed, the rule the workflow applies to
// its own count for older competitions, which send each assessment through their workflow as an
// update. A Decision is top down or a portfolio, with the panel's reason per bid and
// domain.LoweredMinimum, the audited way out when too few assessors leave bids short of the
// scheme's minimum.

// submitPath is the system identity of the bid path's own work on a competition's row: a
// supplier may not otherwise change a competition.
const submitPath = "submit-path"

// Competition is one competition with its submitted bids the viewer may see and its contracts.
func (s *Service) Competition(ctx context.Context, id int) (*ent.Competition, error) {
	return s.DB.Competition.Query().Where(competition.ID(id)).WithChallenge().
		WithBids(func(q *ent.BidQuery) {
			q.Where(bid.StatusNEQ(domain.BidDraft)).Order(ent.Asc(bid.FieldID)).WithOrganisation()
		}).
		WithContracts(func(q *ent.ContractQuery) { q.Order(ent.Asc(contract.FieldID)).WithOrganisation().WithGateDecision() }).
		Only(ctx)
}

// ListBids lists a closed competition's submitted bids the viewer may see, up to Limit+1.
// While the competition is open its bids are sealed, and the list is refused.
func (s *Service) ListBids(ctx context.Context, competitionID int, page Page) (*ent.Competition, []*ent.Bid, error) {
	comp, err := s.DB.Competition.Get(ctx, competitionID)
	if err != nil {
		return nil, nil, err
	}
	if domain.Sealed(comp.Status) {
		return nil, nil, conflict("bids-sealed", "bids are sealed until the deadline at %s (UK time)", domain.FormatTime(comp.ClosesAt))
	}
	rows, err := s.DB.Bid.Query().Where(bid.CompetitionID(competitionID), bid.StatusNEQ(domain.BidDraft), bid.IDGT(page.After)).
		Order(ent.Asc(bid.FieldID)).Limit(page.Limit + 1).WithOrganisation().WithDocuments().All(ctx)
	if err != nil {
		return nil, nil, err
	}
	if err := s.bidsRead(ctx, ReadOfBid, rows[:min(len(rows), page.Limit)]); err != nil {
		return nil, nil, err
	}
	return comp, rows, s.holdBack(ctx, rows...)
}

// CreateBid starts a draft bid, with whatever the supplier has written so far. The
// organisation defaults to the signed-in supplier's.
type CreateBid struct {
	CompetitionID  int
	OrganisationID int
	BidAnswers
}

// CreateBid records a supplier's draft bid in an open competition.
func (s *Service) CreateBid(ctx context.Context, in CreateBid) (*ent.Bid, error) {
	if _, err := s.DB.Competition.Get(ctx, in.CompetitionID); err != nil {
		return nil, err
	}
	// A supplier bids for its own organisation, and only that one.
	v, _ := authz.FromContext(ctx)
	if in.OrganisationID == 0 {
		in.OrganisationID = v.OrganisationID
	}
	if in.OrganisationID != v.OrganisationID {
		return nil, forbidden("you can only bid for your own organisation")
	}
	if in.OrganisationID == 0 {
		return nil, domain.Problems{{Field: "organisation_id", Message: "You are not a member of a supplier organisation: register yours, or ask to join it, on the Your organisation page"}}
	}
	var out *ent.Bid
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		comp, err := tx.Competition.Get(ctx, in.CompetitionID)
		if err != nil {
			return err
		}
		org, err := tx.Organisation.Query().Where(organisation.ID(in.OrganisationID)).Only(ctx)
		if ent.IsNotFound(err) {
			return domain.Problems{{Field: "organisation_id", Message: fmt.Sprintf("There is no organisation %d", in.OrganisationID)}}
		}
		if err != nil {
			return err
		}
		if err := mayStartBid(comp, org, time.Now()); err != nil {
			return err
		}
		content := domain.BidContent{VATRate: domain.StandardVAT}
		var ps domain.Problems
		in.apply(&content, comp.Scheme, &ps)
		if err := ps.Err(); err != nil {
			return err
		}
		if existing, err := tx.Bid.Query().Where(bid.CompetitionID(comp.ID), bid.OrganisationID(org.ID)).OnlyID(ctx); err == nil {
			return conflict("bid-exists", "%s already has a bid in this competition (bid %d): change that one", org.Name, existing)
		}
		b, err := tx.Bid.Create().SetCompetitionID(comp.ID).SetOrganisationID(org.ID).Save(ctx)
		if err != nil {
			return err
		}
		if out, err = write(tx.Bid.UpdateOne(b), content).Save(ctx); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "bid.created", "bid", b.ID, nil, map[string]any{"competition": comp.ID, "organisation": org.ID})
	})
	return out, err
}

// Bid is one bid with its organisation, competition and documents.
func (s *Service) Bid(ctx context.Context, id int) (*ent.Bid, error) {
	b, err := s.DB.Bid.Query().Where(bid.ID(id)).WithOrganisation().WithCompetition().
		WithDocuments(func(q *ent.DocumentQuery) { q.Order(ent.Asc(document.FieldID)) }).
		WithContract(func(q *ent.ContractQuery) { q.WithGateDecision() }).Only(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.recordRead(ctx, readOf{kind: ReadOfBid, id: b.ID, bidID: b.ID, orgID: b.OrganisationID}); err != nil {
		return nil, err
	}
	return b, s.holdBack(ctx, b)
}

// MayChangeBid says at once whether the supplier may still change the bid, so that an upload is
// refused before it is streamed; the change's own transaction checks again.
func (s *Service) MayChangeBid(ctx context.Context, id int) error {
	b, err := s.DB.Bid.Query().Where(bid.ID(id)).WithCompetition().Only(ctx)
	if err != nil {
		return err
	}
	return b.Status.CheckChange(b.Edges.Competition.Status, DeadlineFor(b.Edges.Competition, b.OrganisationID), time.Now())
}

// changeBid is the one check every change to a bid makes inside its transaction (its details,
// its documents, its submission): the bid is a draft and its competition takes changes at now.
// It holds the competition's row first, which serialises the change with the deadline's close
// (the close updates the same row first): a change either commits before the close counts, or
// finds the competition closed. On PostgreSQL it holds the row shared, so changes to different
// bids of one competition go on side by side (the close still waits for every one in flight),
// and then holds the bid's own row, so changes to one bid take turns. SQLite has no row locks:
// there the change updates the competition's row, and every write takes its turn anyway.
func changeBid(ctx context.Context, tx *ent.Tx, id int, now time.Time) (*ent.Bid, *ent.Competition, error) {
	compID, err := tx.Bid.Query().Where(bid.ID(id)).QueryCompetition().OnlyID(ctx)
	if err != nil {
		return nil, nil, err
	}
	sys := authz.AsSystem(ctx, submitPath)
	if tx.RowLocks() {
		if _, err := tx.Competition.Query().Where(competition.ID(compID)).ForShare().Only(sys); err != nil {
			return nil, nil, err
		}
		if _, err := tx.Bid.Query().Where(bid.ID(id)).ForUpdate().Only(sys); err != nil {
			return nil, nil, err
		}
	} else if _, err := tx.Competition.Update().Where(competition.ID(compID), competition.StatusEQ(domain.CompetitionOpen)).
		SetUpdatedAt(now).Save(sys); err != nil {
		return nil, nil, err
	}
	// Read the bid only now, holding the rows: a change that committed while this one waited
	// (a submit, an upload) is seen, never overwritten or added to a sealed bid.
	b, err := tx.Bid.Query().Where(bid.ID(id)).WithDocuments().Only(ctx)
	if err != nil {
		return nil, nil, err
	}
	comp, err := tx.Competition.Get(ctx, compID)
	if err != nil {
		return nil, nil, err
	}
	return b, comp, b.Status.CheckChange(comp.Status, DeadlineFor(comp, b.OrganisationID), now)
}

// UploadDocument is one file for a draft bid, read as it streams.
type UploadDocument struct {
	BidID    int
	Question string // the question it is an appendix to; empty for a supporting document
	Filename string
	Content  io.Reader
}

// UploadDocument streams a document to the store, then records it on the bid. The bytes never
// sit whole in memory; a document refused after it was stored is deleted again.
func (s *Service) UploadDocument(ctx context.Context, in UploadDocument) (*ent.Document, error) {
	filename, err := domain.DocumentName(in.Filename)
	if err != nil {
		return nil, err
	}
	stored, err := s.storeUpload(ctx, fmt.Sprintf("bids/%d", in.BidID), filename, in.Content, "bid", in.BidID)
	if err != nil {
		return nil, err
	}
	var doc *ent.Document
	err = s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		_, comp, err := changeBid(ctx, tx, in.BidID, time.Now().UTC())
		if err != nil {
			return err
		}
		if in.Question != "" {
			q, ok := comp.Scheme.Criterion(in.Question)
			if !ok {
				return domain.Problems{{Field: "file", Message: fmt.Sprintf("There is no question %q in this competition", in.Question)}}
			}
			if err := domain.CheckAppendix(q, filename, stored.Size); err != nil {
				return err
			}
		}
		doc, err = stored.record(ctx, tx.Document.Create()).SetFilename(filename).SetBidID(in.BidID).SetQuestionKey(in.Question).Save(ctx)
		if err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "document.uploaded", "document", doc.ID, nil,
			map[string]any{"bid": in.BidID, "sha256": stored.SHA256, "size": stored.Size})
	})
	if err != nil {
		_ = s.Docs.Delete(context.WithoutCancel(ctx), stored.Key) // nothing half-written
		return nil, err
	}
	return doc, nil
}

// DownloadLinkTTL is how long a signed download link works.
const DownloadLinkTTL = 5 * time.Minute

// Document is a document's record with a short-lived signed link to its bytes.
func (s *Service) Document(ctx context.Context, id int) (*ent.Document, string, time.Time, error) {
	d, err := s.DB.Document.Get(ctx, id)
	if err != nil {
		return nil, "", time.Time{}, err
	}
	if err := documentGone(d); err != nil {
		return nil, "", time.Time{}, err
	}
	if err := mayFetchDocument(ctx, d); err != nil {
		return nil, "", time.Time{}, err
	}
	if err := s.documentRead(ctx, d); err != nil {
		return nil, "", time.Time{}, err
	}
	u, err := s.Docs.DownloadURL(ctx, d.ObjectKey, d.Filename, d.ContentType, DownloadLinkTTL)
	if err != nil {
		return nil, "", time.Time{}, err
	}
	return d, u.String(), time.Now().Add(DownloadLinkTTL).UTC(), nil
}

// documentRead logs the read of a bid's document (others are not in the read log).
func (s *Service) documentRead(ctx context.Context, d *ent.Document) error {
	if d.BidID == nil {
		return nil
	}
	return s.bidRead(ctx, ReadOfDocument, d.ID, *d.BidID)
}

// OpenDocument opens a document the viewer may read; the caller closes the reader.
func (s *Service) OpenDocument(ctx context.Context, id int) (*ent.Document, io.ReadCloser, int64, error) {
	d, err := s.DB.Document.Get(ctx, id)
	if err != nil {
		return nil, nil, 0, err
	}
	if err := documentGone(d); err != nil {
		return nil, nil, 0, err
	}
	if err := mayFetchDocument(ctx, d); err != nil {
		return nil, nil, 0, err
	}
	if err := s.documentRead(ctx, d); err != nil {
		return nil, nil, 0, err
	}
	r, size, err := s.Docs.Open(ctx, d.ObjectKey)
	if err != nil {
		return nil, nil, 0, err
	}
	return d, r, size, nil
}

// SubmitBid seals a bid in one database transaction that checks the deadline against the
// server's clock, stamps the receipt time and queues the workflow's signal in the outbox. It
// never waits on Temporal, so it holds at the deadline and while Temporal is down. Submitting
// again returns the same receipt. Sent with an Idempotency-Key, its answer is kept in the same
// transaction (AnswerKeyedWith), so the seal and the answer its retries get commit together.
//
// The receipt time is when the request reached the API (WithArrival), or else the service,
// before it waits its turn for a slot or the database: on deadline day a bid that arrived in
// time is judged by when it arrived, not by how long the queue in front of it was.
func (s *Service) SubmitBid(ctx context.Context, id int) (*ent.Bid, error) {
	now := ArrivalOf(ctx).UTC()
	// A keyed retry of a submit first refused busy is received when that first attempt arrived.
	received := now
	if first := firstArrivalOf(ctx); first != nil && first.Before(now) {
		received = first.UTC()
	}
	asked := ctx
	// The receipt time holds only if the seal commits soon after it (see domain.CloseGrace).
	ctx, cancel := context.WithDeadline(ctx, now.Add(domain.SubmitCommitLimit))
	defer cancel()
	var out *ent.Bid
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) (err error) {
		if out, err = sealBid(ctx, tx, id, received, now); err != nil {
			return err
		}
		return keepAnswer(ctx, tx, out)
	})
	// Out of time, or the database's connections lost to other submits' cancellations: either
	// way nothing was sealed, and it may be sent again.
	if err != nil && (errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, driver.ErrBadConn)) {
		// The commit may have reached the database before its answer was cut off: a bid that is
		// sealed is answered with its receipt, never told that nothing was sealed.
		if b, ok := s.sealedBy(asked, id, received); ok {
			return b, nil
		}
		return nil, fmt.Errorf("%w: %w", ErrSubmitTooSlow, err)
	}
	return out, err
}

// sealBid seals the draft bid id in tx, received at received (now, or a keyed retry's first
// arrival: domain.LateRetryWindow); a bid already sealed is returned as it is.
func sealBid(ctx context.Context, tx *ent.Tx, id int, received, now time.Time) (*ent.Bid, error) {
	b, comp, err := changeBid(ctx, tx, id, received)
	if b != nil && b.Status != domain.BidDraft {
		// A repeat (a double click, a retry), or a submit that committed while this one
		// waited for the competition's row: the first receipt stands.
		return b, nil
	}
	if err == nil && now.After(DeadlineFor(comp, b.OrganisationID).Add(domain.LateRetryWindow)) {
		err = b.Status.CheckChange(comp.Status, DeadlineFor(comp, b.OrganisationID), now) // too late even so
	}
	if err != nil {
		return nil, err
	}
	if err := ContentOf(b).Missing(RulesOf(comp)).Err(); err != nil {
		return nil, err
	}
	hash := ContentHash(b)
	receipt := fmt.Sprintf("CAT-%d-%d-%s", comp.ID, b.ID, strings.ToUpper(hash[:10]))
	// Seal only a draft: of two submits racing, the second finds the first's seal here and
	// returns its receipt.
	out, err := tx.Bid.UpdateOne(b).Where(bid.StatusEQ(domain.BidDraft)).
		SetStatus(domain.BidSubmitted).SetSubmittedAt(received).SetReceipt(receipt).SetContentHash(hash).Save(ctx)
	if ent.IsNotFound(err) {
		return tx.Bid.Get(ctx, b.ID)
	}
	if err != nil {
		return nil, err
	}
	if err := (workflows.Outbox{Tx: tx}).BidSubmitted(authz.AsSystem(ctx, submitPath), comp.ID, b.ID); err != nil {
		return nil, err
	}
	if err := records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "bid.submitted", "bid", b.ID,
		map[string]any{"status": b.Status}, map[string]any{"status": domain.BidSubmitted, "receipt": receipt, "content_hash": hash}); err != nil {
		return nil, err
	}
	// The receipt goes to the supplier by email too, in the seal's transaction: kept outside
	// Catalyst, it is their proof of what was received and when.
	v, _ := authz.FromContext(ctx)
	template, values := domain.NoticeBidReceived, map[string]string{
		"title": b.Title, "at": domain.FormatTime(received), "receipt": receipt, "link": "/receipts/check"}
	if v.AssistedBy != "" { // the supplier's own receipt still comes to them, saying who sent it
		helper, err := tx.Person.Query().Where(person.Email(v.AssistedBy)).Only(authz.AsSystem(ctx, submitPath))
		if err != nil {
			return nil, err
		}
		template, values["helper"] = domain.NoticeSubmittedForYou, helper.Name
	}
	if v.PersonID != 0 {
		if err := records.Notify(ctx, tx, v.PersonID, template, "bid", b.ID, values); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// sealedBy finds the bid sealed by the submit that arrived at now, if its seal committed.
func (s *Service) sealedBy(asked context.Context, id int, now time.Time) (*ent.Bid, bool) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(asked), 10*time.Second)
	defer cancel()
	b, err := s.DB.Bid.Query().Where(bid.ID(id), bid.StatusEQ(domain.BidSubmitted),
		bid.SubmittedAtGTE(now.Truncate(time.Microsecond)), bid.SubmittedAtLTE(now.Add(time.Microsecond))).Only(ctx)
	return b, err == nil
}

type arrivalKey struct{}

// WithArrival marks when a submit reached Catalyst, before it waited for a turn to be served: its
// receipt time. Without it, the receipt time is when SubmitBid is called.
func WithArrival(ctx context.Context, at time.Time) context.Context {
	return context.WithValue(ctx, arrivalKey{}, at)
}

// ArrivalOf is when the submit in ctx arrived (WithArrival), or now.
func ArrivalOf(ctx context.Context) time.Time {
	if at, ok := ctx.Value(arrivalKey{}).(time.Time); ok {
		return at
	}
	return time.Now()
}

// ErrSubmitTooSlow is a submit that could not be sealed within domain.SubmitCommitLimit of its
// arrival, so its receipt time would not be true: nothing was sealed, and it may be sent again.
var ErrSubmitTooSlow = errors.New("too many bids are being submitted at this moment and yours could not be sealed in time")

// SealedForm is the canonical form of a sealed bid that its receipt's hash is taken over: every
// field the supplier wrote, and each document's SHA-256, in a fixed order (Go's JSON encoding
// of this struct, maps with their keys sorted). Anyone holding it can hash it again.
type SealedForm struct {
	Form           string             `json:"form"`
	BidID          int                `json:"bid_id"`
	CompetitionID  int                `json:"competition_id"`
	OrganisationID int                `json:"organisation_id"`
	Title          string             `json:"title"`
	Summary        string             `json:"summary"`
	Fields         []string           `json:"fields"`
	Answers        map[string]string  `json:"answers"`
	NetPrice       int64              `json:"net_price_pence"`
	VATRate        int                `json:"vat_rate"`
	Total          int64              `json:"total_pence"`
	Milestones     []domain.Milestone `json:"milestones"`
	Declarations   map[string]bool    `json:"declarations"`
	Documents      []SealedDocument   `json:"documents"`
}

// SealedDocument is one document as a receipt seals it.
type SealedDocument struct {
	SHA256   string `json:"sha256"`
	Filename string `json:"filename"`
	Question string `json:"question,omitempty"`
}

// sealedFormName names this canonical form, so that a later one can be told apart.
const sealedFormName = "catalyst-bid-v1"

// SealedFormOf is the canonical form of a bid with its documents loaded.
func SealedFormOf(b *ent.Bid) SealedForm {
	f := SealedForm{Form: sealedFormName, BidID: b.ID, CompetitionID: b.CompetitionID, OrganisationID: b.OrganisationID,
		Title: b.Title, Summary: b.Summary, Fields: slices.Clone(b.Fields), Answers: b.Answers,
		NetPrice: int64(b.NetPrice), VATRate: int(b.VatRate), Total: int64(b.Amount), Milestones: b.Milestones,
		Declarations: b.Declarations, Documents: []SealedDocument{}}
	slices.Sort(f.Fields)
	// Nothing written and an empty list seal alike.
	if f.Fields == nil {
		f.Fields = []string{}
	}
	if f.Answers == nil {
		f.Answers = map[string]string{}
	}
	if f.Milestones == nil {
		f.Milestones = []domain.Milestone{}
	}
	if f.Declarations == nil {
		f.Declarations = map[string]bool{}
	}
	for _, d := range b.Edges.Documents {
		f.Documents = append(f.Documents, SealedDocument{SHA256: d.Sha256, Filename: d.Filename, Question: d.QuestionKey})
	}
	sort.Slice(f.Documents, func(i, j int) bool {
		a, b := f.Documents[i], f.Documents[j]
		return a.SHA256+a.Filename+a.Question < b.SHA256+b.Filename+b.Question
	})
	return f
}

// Canonical is the form's bytes as hashed.
func (f SealedForm) Canonical() []byte {
	out, _ := json.Marshal(f) // a fixed struct of strings, numbers, slices and maps: it cannot fail
	return out
}

// ContentHash is the SHA-256 of a bid's canonical sealed form, in hex.
func ContentHash(b *ent.Bid) string { return SealedFormOf(b).Hash() }

// Hash is the SHA-256 of the form's canonical bytes, in hex: what a receipt carries.
func (f SealedForm) Hash() string {
	sum := sha256.Sum256(f.Canonical())
	return hex.EncodeToString(sum[:])
}

// RecordAssessment is one assessor's scores for one bid. The assessor defaults to the
// signed-in person.
type RecordAssessment struct {
	CompetitionID int
	BidID         int
	AssessorID    int
	Scores        map[string]domain.CriterionScore
	PassFail      map[string]domain.PassFailAnswer
	InScope, Fund *bool
}

// RecordAssessment records an assessor's scoring of a bid assigned to them, and returns the
// weighted percentage it came to.
func (s *Service) RecordAssessment(ctx context.Context, in RecordAssessment) (float64, error) {
	comp, err := s.DB.Competition.Get(ctx, in.CompetitionID)
	if err != nil {
		return 0, err
	}
	// An assessor scores as themselves, and only a bid assigned to them: the bid is visible to
	// them through the privacy rules only then.
	v, _ := authz.FromContext(ctx)
	if in.AssessorID == 0 {
		in.AssessorID = v.PersonID
	}
	if in.AssessorID != v.PersonID {
		return 0, forbidden("you can only record your own assessment")
	}
	var ps domain.Problems
	if in.BidID == 0 {
		ps.Add("bid_id", "say which bid the assessment is for (bid_id)")
	} else if _, err := s.DB.Bid.Query().Where(bid.ID(in.BidID), bid.CompetitionID(in.CompetitionID)).Only(ctx); err != nil {
		return 0, err // a bid not assigned to the assessor is not found, whatever else is wrong
	}
	if in.InScope == nil {
		ps.Add("in_scope", "Say whether the bid is in scope")
	}
	if in.Fund == nil {
		ps.Add("fund", "Say whether you would fund the bid")
	}
	// Every score and comment is checked here, field by field, before the workflow is asked.
	var scored domain.Problems
	if errors.As(comp.Scheme.ValidateAssessment(domain.Assessment{Scores: in.Scores, PassFail: in.PassFail}), &scored) {
		ps = append(scored, ps...)
	}
	if err := ps.Err(); err != nil {
		return 0, err
	}
	if comp.AssessmentsInRecords {
		return s.writeAssessment(ctx, in)
	}
	if err := comp.Status.CheckAssess(); err != nil && !s.Lifecycle.Sent(ctx, workflows.CompetitionWorkflowID(comp.ID), workflows.UpdateRecordAssessment) {
		return 0, err // refused at once, rather than asking a workflow that may not be running
	}
	out, err := s.Lifecycle.RecordAssessment(ctx, in.CompetitionID, workflows.RecordAssessmentRequest{
		BidID: in.BidID, AssessorID: in.AssessorID,
		Assessment: domain.Assessment{Scores: in.Scores, PassFail: in.PassFail, InScope: *in.InScope, Fund: *in.Fund},
		Actor:      authz.ActorOf(ctx, ""),
	})
	return out.Percent, err
}

// writeAssessment records an assessment straight to the records, for a competition whose
// workflow reads them there at the decision: no workflow task for each one. It holds the
// competition's row, so the decision (which moves it on) comes wholly before or after it.
func (s *Service) writeAssessment(ctx context.Context, in RecordAssessment) (float64, error) {
	var out records.AssessmentOutput
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		sys := authz.AsSystem(ctx, assessingName)
		held, err := tx.Competition.Update().Where(competition.ID(in.CompetitionID), competition.StatusEQ(domain.CompetitionAssessment)).
			SetUpdatedAt(time.Now().UTC()).Save(sys)
		if err != nil {
			return err
		}
		if held == 0 {
			c, err := tx.Competition.Get(sys, in.CompetitionID)
			if err != nil {
				return err
			}
			return c.Status.CheckAssess()
		}
		out, err = records.WriteAssessment(ctx, tx, records.AssessmentInput{
			CompetitionID: in.CompetitionID, BidID: in.BidID, AssessorID: in.AssessorID,
			Assessment: domain.Assessment{Scores: in.Scores, PassFail: in.PassFail, InScope: *in.InScope, Fund: *in.Fund},
			Actor:      authz.ActorOf(ctx, ""),
		})
		return err
	})
	return out.Percent, err
}

// assessingName is the system identity that holds a competition's row while an assessment is
// written.
const assessingName = "assessing"

// Decision is a competition's funding decision: top down when Chosen is empty, else the chosen
// portfolio of bids, checked against the caps; the panel's reason for any bid's outcome; and,
// when there are too few assessors, the lower minimum it goes ahead with and why.
type Decision struct {
	CompetitionID int
	Chosen        []int
	Reasons       map[int]string
	Lowered       *domain.LoweredMinimum
}

// checkDecision names every problem with a decision's own answers (the panel's reasons, a lower
// minimum) and returns the reasons as cleaned.
func (s *Service) checkDecision(ctx context.Context, comp *ent.Competition, in Decision) (map[int]string, error) {
	var ps domain.Problems
	reasons := map[int]string{}
	for id, why := range in.Reasons {
		why, p := domain.DecisionNote.Clean(why)
		if p != nil {
			p.Field = fmt.Sprintf("reasons.%d", id)
			ps = append(ps, *p)
		} else if why != "" {
			reasons[id] = why
		}
	}
	if len(reasons) > 0 {
		ids := make([]int, 0, len(reasons))
		for id := range reasons {
			ids = append(ids, id)
		}
		n, err := s.DB.Bid.Query().Where(bid.IDIn(ids...), bid.CompetitionID(comp.ID)).Count(ctx)
		if err != nil {
			return nil, err
		}
		if n != len(ids) {
			ps.Add("reasons", "Give reasons only for this competition's bids")
		}
	}
	if in.Lowered != nil {
		if err := in.Lowered.Check(comp.Scheme); err != nil {
			var lp domain.Problems
			if errors.As(err, &lp) {
				ps = append(ps, lp...)
			}
		}
	}
	return reasons, ps.Err()
}

// decisionEvidence is what a decision waits for beyond the competition's state: every score
// sent back to its assessor (unless the programme excludes it instead) and, with an interview
// stage, every shortlisted bid's interview score. Too few assessments a bid is not here: the
// decision may go ahead with a lower minimum and a reason.
func (s *Service) decisionEvidence(ctx context.Context, comp *ent.Competition) error {
	// Read as the rule's own: who holds a score back is named to whoever the decision waits on.
	back, err := s.DB.Assessment.Query().Where(assessment.HasBidWith(bid.CompetitionID(comp.ID)), assessment.ReturnedNotNil(),
		assessment.ExclusionIsNil()).WithBid().WithAssessor().Order(ent.Asc(assessment.FieldID)).All(authz.AsSystem(ctx, "decision"))
	if err != nil {
		return err
	}
	if len(back) > 0 {
		var waiting []string
		for _, a := range back {
			waiting = append(waiting, fmt.Sprintf("%s's scores of %s", a.Edges.Assessor.Name, a.Edges.Bid.Title))
		}
		return &domain.TransitionError{Record: "competition", Action: "decide", From: string(comp.Status), Kind: domain.ErrEvidenceMissing,
			Reason: "scores sent back to their assessors are not in yet (" + strings.Join(waiting, "; ") + "): wait for them, or exclude them"}
	}
	return s.interviewsHeld(ctx, comp)
}

// mayDecide is the rule for proposing the decision, which ProposeDecision applies and the
// panel sheet offers by: the competition in assessment, no other proposal waiting, and the
// evidence the decision waits for.
func (s *Service) mayDecide(ctx context.Context, comp *ent.Competition) error {
	if _, err := comp.Status.Decide(); err != nil {
		return err
	}
	if err := domain.CheckProposal(comp.FundingProposal, comp.Status); err != nil {
		return err
	}
	if err := s.noInterestInBidders(ctx, comp.ID); err != nil {
		return err
	}
	return s.decisionEvidence(ctx, comp)
}

// ConfirmBid confirms a submitted bid again after the competition's questions were amended,
// before the supplier's deadline. Confirming when nothing needs it changes nothing.
func (s *Service) ConfirmBid(ctx context.Context, id int) (*ent.Bid, error) {
	var out *ent.Bid
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		now := time.Now().UTC()
		compID, err := tx.Bid.Query().Where(bid.ID(id)).QueryCompetition().OnlyID(ctx)
		if err != nil {
			return err
		}
		// The competition's row first, as every change to a bid takes it: serialised with the close.
		if _, err := tx.Competition.Update().Where(competition.ID(compID)).SetUpdatedAt(now).Save(authz.AsSystem(ctx, submitPath)); err != nil {
			return err
		}
		b, err := tx.Bid.Get(ctx, id)
		if err != nil {
			return err
		}
		comp, err := tx.Competition.Get(ctx, compID)
		if err != nil {
			return err
		}
		if err := b.Status.CheckConfirm(comp.Status, DeadlineFor(comp, b.OrganisationID), now); err != nil {
			return err
		}
		if !domain.NeedsConfirmation(b.SubmittedAt, b.ConfirmedAt, comp.AmendedAt) {
			out = b
			return nil
		}
		if out, err = tx.Bid.UpdateOne(b).SetConfirmedAt(now).Save(ctx); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "bid.confirmed", "bid", b.ID, nil, map[string]any{"confirmed_at": now})
	})
	return out, err
}

// RemoveDocument takes a document off a draft bid before the deadline, and out of the store.
// A sealed bid's documents are never removed.
func (s *Service) RemoveDocument(ctx context.Context, id int) (*ent.Document, error) {
	d, err := s.DB.Document.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if d.BidID == nil {
		return nil, forbidden("only a bid's documents can be removed, while the bid is a draft")
	}
	err = s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		if _, _, err := changeBid(ctx, tx, *d.BidID, time.Now().UTC()); err != nil {
			return err
		}
		// Documents are otherwise never deleted: the bid path removes one from a draft its
		// supplier may change, which changeBid has just checked.
		if err := tx.Document.DeleteOneID(d.ID).Exec(authz.AsSystem(ctx, submitPath)); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "document.removed", "document", d.ID,
			map[string]any{"bid": *d.BidID, "sha256": d.Sha256, "filename": d.Filename}, nil)
	})
	if err != nil {
		return nil, err
	}
	_ = s.Docs.Delete(context.WithoutCancel(ctx), d.ObjectKey) // the record is gone; a stray object is harmless
	return d, nil
}
