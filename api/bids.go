package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/docstore"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/ent/document"
	"github.com/catalyst-sbri/catalyst/ent/organisation"
	"github.com/catalyst-sbri/catalyst/ui"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// submitPath is the system identity of the bid path's own work on a competition's row: a
// supplier may not otherwise change a competition.
const submitPath = "submit-path"

// changeBid is the one check every change to a bid makes inside its transaction (its details,
// its documents, its submission): the bid is a draft and its competition takes changes at now.
// It touches the competition's row first, which serialises the change with the deadline's close
// (the close updates the same row first): a change either commits before the close counts, or
// finds the competition closed.
func changeBid(ctx context.Context, tx *ent.Tx, id int, now time.Time) (*ent.Bid, *ent.Competition, error) {
	b, err := tx.Bid.Query().Where(bid.ID(id)).WithDocuments().Only(ctx)
	if err != nil {
		return nil, nil, err
	}
	if _, err := tx.Competition.Update().Where(competition.ID(b.CompetitionID), competition.StatusEQ(domain.CompetitionOpen)).
		SetUpdatedAt(now).Save(authz.AsSystem(ctx, submitPath)); err != nil {
		return nil, nil, err
	}
	comp, err := tx.Competition.Get(ctx, b.CompetitionID)
	if err != nil {
		return nil, nil, err
	}
	return b, comp, b.Status.CheckChange(comp.Status, comp.ClosesAt, now)
}

func (s *Server) getCompetition(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	comp, err := s.DB.Competition.Query().Where(competition.ID(id)).
		WithBids(func(q *ent.BidQuery) {
			q.Where(bid.StatusNEQ(domain.BidDraft)).Order(ent.Asc(bid.FieldID)).WithOrganisation()
		}).
		WithContracts(func(q *ent.ContractQuery) { q.WithOrganisation().WithGateDecision() }).
		Only(c.Request().Context())
	if err != nil {
		return err
	}
	v := competitionView(comp)
	v.SubmittedBids = len(comp.Edges.Bids)
	if !sealed(comp) {
		for _, b := range comp.Edges.Bids {
			v.Bids = append(v.Bids, bidViewFor(c.Request().Context(), comp)(b))
		}
	}
	for _, k := range comp.Edges.Contracts {
		v.Contracts = append(v.Contracts, contractView(k))
	}
	return c.JSON(http.StatusOK, v)
}

func (s *Server) listBids(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	comp, err := s.DB.Competition.Get(ctx, id)
	if err != nil {
		return err
	}
	if sealed(comp) {
		return conflict("bids-sealed", "bids are sealed until the deadline at %s (UK time)", ui.Time(comp.ClosesAt))
	}
	after, limit, err := pageArgs(c)
	if err != nil {
		return err
	}
	rows, err := s.DB.Bid.Query().Where(bid.CompetitionID(id), bid.StatusNEQ(domain.BidDraft), bid.IDGT(after)).
		Order(ent.Asc(bid.FieldID)).Limit(limit + 1).WithOrganisation().WithDocuments().All(ctx)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageOf(rows, limit, func(b *ent.Bid) int { return b.ID }, bidViewFor(ctx, comp)))
}

// CreateBidRequest starts a draft bid. The organisation defaults to the signed-in supplier's.
type CreateBidRequest struct {
	OrganisationID int    `json:"organisation_id"`
	Title          string `json:"title"`
	Summary        string `json:"summary"`
	AmountPence    int64  `json:"amount_pence"`
}

func (s *Server) createBid(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.DB.Competition.Get(c.Request().Context(), id); err != nil {
		return err
	}
	var req CreateBidRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	// A supplier bids for its own organisation, and only that one.
	v, _ := currentViewer(c)
	if req.OrganisationID == 0 {
		req.OrganisationID = v.OrganisationID
	}
	if req.OrganisationID != v.OrganisationID {
		return forbidden("you can only bid for your own organisation")
	}
	var ps domain.Problems
	req.Title = domain.BidTitle.CleanAll(req.Title, &ps)
	req.Summary = domain.BidSummary.CleanAll(req.Summary, &ps)
	if req.OrganisationID == 0 {
		ps.Add("organisation_id", "you are not a member of a supplier organisation: ask the programme team to add you to one")
	}
	if req.AmountPence <= 0 {
		ps.Add("amount_pence", "enter the price of the work in pence, VAT included, more than 0")
	}
	if err := ps.Err(); err != nil {
		return err
	}
	ctx := c.Request().Context()
	var out *ent.Bid
	err = s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		comp, err := tx.Competition.Get(ctx, id)
		if err != nil {
			return err
		}
		if err := domain.BidDraft.CheckChange(comp.Status, comp.ClosesAt, time.Now()); err != nil {
			return err
		}
		org, err := tx.Organisation.Query().Where(organisation.ID(req.OrganisationID)).Only(ctx)
		if ent.IsNotFound(err) {
			return invalid("organisation %d does not exist", req.OrganisationID)
		}
		if err != nil {
			return err
		}
		if org.PublicBody {
			return domain.Problems{{Field: "organisation_id", Message: fmt.Sprintf("%s is a public body: only suppliers bid", org.Name)}}
		}
		if comp.Phase == 2 && !contains(comp.EligibleOrganisations, org.ID) {
			return newProblem(http.StatusForbidden, "not-eligible", "Not eligible",
				fmt.Sprintf("%s cannot bid: phase 2 is open only to the phase 1 suppliers the stage gate continued", org.Name))
		}
		if domain.Money(req.AmountPence) > comp.MaxContract {
			return invalid("the price %s is above this competition's maximum of %s per contract", domain.Money(req.AmountPence), comp.MaxContract)
		}
		if existing, err := tx.Bid.Query().Where(bid.CompetitionID(comp.ID), bid.OrganisationID(org.ID)).OnlyID(ctx); err == nil {
			return conflict("bid-exists", "%s already has a bid in this competition (bid %d): change that one", org.Name, existing)
		}
		b, err := tx.Bid.Create().SetCompetitionID(comp.ID).SetOrganisationID(org.ID).SetTitle(req.Title).
			SetSummary(req.Summary).SetAmount(domain.Money(req.AmountPence)).Save(ctx)
		if err != nil {
			return err
		}
		out = b
		return activities.Audit(ctx, tx, actor(c, ""), "bid.created", "bid", b.ID, nil, map[string]any{"competition": comp.ID, "organisation": org.ID})
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, bidView(out))
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func (s *Server) getBid(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	b, err := s.DB.Bid.Query().Where(bid.ID(id)).WithOrganisation().WithCompetition().
		WithDocuments(func(q *ent.DocumentQuery) { q.Order(ent.Asc(document.FieldID)) }).Only(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, bidViewFor(c.Request().Context(), b.Edges.Competition)(b))
}

// uploadDocument streams one file (multipart field "file") to the object store, then records
// it. The bytes never sit whole in memory or on local disk.
func (s *Server) uploadDocument(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	// Refuse at once what the transaction below would refuse, before the upload is streamed.
	b, err := s.DB.Bid.Query().Where(bid.ID(id)).WithCompetition().Only(ctx)
	if err != nil {
		return err
	}
	if err := b.Status.CheckChange(b.Edges.Competition.Status, b.Edges.Competition.ClosesAt, time.Now()); err != nil {
		return err
	}
	c.Request().Body = http.MaxBytesReader(c.Response(), c.Request().Body, s.Docs.MaxSize()+(1<<20))
	mr, err := c.Request().MultipartReader()
	if err != nil {
		return badRequest("send the document as multipart/form-data, in a field named \"file\"")
	}
	var part *multipart.Part
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return badRequest("there is no field named \"file\" in the form")
		}
		if err != nil {
			return badRequest("the form could not be read: %v", err)
		}
		if p.FormName() == "file" {
			part = p
			break
		}
	}
	filename, err := domain.DocumentName(part.FileName())
	if err != nil {
		return err
	}
	stored, err := s.Docs.Put(ctx, docstore.NewKey(fmt.Sprintf("bids/%d", id)), part)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return fmt.Errorf("%w: the limit is %d MB", docstore.ErrTooLarge, s.Docs.MaxSize()>>20)
	}
	if err != nil {
		return err
	}
	var doc *ent.Document
	err = s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		if _, _, err := changeBid(ctx, tx, id, time.Now().UTC()); err != nil {
			return err
		}
		doc, err = tx.Document.Create().SetObjectKey(stored.Key).SetFilename(filename).SetContentType(stored.ContentType).
			SetSize(stored.Size).SetSha256(stored.SHA256).SetBidID(id).Save(ctx)
		if err != nil {
			return err
		}
		return activities.Audit(ctx, tx, actor(c, ""), "document.uploaded", "document", doc.ID, nil,
			map[string]any{"bid": id, "sha256": stored.SHA256, "size": stored.Size})
	})
	if err != nil {
		_ = s.Docs.Delete(context.WithoutCancel(ctx), stored.Key) // nothing half-written
		return err
	}
	return c.JSON(http.StatusCreated, documentView(doc))
}

// DocumentWithLink adds a short-lived signed download link.
type DocumentWithLink struct {
	DocumentView
	DownloadURL string    `json:"download_url"`
	Expires     time.Time `json:"download_url_expires"`
}

const downloadLinkTTL = 5 * time.Minute

func (s *Server) getDocument(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	d, err := s.DB.Document.Get(ctx, id)
	if err != nil {
		return err
	}
	u, err := s.Docs.DownloadURL(ctx, d.ObjectKey, d.Filename, d.ContentType, downloadLinkTTL)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, DocumentWithLink{DocumentView: documentView(d), DownloadURL: u.String(), Expires: time.Now().Add(downloadLinkTTL).UTC()})
}

func (s *Server) downloadDocument(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	d, err := s.DB.Document.Get(ctx, id)
	if err != nil {
		return err
	}
	r, size, err := s.Docs.Open(ctx, d.ObjectKey)
	if err != nil {
		return err
	}
	defer r.Close()
	h := c.Response().Header()
	h.Set("Content-Disposition", docstore.ContentDisposition(d.Filename))
	h.Set("X-Content-SHA256", d.Sha256)
	h.Set("Cache-Control", "private, no-store")
	return c.Stream(http.StatusOK, d.ContentType, io.LimitReader(r, size))
}

// Receipt is what a supplier gets when its bid is sealed.
type Receipt struct {
	BidID       int       `json:"bid_id"`
	Receipt     string    `json:"receipt"`
	SubmittedAt time.Time `json:"submitted_at"`
	ContentHash string    `json:"content_hash"`
	Message     string    `json:"message"`
}

// submitBid seals a bid in one database transaction that checks the deadline against the
// server's clock, stamps the receipt time and queues the workflow's signal in the outbox. It
// never waits on Temporal, so it holds at the deadline and while Temporal is down. Submitting
// again returns the same receipt.
func (s *Server) submitBid(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	var out *ent.Bid
	err = s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		b, err := tx.Bid.Get(ctx, id)
		if err != nil {
			return err
		}
		if b.Status != domain.BidDraft {
			out = b // a repeat (a double click, a retry): the first receipt stands
			return nil
		}
		now := time.Now().UTC()
		b, comp, err := changeBid(ctx, tx, id, now)
		if err != nil {
			return err
		}
		sys := authz.AsSystem(ctx, submitPath)
		hash := contentHash(b)
		receipt := fmt.Sprintf("CAT-%d-%d-%s", comp.ID, b.ID, strings.ToUpper(hash[:10]))
		// Seal only a draft: of two submits racing, the second finds the first's seal here and
		// returns its receipt.
		sealed, err := tx.Bid.Update().Where(bid.ID(b.ID), bid.StatusEQ(domain.BidDraft)).
			SetStatus(domain.BidSubmitted).SetSubmittedAt(now).SetReceipt(receipt).SetContentHash(hash).Save(ctx)
		if err != nil {
			return err
		}
		if out, err = tx.Bid.Get(ctx, b.ID); err != nil || sealed == 0 {
			return err
		}
		payload, _ := json.Marshal(workflows.BidSubmittedSignal{BidID: b.ID})
		if err := tx.OutboxMessage.Create().SetWorkflowID(workflows.CompetitionWorkflowID(comp.ID)).
			SetSignal(workflows.SignalBidSubmitted).SetPayload(payload).Exec(sys); err != nil {
			return err
		}
		return activities.Audit(ctx, tx, actor(c, ""), "bid.submitted", "bid", b.ID,
			map[string]any{"status": b.Status}, map[string]any{"status": domain.BidSubmitted, "receipt": receipt, "content_hash": hash})
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, Receipt{
		BidID: out.ID, Receipt: *out.Receipt, SubmittedAt: *out.SubmittedAt, ContentHash: out.ContentHash,
		Message: fmt.Sprintf("Your bid was received at %s (UK time). Keep your receipt number: %s.", ui.Time(*out.SubmittedAt), *out.Receipt),
	})
}

// contentHash fingerprints what was sealed: the bid's fields and each document's SHA-256.
func contentHash(b *ent.Bid) string {
	h := sha256.New()
	fmt.Fprintf(h, "bid:%d\ncompetition:%d\norganisation:%d\ntitle:%s\nsummary:%s\namount:%d\n",
		b.ID, b.CompetitionID, b.OrganisationID, b.Title, b.Summary, b.Amount)
	docs := make([]string, 0, len(b.Edges.Documents))
	for _, d := range b.Edges.Documents {
		docs = append(docs, d.Sha256+" "+d.Filename)
	}
	sort.Strings(docs)
	for _, d := range docs {
		fmt.Fprintf(h, "document:%s\n", d)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// AssessmentRequest is one assessor's scores for one bid. The assessor defaults to the
// signed-in person.
type AssessmentRequest struct {
	BidID      int                              `json:"bid_id"`
	AssessorID int                              `json:"assessor_id"`
	Scores     map[string]domain.CriterionScore `json:"scores"`
	PassFail   map[string]domain.PassFailAnswer `json:"pass_fail"`
	InScope    *bool                            `json:"in_scope"`
	Fund       *bool                            `json:"fund"`
}

func (s *Server) recordAssessment(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := s.DB.Competition.Get(ctx, id); err != nil {
		return err
	}
	var req AssessmentRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	// An assessor scores as themselves, and only a bid assigned to them: the bid is visible to
	// them through the privacy rules only then.
	v, _ := currentViewer(c)
	if req.AssessorID == 0 {
		req.AssessorID = v.PersonID
	}
	if req.AssessorID != v.PersonID {
		return forbidden("you can only record your own assessment")
	}
	if req.BidID == 0 {
		return invalid("enter bid_id")
	}
	if _, err := s.DB.Bid.Query().Where(bid.ID(req.BidID), bid.CompetitionID(id)).Only(ctx); err != nil {
		return err
	}
	var missing []string
	if req.InScope == nil {
		missing = append(missing, "in_scope")
	}
	if req.Fund == nil {
		missing = append(missing, "fund")
	}
	if len(missing) > 0 {
		return invalid("enter %s", strings.Join(missing, ", "))
	}
	out, err := s.svc.Lifecycle.RecordAssessment(ctx, id, workflows.RecordAssessmentRequest{
		BidID: req.BidID, AssessorID: req.AssessorID,
		Assessment: domain.Assessment{Scores: req.Scores, PassFail: req.PassFail, InScope: *req.InScope, Fund: *req.Fund},
		Actor:      actor(c, ""),
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"bid_id": req.BidID, "assessor_id": req.AssessorID, "percent": out.Percent})
}

// DecisionRequest records the funding decision: top down when chosen is empty, else the chosen
// portfolio of bid IDs, checked against the caps.
type DecisionRequest struct {
	Chosen []int `json:"chosen"`
}

func (s *Server) decide(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := s.DB.Competition.Get(ctx, id); err != nil {
		return err
	}
	var req DecisionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if _, err := s.svc.Lifecycle.Decide(ctx, id, workflows.DecideRequest{Chosen: req.Chosen, Actor: actor(c, "")}); err != nil {
		return err
	}
	return s.getCompetition(c)
}
