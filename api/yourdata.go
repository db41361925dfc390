package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
)

// YourDataView is everything Catalyst holds about the signed-in person and their organisation:
// the JSON download of the "Your data" page and GET /api/v1/me/data are this one document.
type YourDataView struct {
	GatheredAt   time.Time              `json:"gathered_at"`
	Person       PersonView             `json:"person"`
	EmailOff     []string               `json:"email_off"`
	Organisation *OrganisationView      `json:"organisation,omitempty"`
	Members      []MemberView           `json:"members"`
	JoinRequests []JoinRequestView      `json:"join_requests"`
	Bids         []YourBidView          `json:"bids"`
	Documents    []DocumentView         `json:"documents"`
	Contracts    []YourContractView     `json:"contracts"`
	Challenges   []YourChallengeView    `json:"challenges"`
	Assignments  []YourAssignmentRecord `json:"assignments"`
	Interests    []InterestView         `json:"interests"`
	Notices      []NoticeView           `json:"notices"`
	Emails       []EmailView            `json:"emails"`
	Sessions     []SessionView          `json:"sessions"`
	Tokens       []TokenView            `json:"tokens"`
	Reads        []ReadView             `json:"reads"`
	Activity     []ActivityView         `json:"activity"`
	Corrections  []CorrectionView       `json:"corrections"`
	History      []AuditView            `json:"history"`
	Assistances  []AssistanceView       `json:"assistances"`
	// Actions are what the person may correct themselves: correct-organisation, or why not.
	Actions ActionList `json:"actions"`
}

// AssistanceView is a time someone in the programme team acted for the person.
type AssistanceView struct {
	Helper     string     `json:"helper"`
	ConsentHow string     `json:"consent_how"`
	Consent    string     `json:"consent"`
	StartedAt  time.Time  `json:"started_at"`
	EndedAt    *time.Time `json:"ended_at,omitempty"`
}

// MemberView is a person of the same organisation.
type MemberView struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// YourBidView is one of the organisation's bids, as held about it.
type YourBidView struct {
	ID            int        `json:"id"`
	CompetitionID int        `json:"competition_id"`
	Title         string     `json:"title"`
	Status        string     `json:"status"`
	AmountPence   int64      `json:"amount_pence"`
	SubmittedAt   *time.Time `json:"submitted_at,omitempty"`
	Receipt       string     `json:"receipt,omitempty"`
}

// YourContractView is one of the organisation's contracts.
type YourContractView struct {
	ID            int    `json:"id"`
	CompetitionID int    `json:"competition_id"`
	BidID         int    `json:"bid_id"`
	Status        string `json:"status"`
	ValuePence    int64  `json:"value_pence"`
}

// YourChallengeView is a challenge the person owns.
type YourChallengeView struct {
	ID    int    `json:"id"`
	Title string `json:"title"`
	Stage string `json:"stage"`
}

// YourAssignmentRecord is a bid given to the person to assess.
type YourAssignmentRecord struct {
	ID            int        `json:"id"`
	CompetitionID int        `json:"competition_id"`
	BidID         int        `json:"bid_id"`
	Status        string     `json:"status"`
	AcceptedAt    *time.Time `json:"accepted_at,omitempty"`
}

// SessionView is one of the person's signed-in sessions (never its secret).
type SessionView struct {
	// ID names the session for DELETE /api/v1/me/sessions/{id}, which ends it.
	ID         int       `json:"id"`
	Method     string    `json:"method"`
	StartedAt  time.Time `json:"started_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
}

// ActivityView is something the person did, or something done to their record: what the audit
// trail says of it, without the content of others' records.
type ActivityView struct {
	At         time.Time `json:"at"`
	Actor      string    `json:"actor"`
	Action     string    `json:"action"`
	RecordType string    `json:"record_type"`
	RecordID   int       `json:"record_id"`
	Reason     string    `json:"reason,omitempty"`
}

// CorrectionView is a request to correct a person's data, and its answer.
type CorrectionView struct {
	ID         int          `json:"id"`
	PersonID   int          `json:"person_id"`
	PersonName string       `json:"person_name,omitempty"`
	What       string       `json:"what"`
	AskedAt    time.Time    `json:"asked_at"`
	Status     string       `json:"status"`
	Answer     string       `json:"answer,omitempty"`
	AnsweredBy string       `json:"answered_by,omitempty"`
	AnsweredAt *time.Time   `json:"answered_at,omitempty"`
	Actions    []ActionView `json:"actions,omitempty"`
}

// CorrectionViewOf is a correction request as the API shows it to the viewer.
func CorrectionViewOf(ctx context.Context, r *ent.CorrectionRequest) CorrectionView {
	v := CorrectionView{ID: r.ID, PersonID: r.PersonID, What: r.What, AskedAt: r.CreatedAt, Status: string(r.Status),
		Answer: r.Answer, AnsweredBy: r.AnsweredBy, AnsweredAt: r.AnsweredAt, Actions: actionViews(service.CorrectionActions(ctx, r))}
	if p := r.Edges.Person; p != nil {
		v.PersonName = p.Name
	}
	return v
}

// YourDataViewOf is a person's data as one document.
func YourDataViewOf(ctx context.Context, d service.YourData) YourDataView {
	p := personView(ctx, d.Person)
	p.Actions = nil // the programme's actions on the record are not the person's data
	v := YourDataView{GatheredAt: d.At, Person: p, EmailOff: d.Person.EmailOff,
		Members: []MemberView{}, JoinRequests: []JoinRequestView{}, Bids: []YourBidView{}, Documents: []DocumentView{},
		Contracts: []YourContractView{}, Challenges: []YourChallengeView{}, Assignments: []YourAssignmentRecord{},
		Interests: []InterestView{}, Notices: []NoticeView{}, Emails: []EmailView{}, Sessions: []SessionView{},
		Tokens: []TokenView{}, Reads: []ReadView{}, Activity: []ActivityView{}, Corrections: []CorrectionView{}, History: []AuditView{}, Assistances: []AssistanceView{}, Actions: ActionList{}}
	if v.EmailOff == nil {
		v.EmailOff = []string{}
	}
	if d.Organisation != nil {
		o := organisationView(d.Organisation)
		v.Organisation = &o
	}
	for _, m := range d.Members {
		v.Members = append(v.Members, MemberView{Name: m.Name, Email: m.Email})
	}
	for _, r := range d.JoinRequests {
		v.JoinRequests = append(v.JoinRequests, joinRequestView(r))
	}
	for _, b := range d.Bids {
		y := YourBidView{ID: b.ID, CompetitionID: b.CompetitionID, Title: b.Title, Status: string(b.Status), AmountPence: int64(b.Amount), SubmittedAt: b.SubmittedAt}
		if b.Receipt != nil {
			y.Receipt = *b.Receipt
		}
		v.Bids = append(v.Bids, y)
	}
	for _, doc := range d.Documents {
		v.Documents = append(v.Documents, documentView(doc))
	}
	for _, k := range d.Contracts {
		v.Contracts = append(v.Contracts, YourContractView{ID: k.ID, CompetitionID: k.CompetitionID, BidID: k.BidID, Status: string(k.Status), ValuePence: int64(k.Value)})
	}
	for _, ch := range d.Challenges {
		v.Challenges = append(v.Challenges, YourChallengeView{ID: ch.ID, Title: ch.Title, Stage: string(ch.Stage)})
	}
	for _, a := range d.Assignments {
		v.Assignments = append(v.Assignments, YourAssignmentRecord{ID: a.ID, CompetitionID: a.CompetitionID, BidID: a.BidID, Status: string(a.Status), AcceptedAt: a.AcceptedAt})
	}
	for _, i := range d.Interests {
		v.Interests = append(v.Interests, InterestViewOf(i))
	}
	for _, n := range d.Notices {
		v.Notices = append(v.Notices, NoticeViewOf(n))
	}
	for _, e := range d.Emails {
		v.Emails = append(v.Emails, EmailViewOf(e))
	}
	for _, s := range d.Sessions {
		v.Sessions = append(v.Sessions, SessionView{ID: s.ID, Method: s.Method, StartedAt: s.CreatedAt, LastSeenAt: s.LastSeenAt, ExpiresAt: s.ExpiresAt})
	}
	for _, t := range d.Tokens {
		v.Tokens = append(v.Tokens, tokenView(t))
	}
	for _, r := range d.Reads {
		v.Reads = append(v.Reads, ReadViewOf(r))
	}
	for _, e := range d.Done {
		v.Activity = append(v.Activity, ActivityView{At: e.At, Actor: e.Actor, Action: e.Action, RecordType: e.RecordType, RecordID: e.RecordID, Reason: e.Reason})
	}
	for _, r := range d.Corrections {
		v.Corrections = append(v.Corrections, CorrectionViewOf(ctx, r))
	}
	for _, e := range d.History {
		v.History = append(v.History, AuditViewOf(e))
	}
	if as := actionViews(d.Actions); as != nil {
		v.Actions = as
	}
	for _, a := range d.Assistances {
		av := AssistanceView{ConsentHow: string(a.ConsentHow), Consent: a.Consent, StartedAt: a.CreatedAt, EndedAt: a.EndedAt}
		if h := a.Edges.Helper; h != nil {
			av.Helper = h.Name
		}
		v.Assistances = append(v.Assistances, av)
	}
	return v
}

func (s *Server) yourData(c echo.Context) error {
	ctx := c.Request().Context()
	d, err := s.Svc.YourData(ctx)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, YourDataViewOf(ctx, d))
}

// YourNameRequest corrects the name Catalyst shows for the signed-in person.
type YourNameRequest struct {
	Name string `json:"name"`
}

func (s *Server) correctYourName(c echo.Context) error {
	var req YourNameRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	p, err := s.Svc.CorrectYourName(c.Request().Context(), req.Name)
	if err != nil {
		return err
	}
	v := personView(c.Request().Context(), p)
	v.Actions = nil
	return c.JSON(http.StatusOK, v)
}

func (s *Server) correctOrganisation(c echo.Context) error {
	var req RegisterOrganisationRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	in, err := req.registration()
	if err != nil {
		return err
	}
	org, err := s.Svc.CorrectOrganisation(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, organisationView(org))
}

// CorrectionRequest asks the programme to correct something held about the signed-in person.
type CorrectionRequest struct {
	What string `json:"what"`
}

func (s *Server) askForCorrection(c echo.Context) error {
	var req CorrectionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	r, err := s.Svc.AskForCorrection(ctx, req.What)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, CorrectionViewOf(ctx, r))
}

func (s *Server) listCorrections(c echo.Context) error {
	ctx := c.Request().Context()
	rows, err := s.Svc.CorrectionRequests(ctx, c.QueryParam("status") == string(domain.CorrectionOpen))
	if err != nil {
		return err
	}
	out := make([]CorrectionView, 0, len(rows))
	for _, r := range rows {
		out = append(out, CorrectionViewOf(ctx, r))
	}
	return c.JSON(http.StatusOK, Page[CorrectionView]{Items: out})
}

// CorrectionAnswerRequest is the programme's answer to a request to correct a person's data.
type CorrectionAnswerRequest struct {
	Corrected *bool  `json:"corrected"`
	Answer    string `json:"answer"`
}

func (s *Server) answerCorrection(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	var req CorrectionAnswerRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if req.Corrected == nil {
		return domain.Problems{{Field: "corrected", Message: "Say whether you corrected it: true, or false with why not"}}
	}
	ctx := c.Request().Context()
	r, err := s.Svc.AnswerCorrection(ctx, service.AnswerCorrection{ID: id, Corrected: *req.Corrected, Answer: req.Answer})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, CorrectionViewOf(ctx, r))
}
