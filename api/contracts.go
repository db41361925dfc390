package api

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/contract"
	"github.com/catalyst-sbri/catalyst/ent/organisation"
	"github.com/catalyst-sbri/catalyst/ent/person"
	"github.com/catalyst-sbri/catalyst/workflows"
)

func (s *Server) loadContract(c echo.Context, id int) (*ent.Contract, error) {
	k, err := s.DB.Contract.Query().Where(contract.ID(id)).WithOrganisation().WithGateDecision().WithCompetition().
		Only(c.Request().Context())
	return k, err
}

func (s *Server) getContract(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	k, err := s.loadContract(c, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, contractView(k))
}

// ReportRequest is the supplier's end-of-phase report.
type ReportRequest struct {
	Summary string `json:"summary"`
}

func (s *Server) submitReport(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.loadContract(c, id); err != nil {
		return err
	}
	var req ReportRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	summary, p := domain.ReportSummary.Clean(req.Summary)
	if p != nil {
		if strings.TrimSpace(req.Summary) == "" {
			p.Message = "Write a summary of what the phase found: the gate reads it"
		}
		return domain.Problems{*p}
	}
	req.Summary = summary
	if err := s.svc.Lifecycle.SubmitReport(c.Request().Context(), id, workflows.SubmitReportRequest{Summary: req.Summary, Actor: actor(c, "")}); err != nil {
		return err
	}
	return s.getContract(c)
}

// GateRequest is the stage gate's decision for one contract.
type GateRequest struct {
	Outcome   string `json:"outcome"`
	Rationale string `json:"rationale"`
}

func (s *Server) recordGate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	k, err := s.loadContract(c, id)
	if err != nil {
		return err
	}
	var req GateRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if k.Status != domain.ContractReported {
		// No report yet, or decided already: the record says so at once, naming its state (the
		// gate's transaction checks it again).
		if _, err := k.Status.Decide(domain.GateOutcome(req.Outcome), k.Phase); err != nil {
			return err
		}
	}
	if err := domain.CheckGateDecision(domain.GateOutcome(req.Outcome), req.Rationale, k.Phase); err != nil {
		return err
	}
	req.Rationale, _ = domain.GateRationale.Clean(req.Rationale)
	if _, err := s.svc.Lifecycle.RecordGateOutcome(c.Request().Context(), k.Edges.Competition.ChallengeID,
		workflows.GateOutcomeRequest{ContractID: id, Outcome: domain.GateOutcome(req.Outcome), Rationale: req.Rationale, Actor: actor(c, "")}); err != nil {
		return err
	}
	return s.getContract(c)
}

// PersonView is a person and the roles they hold.
type PersonView struct {
	ID             int      `json:"id"`
	Name           string   `json:"name"`
	Email          string   `json:"email"`
	Roles          []string `json:"roles"`
	OrganisationID int      `json:"organisation_id,omitempty"`
}

func (s *Server) listPeople(c echo.Context) error {
	rows, err := s.DB.Person.Query().Order(ent.Asc(person.FieldID)).WithOrganisation().All(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]PersonView, 0, len(rows))
	for _, p := range rows {
		v := PersonView{ID: p.ID, Name: p.Name, Email: p.Email, Roles: p.Roles}
		if p.Edges.Organisation != nil {
			v.OrganisationID = p.Edges.Organisation.ID
		}
		out = append(out, v)
	}
	return c.JSON(http.StatusOK, Page[PersonView]{Items: out})
}

// OrganisationView is an organisation.
type OrganisationView struct {
	ID          int    `json:"id"`
	Name        string `json:"name"`
	EmailDomain string `json:"email_domain,omitempty"`
	PublicBody  bool   `json:"public_body"`
}

func (s *Server) listOrganisations(c echo.Context) error {
	rows, err := s.DB.Organisation.Query().Order(ent.Asc(organisation.FieldID)).All(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]OrganisationView, 0, len(rows))
	for _, o := range rows {
		out = append(out, OrganisationView{ID: o.ID, Name: o.Name, EmailDomain: o.EmailDomain, PublicBody: o.PublicBody})
	}
	return c.JSON(http.StatusOK, Page[OrganisationView]{Items: out})
}
