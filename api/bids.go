package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/docstore"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/ui"
)

func (s *Server) getCompetition(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	comp, err := s.Svc.Competition(ctx, id)
	if err != nil {
		return err
	}
	v := competitionView(comp)
	if !sealed(comp) {
		n, err := s.Svc.BidsReceived(ctx, comp.ID)
		if err != nil {
			return err
		}
		v.SubmittedBids = &n
	}
	if !sealed(comp) {
		for _, b := range comp.Edges.Bids {
			v.Bids = append(v.Bids, bidViewFor(ctx, comp)(b))
		}
	}
	for _, k := range comp.Edges.Contracts {
		v.Contracts = append(v.Contracts, contractView(k))
	}
	actions, err := s.Svc.CompetitionActions(ctx, comp)
	if err != nil {
		return err
	}
	v.Actions = actionViews(actions)
	return c.JSON(http.StatusOK, v)
}

func (s *Server) listBids(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	after, limit, err := pageArgs(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	comp, rows, err := s.Svc.ListBids(ctx, id, service.Page{After: after, Limit: limit})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageOf(rows, limit, func(b *ent.Bid) int { return b.ID }, bidViewFor(ctx, comp)))
}

// BidAnswersRequest is what a supplier writes in a bid; a field left out is left as it is.
type BidAnswersRequest struct {
	Title        *string             `json:"title"`
	Summary      *string             `json:"summary"`
	Fields       *[]string           `json:"fields"`
	Answers      map[string]string   `json:"answers"`
	PricePence   *int64              `json:"price_pence"`
	VATRate      *int                `json:"vat_rate"`
	Milestones   *[]domain.Milestone `json:"milestones"`
	Declarations map[string]bool     `json:"declarations"`
}

func (r BidAnswersRequest) answers() service.BidAnswers {
	return service.BidAnswers{Title: r.Title, Summary: r.Summary, Fields: r.Fields, Answers: r.Answers,
		NetPricePence: r.PricePence, VATRate: r.VATRate, Milestones: r.Milestones, Declarations: r.Declarations}
}

// CreateBidRequest starts a draft bid with whatever is written so far. The organisation
// defaults to the signed-in supplier's.
type CreateBidRequest struct {
	OrganisationID int `json:"organisation_id"`
	BidAnswersRequest
}

func (s *Server) createBid(c echo.Context) error {
	var req CreateBidRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	b, err := s.Svc.CreateBid(c.Request().Context(), service.CreateBid{CompetitionID: id, OrganisationID: req.OrganisationID,
		BidAnswers: req.answers()})
	if err != nil {
		return err
	}
	return s.respondBid(c, http.StatusCreated, b.ID)
}

// respondBid answers with the bid as it now is.
func (s *Server) respondBid(c echo.Context, status, id int) error {
	b, err := s.Svc.Bid(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(status, bidViewFor(c.Request().Context(), b.Edges.Competition)(b))
}

// BidTaskRequest is one task of a bid as the supplier saves it: about (title, summary,
// fields), question-KEY (answer), finances (price_pence, vat_rate), milestones, declarations.
type BidTaskRequest struct {
	Title        *string             `json:"title"`
	Summary      *string             `json:"summary"`
	Fields       *[]string           `json:"fields"`
	Answer       *string             `json:"answer"`
	PricePence   *int64              `json:"price_pence"`
	VATRate      *int                `json:"vat_rate"`
	Milestones   *[]domain.Milestone `json:"milestones"`
	Declarations map[string]bool     `json:"declarations"`
}

// bidTaskETag names one version of one task of a bid for If-Match.
func bidTaskETag(id int, task string, version int) string {
	return fmt.Sprintf(`"bid-%d-%s-v%d"`, id, task, version)
}

// saveBidTask saves one task of a draft bid. The save must name the task's version it was made
// on (If-Match with the task's etag from GET); a save of a version someone else in the
// organisation has since saved is refused with 412, never silently merged.
func (s *Server) saveBidTask(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	task := c.Param("task")
	var req BidTaskRequest
	if _, err := s.pathIDAndBody(c, &req); err != nil {
		return err
	}
	match := c.Request().Header.Get("If-Match")
	if match == "" {
		return NewProblem(http.StatusPreconditionRequired, "precondition-required", "Say which version you changed",
			fmt.Sprintf("send If-Match with the task's etag from GET /api/v1/bids/%d (or \"*\" to overwrite whatever is there)", id))
	}
	version := -1
	if match != "*" {
		version = -2 // names no version of this task: stale
		rest, ok := strings.CutPrefix(strings.Trim(match, `"`), fmt.Sprintf("bid-%d-%s-v", id, task))
		if n, err := strconv.Atoi(rest); ok && err == nil && n >= 0 {
			version = n
		}
	}
	in := service.SaveBidTask{BidID: id, Task: task, Version: version, BidAnswers: service.BidAnswers{Title: req.Title, Summary: req.Summary,
		Fields: req.Fields, NetPricePence: req.PricePence, VATRate: req.VATRate, Milestones: req.Milestones, Declarations: req.Declarations}}
	if req.Answer != nil {
		key, _ := domain.QuestionOfTask(task)
		in.Answers = map[string]string{key: *req.Answer}
	}
	b, err := s.Svc.SaveBidTask(c.Request().Context(), in)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", bidTaskETag(id, task, b.TaskSaves[task].Version))
	return s.respondBid(c, http.StatusOK, id)
}

func (s *Server) reopenBid(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	if _, err := s.Svc.ReopenBid(c.Request().Context(), id); err != nil {
		return err
	}
	return s.respondBid(c, http.StatusOK, id)
}

func (s *Server) withdrawBid(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	if _, err := s.Svc.WithdrawBid(c.Request().Context(), id); err != nil {
		return err
	}
	return s.respondBid(c, http.StatusOK, id)
}

func (s *Server) yourBids(c echo.Context) error {
	ctx := c.Request().Context()
	bids, err := s.Svc.YourBids(ctx)
	if err != nil {
		return err
	}
	out := struct {
		Items []BidView `json:"items"`
	}{Items: []BidView{}}
	now := time.Now()
	for _, b := range bids {
		v := bidViewFor(ctx, b.Edges.Competition)(b)
		due := service.DueNext(b, now)
		for _, d := range due {
			v.Due = append(v.Due, DueView{What: d.What, When: TimeOrNil(d.When), Link: d.Link, Yours: d.Yours})
		}
		v.Standing = string(service.StandingOf(due))
		out.Items = append(out.Items, v)
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) getBid(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	b, err := s.Svc.Bid(c.Request().Context(), id)
	if err != nil {
		return err
	}
	v := bidViewFor(c.Request().Context(), b.Edges.Competition)(b)
	if viewer, _ := CurrentViewer(c); viewer.Has(authz.Supplier) && viewer.OrganisationID == b.OrganisationID {
		v.Actions = actionViews(service.BidActions(b, b.Edges.Competition, time.Now()))
	}
	return c.JSON(http.StatusOK, v)
}

// uploadDocument streams one file (multipart field "file") to the object store, then records
// it. The bytes never sit whole in memory or on local disk.
func (s *Server) uploadDocument(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	// Refuse at once what the change's transaction would refuse, before the upload is streamed.
	if err := s.Svc.MayChangeBid(ctx, id); err != nil {
		return err
	}
	part, err := s.filePart(c)
	if err != nil {
		return err
	}
	doc, err := s.Svc.UploadDocument(ctx, service.UploadDocument{BidID: id, Question: c.QueryParam("question"), Filename: SentFilename(part.Header, part.FileName()), Content: part})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, documentView(doc))
}

// filePart is the upload's "file" field, streamed: nothing larger than the store takes is read.
func (s *Server) filePart(c echo.Context) (*multipart.Part, error) {
	c.Request().Body = http.MaxBytesReader(c.Response(), c.Request().Body, s.Docs.MaxSize()+(1<<20))
	mr, err := c.Request().MultipartReader()
	if err != nil {
		return nil, BadRequest("send the document as multipart/form-data, in a field named \"file\"")
	}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, BadRequest("there is no field named \"file\" in the form")
		}
		if err != nil {
			return nil, BadRequest("the form could not be read: %v", err)
		}
		if p.FormName() == "file" {
			return p, nil
		}
	}
}

// DocumentWithLink adds a short-lived signed download link.
type DocumentWithLink struct {
	DocumentView
	DownloadURL string    `json:"download_url"`
	Expires     time.Time `json:"download_url_expires"`
}

func (s *Server) getDocument(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	d, link, expires, err := s.Svc.Document(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, DocumentWithLink{DocumentView: documentView(d), DownloadURL: link, Expires: expires})
}

// checkDocument has the malware scanner check a document again now.
func (s *Server) checkDocument(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	d, err := s.Svc.CheckDocumentAgain(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, documentView(d))
}

func (s *Server) downloadDocument(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	d, r, size, err := s.Svc.OpenDocument(c.Request().Context(), id)
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

// submitBid seals a bid with a receipt; it never waits on Temporal. Submitting again returns
// the same receipt.
func (s *Server) submitBid(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	service.AnswerKeyedWith(ctx, func(b *ent.Bid) (service.Answer, error) { return service.JSONAnswer(http.StatusOK, receiptOf(b)) })
	out, err := s.Svc.SubmitBid(ctx, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, receiptOf(out))
}

// receiptOf is the answer to a bid's submit.
func receiptOf(b *ent.Bid) Receipt {
	return Receipt{BidID: b.ID, Receipt: *b.Receipt, SubmittedAt: *b.SubmittedAt, ContentHash: b.ContentHash,
		Message: fmt.Sprintf("Your bid was received at %s (UK time). Keep your receipt number: %s.", ui.Time(*b.SubmittedAt), *b.Receipt)}
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
	var req AssessmentRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	percent, err := s.Svc.RecordAssessment(c.Request().Context(), service.RecordAssessment{CompetitionID: id, BidID: req.BidID,
		AssessorID: req.AssessorID, Scores: req.Scores, PassFail: req.PassFail, InScope: req.InScope, Fund: req.Fund})
	if err != nil {
		return err
	}
	v, _ := CurrentViewer(c)
	return c.JSON(http.StatusOK, map[string]any{"bid_id": req.BidID, "assessor_id": v.PersonID, "percent": percent})
}

// DecisionRequest records the funding decision: top down when chosen is empty, else the chosen
// portfolio of bid IDs, checked against the caps.
type DecisionRequest struct {
	Chosen  []int          `json:"chosen"`
	Reasons map[int]string `json:"reasons"`
	// LoweredMinimum is the way out when there are too few assessors.
	LoweredMinimum *LoweredMinimum `json:"lowered_minimum"`
}

// LoweredMinimum goes ahead with fewer assessments per bid than the scheme asks, and says why.
type LoweredMinimum struct {
	Minimum int    `json:"minimum"`
	Reason  string `json:"reason"`
}

func (s *Server) decide(c echo.Context) error {
	var req DecisionRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	in := service.Decision{CompetitionID: id, Chosen: req.Chosen, Reasons: req.Reasons}
	if l := req.LoweredMinimum; l != nil {
		in.Lowered = &domain.LoweredMinimum{Minimum: l.Minimum, Reason: l.Reason}
	}
	if _, err := s.Svc.ProposeDecision(c.Request().Context(), in); err != nil {
		return err
	}
	return s.getPanel(c)
}

// ApprovalRequest is a panel chair's or budget holder's answer to a proposed decision.
type ApprovalRequest struct {
	Approve *bool  `json:"approve"`
	Reason  string `json:"reason"`
}

func (s *Server) approveDecision(c echo.Context) error {
	var req ApprovalRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	if req.Approve == nil {
		return domain.Problems{{Field: "approve", Message: "Say whether you approve the decision: true or false"}}
	}
	if err := s.Svc.ApproveDecision(c.Request().Context(), service.Approval{CompetitionID: id, Approve: *req.Approve, Reason: req.Reason}); err != nil {
		return err
	}
	return s.getPanel(c)
}

// WithdrawalRequest takes back the programme's proposed decision, saying why.
type WithdrawalRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) withdrawProposal(c echo.Context) error {
	var req WithdrawalRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	if err := s.Svc.WithdrawProposal(c.Request().Context(), id, req.Reason); err != nil {
		return err
	}
	return s.getPanel(c)
}

func (s *Server) removeDocument(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	if _, err := s.Svc.RemoveDocument(c.Request().Context(), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// SentFilename is the file's name exactly as the upload sent it. Go's multipart reader keeps
// only the last part of a path, which would quietly accept "../../etc/passwd"; the service
// refuses such a name, so it is read whole here.
func SentFilename(h textproto.MIMEHeader, fallback string) string {
	if _, params, err := mime.ParseMediaType(h.Get("Content-Disposition")); err == nil && params["filename"] != "" {
		return params["filename"]
	}
	return fallback
}
