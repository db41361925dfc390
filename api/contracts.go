package api

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
)

func (s *Server) listContracts(c echo.Context) error {
	rows, err := s.Svc.Contracts(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]ContractView, 0, len(rows))
	for _, v := range rows {
		out = append(out, s.contractAnswer(c, v))
	}
	return c.JSON(http.StatusOK, Page[ContractView]{Items: out})
}

func (s *Server) getContract(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	return s.answerContract(c, id)
}

func (s *Server) answerContract(c echo.Context, id int) error {
	v, err := s.Svc.ContractView(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.contractAnswer(c, v))
}

// contractAnswer is a contract as the API answers it, with what the viewer may do to it now.
func (s *Server) contractAnswer(c echo.Context, v service.ContractView) ContractView {
	ctx := c.Request().Context()
	out := contractDetail(v)
	out.Actions = actionViews(s.Svc.ContractActions(ctx, v))
	for i, m := range v.Milestones {
		out.Milestones[i].Actions = actionViews(s.Svc.MilestoneActions(ctx, v.Contract, m))
	}
	return out
}

// TermsRequest is the programme's adjustment of an offered contract: its term and milestones,
// amounts VAT inclusive.
type TermsRequest struct {
	TermWeeks  int                `json:"term_weeks"`
	Milestones []domain.Milestone `json:"milestones"`
}

func (s *Server) changeContractTerms(c echo.Context) error {
	var req TermsRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	v, err := s.Svc.AdjustContract(c.Request().Context(), service.ContractTerms{ContractID: id, TermWeeks: req.TermWeeks, Milestones: req.Milestones})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.contractAnswer(c, v))
}

func (s *Server) acceptContract(c echo.Context) error {
	id, err := s.pathRecord(c)
	if err != nil {
		return err
	}
	v, err := s.Svc.AcceptContract(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.contractAnswer(c, v))
}

func (s *Server) uploadContractDocument(c echo.Context) error {
	id, err := s.pathRecord(c)
	if err != nil {
		return err
	}
	return s.contractUpload(c, service.ContractDocument{ContractID: id, Report: c.QueryParam("part") == "report"})
}

func (s *Server) uploadDeliverableDocument(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	return s.contractUpload(c, service.ContractDocument{MilestoneID: id})
}

func (s *Server) contractUpload(c echo.Context, in service.ContractDocument) error {
	if err := s.Svc.MayAddContractDocument(c.Request().Context(), in); err != nil {
		return err
	}
	part, err := s.filePart(c)
	if err != nil {
		return err
	}
	in.Filename, in.Content = SentFilename(part.Header, part.FileName()), part
	doc, err := s.Svc.AddContractDocument(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, documentView(doc))
}

// DeliverableRequest is a supplier's note with its deliverable for a milestone.
type DeliverableRequest struct {
	Note string `json:"note"`
}

func (s *Server) submitDeliverable(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	var req DeliverableRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	m, err := s.Svc.SubmitDeliverable(c.Request().Context(), service.Deliverable{MilestoneID: id, Note: req.Note})
	if err != nil {
		return err
	}
	return s.answerContract(c, m.ContractID)
}

// ReviewRequest is the owner's acceptance of a deliverable, or a request for changes and why.
type ReviewRequest struct {
	Accept *bool  `json:"accept"`
	Reason string `json:"reason"`
}

func (s *Server) reviewDeliverable(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	var req ReviewRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	decision := "" // neither: the service names what is missing, once it knows the viewer may review
	if req.Accept != nil {
		decision = map[bool]string{true: service.ReviewAccept, false: service.ReviewChanges}[*req.Accept]
	}
	m, err := s.Svc.ReviewDeliverable(c.Request().Context(), service.Review{MilestoneID: id, Decision: decision, Reason: req.Reason})
	if err != nil {
		return err
	}
	return s.answerContract(c, m.ContractID)
}

func (s *Server) recordPayment(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	m, err := s.Svc.RecordPayment(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return s.answerContract(c, m.ContractID)
}

// ReportRequest is the supplier's end-of-phase report, section by section (domain.ReportSections).
type ReportRequest struct {
	Summary    string `json:"summary"`
	Problem    string `json:"problem"`
	Hypothesis string `json:"hypothesis"`
	Testing    string `json:"testing"`
	Learnt     string `json:"learnt"`
	Changes    string `json:"changes"`
	Barriers   string `json:"barriers"`
	UserNeeds  string `json:"user_needs"`
	NextSteps  string `json:"next_steps"`
	Standards  string `json:"standards"`
}

func (r ReportRequest) report() domain.PhaseReport {
	return domain.PhaseReport{"summary": r.Summary, "problem": r.Problem, "hypothesis": r.Hypothesis, "testing": r.Testing, "learnt": r.Learnt,
		"changes": r.Changes, "barriers": r.Barriers, "user_needs": r.UserNeeds, "next_steps": r.NextSteps, "standards": r.Standards}
}

func (s *Server) submitReport(c echo.Context) error {
	var req ReportRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	if err := s.Svc.SubmitReport(c.Request().Context(), id, req.report()); err != nil {
		return err
	}
	return s.answerContract(c, id)
}

// GateRequest is the stage gate's decision for one contract, with what a stop taught.
type GateRequest struct {
	Outcome   string        `json:"outcome"`
	Rationale string        `json:"rationale"`
	Lesson    domain.Lesson `json:"lesson"`
}

func (s *Server) recordGate(c echo.Context) error {
	var req GateRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	if err := s.Svc.RecordGateDecision(c.Request().Context(), service.RecordGateDecision{ContractID: id, Outcome: req.Outcome, Rationale: req.Rationale, Lesson: req.Lesson}); err != nil {
		return err
	}
	return s.answerContract(c, id)
}

// ShowAndTellRequest is a show-and-tell's slot and who is asked.
type ShowAndTellRequest struct {
	At                  time.Time `json:"at"`
	Place               string    `json:"place"`
	PresentationMinutes *int      `json:"presentation_minutes"`
	QuestionsMinutes    *int      `json:"questions_minutes"`
	Attendees           string    `json:"attendees"`
}

func (s *Server) scheduleShowAndTell(c echo.Context) error {
	var req ShowAndTellRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	in := service.ShowAndTellSlot{ContractID: id, At: req.At, Place: req.Place, Attendees: req.Attendees,
		PresentationMinutes: domain.PresentationMinutes, QuestionsMinutes: domain.QuestionsMinutes}
	if req.PresentationMinutes != nil {
		in.PresentationMinutes = *req.PresentationMinutes
	}
	if req.QuestionsMinutes != nil {
		in.QuestionsMinutes = *req.QuestionsMinutes
	}
	if _, err := s.Svc.ScheduleShowAndTell(c.Request().Context(), in); err != nil {
		return err
	}
	return s.answerContract(c, id)
}

// ShowAndTellRecordRequest is who attended the show-and-tell and the notes.
type ShowAndTellRecordRequest struct {
	// HeldAt is when it was held, if not when it was scheduled (brought forward).
	HeldAt   *time.Time `json:"held_at"`
	Attended string     `json:"attended"`
	Notes    string     `json:"notes"`
}

func (s *Server) recordShowAndTell(c echo.Context) error {
	var req ShowAndTellRecordRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	in := service.ShowAndTellRecord{ContractID: id, Attended: req.Attended, Notes: req.Notes}
	if req.HeldAt != nil {
		in.HeldAt = *req.HeldAt
	}
	if _, err := s.Svc.RecordShowAndTell(c.Request().Context(), in); err != nil {
		return err
	}
	return s.answerContract(c, id)
}

// RecommendationRequest is the challenge owner's recommendation at the gate, and why.
type RecommendationRequest struct {
	Outcome string `json:"outcome"`
	Reason  string `json:"reason"`
}

func (s *Server) recommend(c echo.Context) error {
	var req RecommendationRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	if _, err := s.Svc.RecommendAtGate(c.Request().Context(), service.Recommendation{ContractID: id, Outcome: req.Outcome, Reason: req.Reason}); err != nil {
		return err
	}
	return s.answerContract(c, id)
}

// ProgressRequest is the supplier's progress update at the midpoint review.
type ProgressRequest struct {
	Progress string `json:"progress"`
}

func (s *Server) submitProgress(c echo.Context) error {
	var req ProgressRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	if _, err := s.Svc.SubmitProgress(c.Request().Context(), id, req.Progress); err != nil {
		return err
	}
	return s.answerContract(c, id)
}

// MidpointRequest is the owner's red, amber or green status and its note.
type MidpointRequest struct {
	RAG  string `json:"rag"`
	Note string `json:"rag_note"`
}

func (s *Server) reviewMidpoint(c echo.Context) error {
	var req MidpointRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	if _, err := s.Svc.ReviewMidpoint(c.Request().Context(), service.MidpointReview{ContractID: id, RAG: req.RAG, Note: req.Note}); err != nil {
		return err
	}
	return s.answerContract(c, id)
}

// ChallengeGateRequest is the challenge-level go or no-go, the criteria met, and why.
type ChallengeGateRequest struct {
	Decision  string        `json:"decision"`
	Criteria  []string      `json:"criteria"`
	Rationale string        `json:"rationale"`
	Lesson    domain.Lesson `json:"lesson"`
}

func (s *Server) decideChallengeGate(c echo.Context) error {
	var req ChallengeGateRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	if _, err := s.Svc.DecideChallengeGate(c.Request().Context(), service.ChallengeGate{ChallengeID: id, Decision: req.Decision,
		Criteria: req.Criteria, Rationale: req.Rationale, Lesson: req.Lesson}); err != nil {
		return err
	}
	return s.respondChallenge(c, id)
}

// LessonView is one lesson in the register.
type LessonView struct {
	ID             int       `json:"id"`
	ChallengeID    int       `json:"challenge_id"`
	ChallengeTitle string    `json:"challenge_title"`
	Fields         []string  `json:"fields"`
	Kind           string    `json:"kind"`
	KindLabel      string    `json:"kind_label"`
	Phase          int       `json:"phase"`
	WhatWorked     string    `json:"what_worked"`
	WhatFailed     string    `json:"what_failed"`
	Why            string    `json:"why"`
	RecordedAt     time.Time `json:"recorded_at"`
}

func lessonView(e service.LessonEntry) LessonView {
	l := e.Lesson
	fields := e.Challenge.Fields
	if fields == nil {
		fields = []string{}
	}
	return LessonView{ID: l.ID, ChallengeID: l.ChallengeID, ChallengeTitle: e.Challenge.Title, Fields: fields, Kind: string(l.Kind),
		KindLabel: l.Kind.Label(), Phase: l.Phase, WhatWorked: l.WhatWorked, WhatFailed: l.WhatFailed, Why: l.Why, RecordedAt: l.CreatedAt}
}

// LessonFilter reads the lessons register's filter from the query.
func LessonFilter(c echo.Context) (service.LessonFilter, error) {
	var f service.LessonFilter
	for _, q := range []struct {
		name string
		to   *string
	}{{"words", &f.Words}, {"field", &f.Field}, {"kind", &f.Kind}} {
		v, err := queryText(c, q.name)
		if err != nil {
			return f, err
		}
		*q.to = v
	}
	if f.Kind != "" && !slices.Contains(domain.LessonKind("").Values(), f.Kind) {
		return f, BadRequest("kind must be one of %s", strings.Join(domain.LessonKind("").Values(), ", "))
	}
	return f, nil
}

func (s *Server) listLessons(c echo.Context) error {
	f, err := LessonFilter(c)
	if err != nil {
		return err
	}
	out, err := s.Lessons(c, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, Page[LessonView]{Items: out})
}

// Lessons reads the register, filtered, as its page and the JSON show it.
func (s *Server) Lessons(c echo.Context, f service.LessonFilter) ([]LessonView, error) {
	rows, err := s.Svc.Lessons(c.Request().Context(), f)
	if err != nil {
		return nil, err
	}
	out := make([]LessonView, 0, len(rows))
	for _, e := range rows {
		out = append(out, lessonView(e))
	}
	return out, nil
}

// PersonView is a person and the roles they hold.
type PersonView struct {
	ID             int      `json:"id"`
	Name           string   `json:"name"`
	Email          string   `json:"email"`
	Roles          []string `json:"roles"`
	OrganisationID int      `json:"organisation_id,omitempty"`
	Expertise      []string `json:"expertise,omitempty"`
	// DelegatedLimitPence is the most a panel chair or budget holder may approve alone.
	DelegatedLimitPence int64      `json:"delegated_limit_pence,omitempty"`
	DeactivatedAt       *time.Time `json:"deactivated_at,omitempty"`
	// Actions are what the programme team may do to the person now; others are given none.
	Actions []ActionView `json:"actions,omitempty"`
}

func personView(ctx context.Context, p *ent.Person) PersonView {
	v := PersonView{ID: p.ID, Name: p.Name, Email: p.Email, Roles: p.Roles, Expertise: p.Expertise, DeactivatedAt: p.DeactivatedAt,
		DelegatedLimitPence: int64(p.DelegatedLimit),
		Actions:             actionViews(service.PersonActions(ctx, p))}
	if v.Roles == nil {
		v.Roles = []string{}
	}
	if p.Edges.Organisation != nil {
		v.OrganisationID = p.Edges.Organisation.ID
	}
	return v
}

func (s *Server) listPeople(c echo.Context) error {
	rows, err := s.Svc.People(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]PersonView, 0, len(rows))
	for _, p := range rows {
		out = append(out, personView(c.Request().Context(), p))
	}
	return c.JSON(http.StatusOK, Page[PersonView]{Items: out})
}

// PersonRequest records a person, or changes one (name and email are then left as they are).
type PersonRequest struct {
	Name           string   `json:"name"`
	Email          string   `json:"email"`
	Roles          []string `json:"roles"`
	OrganisationID int      `json:"organisation_id"`
	Expertise      []string `json:"expertise"`
	// DelegatedLimitPence is the most a panel chair or budget holder may approve alone.
	DelegatedLimitPence int64 `json:"delegated_limit_pence"`
}

func (r PersonRequest) input() service.PersonInput {
	return service.PersonInput{Name: r.Name, Email: r.Email, Roles: r.Roles, OrganisationID: r.OrganisationID, Expertise: r.Expertise,
		DelegatedLimit: domain.Money(r.DelegatedLimitPence)}
}

func (s *Server) addPerson(c echo.Context) error {
	var req PersonRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	p, err := s.Svc.AddPerson(c.Request().Context(), req.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, personView(c.Request().Context(), p))
}

func (s *Server) changePerson(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	var req PersonRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	p, err := s.Svc.ChangePerson(c.Request().Context(), id, req.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, personView(c.Request().Context(), p))
}

func (s *Server) deactivatePerson(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	p, err := s.Svc.DeactivatePerson(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, personView(c.Request().Context(), p))
}

// OrganisationView is an organisation.
type OrganisationView struct {
	ID             int      `json:"id"`
	Name           string   `json:"name"`
	EmailDomain    string   `json:"email_domain,omitempty"`
	PublicBody     bool     `json:"public_body"`
	LegalForm      string   `json:"legal_form,omitempty"`
	CompanyNumber  string   `json:"company_number,omitempty"`
	Size           string   `json:"size,omitempty"`
	IncorporatedOn string   `json:"incorporated_on,omitempty"`
	Region         string   `json:"region,omitempty"`
	Fields         []string `json:"fields,omitempty"`
	// Whether it had a contract with a UK public body before; left out if it preferred not to say.
	PublicContractBefore *bool `json:"public_contract_before,omitempty"`
}

func organisationView(o *ent.Organisation) OrganisationView {
	v := OrganisationView{ID: o.ID, Name: o.Name, EmailDomain: o.EmailDomain, PublicBody: o.PublicBody, LegalForm: string(o.LegalForm),
		CompanyNumber: o.CompanyNumber, Size: string(o.Size), Region: o.Region, Fields: o.Fields, PublicContractBefore: o.PublicContractBefore}
	if !o.IncorporatedOn.IsZero() {
		v.IncorporatedOn = o.IncorporatedOn.In(domain.London).Format("2006-01-02")
	}
	return v
}

func (s *Server) listOrganisations(c echo.Context) error {
	rows, err := s.Svc.Organisations(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]OrganisationView, 0, len(rows))
	for _, o := range rows {
		out = append(out, organisationView(o))
	}
	return c.JSON(http.StatusOK, Page[OrganisationView]{Items: out})
}
