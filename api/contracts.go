package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
)

func (s *Server) listContracts(c echo.Context) error {
	rows, err := s.svc.Contracts(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]ContractView, 0, len(rows))
	for _, v := range rows {
		out = append(out, contractDetail(v))
	}
	return c.JSON(http.StatusOK, Page[ContractView]{Items: out})
}

func (s *Server) getContract(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.answerContract(c, id)
}

func (s *Server) answerContract(c echo.Context, id int) error {
	v, err := s.svc.ContractView(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, contractDetail(v))
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
	v, err := s.svc.AdjustContract(c.Request().Context(), service.ContractTerms{ContractID: id, TermWeeks: req.TermWeeks, Milestones: req.Milestones})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, contractDetail(v))
}

func (s *Server) acceptContract(c echo.Context) error {
	id, err := s.pathRecord(c)
	if err != nil {
		return err
	}
	v, err := s.svc.AcceptContract(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, contractDetail(v))
}

func (s *Server) uploadContractDocument(c echo.Context) error {
	id, err := s.pathRecord(c)
	if err != nil {
		return err
	}
	return s.contractUpload(c, service.ContractDocument{ContractID: id})
}

func (s *Server) uploadDeliverableDocument(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.contractUpload(c, service.ContractDocument{MilestoneID: id})
}

func (s *Server) contractUpload(c echo.Context, in service.ContractDocument) error {
	if err := s.svc.MayAddContractDocument(c.Request().Context(), in); err != nil {
		return err
	}
	part, err := s.filePart(c)
	if err != nil {
		return err
	}
	in.Filename, in.Content = part.FileName(), part
	doc, err := s.svc.AddContractDocument(c.Request().Context(), in)
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
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var req DeliverableRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	m, err := s.svc.SubmitDeliverable(c.Request().Context(), service.Deliverable{MilestoneID: id, Note: req.Note})
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
	id, err := pathID(c)
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
	m, err := s.svc.ReviewDeliverable(c.Request().Context(), service.Review{MilestoneID: id, Decision: decision, Reason: req.Reason})
	if err != nil {
		return err
	}
	return s.answerContract(c, m.ContractID)
}

func (s *Server) recordPayment(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	m, err := s.svc.RecordPayment(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return s.answerContract(c, m.ContractID)
}

// ReportRequest is the supplier's end-of-phase report.
type ReportRequest struct {
	Summary string `json:"summary"`
}

func (s *Server) submitReport(c echo.Context) error {
	var req ReportRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	if err := s.svc.SubmitReport(c.Request().Context(), id, req.Summary); err != nil {
		return err
	}
	return s.answerContract(c, id)
}

// GateRequest is the stage gate's decision for one contract.
type GateRequest struct {
	Outcome   string `json:"outcome"`
	Rationale string `json:"rationale"`
}

func (s *Server) recordGate(c echo.Context) error {
	var req GateRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	if err := s.svc.RecordGateDecision(c.Request().Context(), service.RecordGateDecision{ContractID: id, Outcome: req.Outcome, Rationale: req.Rationale}); err != nil {
		return err
	}
	return s.answerContract(c, id)
}

// PersonView is a person and the roles they hold.
type PersonView struct {
	ID             int        `json:"id"`
	Name           string     `json:"name"`
	Email          string     `json:"email"`
	Roles          []string   `json:"roles"`
	OrganisationID int        `json:"organisation_id,omitempty"`
	Expertise      []string   `json:"expertise,omitempty"`
	DeactivatedAt  *time.Time `json:"deactivated_at,omitempty"`
}

func personView(p *ent.Person) PersonView {
	v := PersonView{ID: p.ID, Name: p.Name, Email: p.Email, Roles: p.Roles, Expertise: p.Expertise, DeactivatedAt: p.DeactivatedAt}
	if v.Roles == nil {
		v.Roles = []string{}
	}
	if p.Edges.Organisation != nil {
		v.OrganisationID = p.Edges.Organisation.ID
	}
	return v
}

func (s *Server) listPeople(c echo.Context) error {
	rows, err := s.svc.People(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]PersonView, 0, len(rows))
	for _, p := range rows {
		out = append(out, personView(p))
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
}

func (s *Server) addPerson(c echo.Context) error {
	var req PersonRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	p, err := s.svc.AddPerson(c.Request().Context(), service.PersonInput(req))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, personView(p))
}

func (s *Server) changePerson(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var req PersonRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	p, err := s.svc.ChangePerson(c.Request().Context(), id, service.PersonInput(req))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, personView(p))
}

func (s *Server) deactivatePerson(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := s.svc.DeactivatePerson(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, personView(p))
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
}

func organisationView(o *ent.Organisation) OrganisationView {
	v := OrganisationView{ID: o.ID, Name: o.Name, EmailDomain: o.EmailDomain, PublicBody: o.PublicBody, LegalForm: string(o.LegalForm),
		CompanyNumber: o.CompanyNumber, Size: string(o.Size), Region: o.Region, Fields: o.Fields}
	if !o.IncorporatedOn.IsZero() {
		v.IncorporatedOn = o.IncorporatedOn.In(domain.London).Format("2006-01-02")
	}
	return v
}

func (s *Server) listOrganisations(c echo.Context) error {
	rows, err := s.svc.Organisations(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]OrganisationView, 0, len(rows))
	for _, o := range rows {
		out = append(out, organisationView(o))
	}
	return c.JSON(http.StatusOK, Page[OrganisationView]{Items: out})
}
