package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
)

// RegisterOrganisationRequest is a supplier's organisation as it registers on first sign-in.
type RegisterOrganisationRequest struct {
	Name           string   `json:"name"`
	LegalForm      string   `json:"legal_form"`
	CompanyNumber  string   `json:"company_number"`
	Size           string   `json:"size"`
	IncorporatedOn string   `json:"incorporated_on"` // 2021-03-27
	Region         string   `json:"region"`
	Fields         []string `json:"fields"`
	// Whether it had a contract with a UK public body before; left out if it prefers not to say.
	PublicContractBefore *bool `json:"public_contract_before"`
}

// registration is the request as the domain checks it.
func (req RegisterOrganisationRequest) registration() (domain.SupplierRegistration, error) {
	in := domain.SupplierRegistration{Name: req.Name, LegalForm: domain.LegalForm(req.LegalForm), CompanyNumber: req.CompanyNumber,
		Size: domain.OrganisationSize(req.Size), Region: req.Region, Fields: req.Fields, PublicContractBefore: req.PublicContractBefore}
	if req.IncorporatedOn != "" {
		t, err := time.ParseInLocation("2006-01-02", req.IncorporatedOn, domain.London)
		if err != nil {
			return in, domain.Problems{{Field: "incorporated_on", Message: "Enter the date of incorporation as 2021-03-27"}}
		}
		in.IncorporatedOn = t
	}
	return in, nil
}

func (s *Server) registerOrganisation(c echo.Context) error {
	var req RegisterOrganisationRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	in, err := req.registration()
	if err != nil {
		return err
	}
	org, err := s.Svc.RegisterOrganisation(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, organisationView(org))
}

// JoinRequestView is a request to join an organisation.
type JoinRequestView struct {
	ID               int    `json:"id"`
	OrganisationID   int    `json:"organisation_id"`
	OrganisationName string `json:"organisation_name"`
	PersonName       string `json:"person_name"`
	PersonEmail      string `json:"person_email"`
	Status           string `json:"status"`
	DecidedBy        string `json:"decided_by,omitempty"`
}

func joinRequestView(r *ent.JoinRequest) JoinRequestView {
	v := JoinRequestView{ID: r.ID, OrganisationID: r.OrganisationID, Status: string(r.Status), DecidedBy: r.DecidedBy}
	if o := r.Edges.Organisation; o != nil {
		v.OrganisationName = o.Name
	}
	if p := r.Edges.Person; p != nil {
		v.PersonName, v.PersonEmail = p.Name, p.Email
	}
	return v
}

func (s *Server) askToJoin(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	r, err := s.Svc.AskToJoin(ctx, id)
	if err != nil {
		return err
	}
	rows, err := s.Svc.JoinRequests(ctx)
	if err != nil {
		return err
	}
	for _, x := range rows {
		if x.ID == r.ID {
			return c.JSON(http.StatusCreated, joinRequestView(x))
		}
	}
	return c.JSON(http.StatusCreated, joinRequestView(r))
}

func (s *Server) listJoinRequests(c echo.Context) error {
	rows, err := s.Svc.JoinRequests(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]JoinRequestView, 0, len(rows))
	for _, r := range rows {
		out = append(out, joinRequestView(r))
	}
	return c.JSON(http.StatusOK, Page[JoinRequestView]{Items: out})
}

// JoinDecisionRequest is a member's answer to a request to join.
type JoinDecisionRequest struct {
	Approve *bool `json:"approve"`
}

func (s *Server) decideJoinRequest(c echo.Context) error {
	var req JoinDecisionRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	if req.Approve == nil {
		return domain.Problems{{Field: "approve", Message: "Say whether you approve the request: true or false"}}
	}
	r, err := s.Svc.DecideJoinRequest(c.Request().Context(), service.DecideJoinRequest{ID: id, Approve: *req.Approve})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, JoinRequestView{ID: r.ID, OrganisationID: r.OrganisationID, Status: string(r.Status), DecidedBy: r.DecidedBy})
}
