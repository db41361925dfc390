package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/ui"
)

// The contract pages: the list of contracts a person may see, and one contract with what each
// side does next. Each form calls the same service method as the JSON API.

func (s *Server) contractsPage(c echo.Context) error {
	rows, err := s.svc.Contracts(c.Request().Context())
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "contracts", "Contracts", "contracts", rows)
}

// contractPageData is what the contract page shows: the contract, the viewer's side, and the
// form as typed with its problems.
type contractPageData struct {
	View     service.ContractView
	Form     ui.Form
	Done     string
	Rows     []int // the rows of the terms form
	Supplier bool  // the viewer is the supplier
	Reviewer bool  // the viewer may review deliverables: the owner or the programme
	Team     bool  // the viewer is the programme team
}

func (s *Server) contractPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.renderContract(c, http.StatusOK, id, ui.Form{Values: map[string]string{}}, c.QueryParam("done"))
}

func (s *Server) renderContract(c echo.Context, status, id int, form ui.Form, done string) error {
	ctx := c.Request().Context()
	v, err := s.svc.ContractView(ctx, id)
	if err != nil {
		return err
	}
	viewer, _ := currentViewer(c)
	k := v.Contract
	d := contractPageData{View: v, Form: form, Done: done,
		Supplier: viewer.Has(authz.Supplier) && viewer.OrganisationID == k.OrganisationID,
		Reviewer: viewer.Has(authz.Admin) || viewer.Has(authz.ChallengeOwner),
		Team:     viewer.Has(authz.Admin)}
	if _, typed := form.Values["term_weeks"]; !typed {
		form.Values["term_weeks"] = strconv.Itoa(k.TermWeeks)
		for i, m := range v.Milestones {
			p := "milestone-" + strconv.Itoa(i+1) + "-"
			form.Values[p+"deliverable"], form.Values[p+"success_criteria"] = m.Deliverable, m.SuccessCriteria
			form.Values[p+"month"], form.Values[p+"amount"] = monthValue(m.Month), ui.MoneyValue(m.Amount)
		}
	}
	n := len(v.Milestones) + 1 // one empty row adds a milestone
	if t, err := strconv.Atoi(form.Values["count"]); err == nil && t > 0 && t <= domain.MaxMilestones {
		n = t
	}
	n = min(n, domain.MaxMilestones)
	for i := 1; i <= n; i++ {
		d.Rows = append(d.Rows, i)
	}
	form.Values["count"] = strconv.Itoa(n)
	title := "Contract: " + k.Edges.Organisation.Name
	return s.render(c, status, "contract", form.Title(title), "contracts", d)
}

// contractRefused shows the contract page again with the service's words beside the field
// named (suffixed with the milestone's ID for a milestone's form, so IDs stay unique).
func (s *Server) contractRefused(c echo.Context, contractID int, err error, values map[string]string, field, suffix string) error {
	var ps domain.Problems
	if errors.As(err, &ps) {
		for i := range ps {
			ps[i].Field += suffix
		}
	} else {
		p, ok := toProblem(err)
		if !ok || p.Status >= 500 {
			return err
		}
		ps = domain.Problems{{Field: field + suffix, Message: p.Detail}}
	}
	return s.renderContract(c, http.StatusUnprocessableEntity, contractID, ui.Form{Values: values, Problems: ps}, "")
}

func (s *Server) backToContract(c echo.Context, id int, done string) error {
	return c.Redirect(http.StatusSeeOther, "/contracts/"+strconv.Itoa(id)+"?done="+done)
}

// formContractID is the contract a milestone's form came from.
func formContractID(c echo.Context) (int, error) {
	id, err := strconv.Atoi(c.FormValue("contract_id"))
	if err != nil || id < 1 {
		return 0, badRequest("the form does not say which contract it is from")
	}
	return id, nil
}

func (s *Server) acceptContractForm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.svc.AcceptContract(c.Request().Context(), id); err != nil {
		return s.contractRefused(c, id, err, map[string]string{}, "accept", "")
	}
	return s.backToContract(c, id, "accepted")
}

func (s *Server) contractTermsForm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f := ui.Form{Values: map[string]string{"term_weeks": strings.TrimSpace(c.FormValue("term_weeks")), "count": c.FormValue("count")}}
	n, _ := strconv.Atoi(f.Values["count"])
	n = min(max(n, 1), domain.MaxMilestones)
	for i := 1; i <= n; i++ {
		for _, part := range milestoneParts {
			name := "milestone-" + strconv.Itoa(i) + "-" + part
			f.Values[name] = c.FormValue(name)
		}
	}
	answers, ps := milestonesOf(f, n)
	weeks, werr := strconv.Atoi(f.Values["term_weeks"])
	if werr != nil {
		ps.Add("term_weeks", "Enter the term as a whole number of weeks, such as 12")
	}
	if len(ps) == 0 {
		_, err = s.svc.AdjustContract(c.Request().Context(), service.ContractTerms{ContractID: id, TermWeeks: weeks, Milestones: *answers.Milestones})
	} else {
		err = ps
	}
	if err != nil {
		return s.contractRefused(c, id, err, f.Values, "milestones", "")
	}
	return s.backToContract(c, id, "terms")
}

func (s *Server) contractDocumentForm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.pageUpload(c, service.ContractDocument{ContractID: id}); err != nil {
		return s.contractRefused(c, id, err, map[string]string{}, "file", "")
	}
	return s.backToContract(c, id, "document")
}

func (s *Server) deliverableDocumentForm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	k, err := formContractID(c)
	if err != nil {
		return err
	}
	if err := s.pageUpload(c, service.ContractDocument{MilestoneID: id}); err != nil {
		return s.contractRefused(c, k, err, map[string]string{}, "file", "-"+strconv.Itoa(id))
	}
	return s.backToContract(c, k, "document")
}

// pageUpload stores the form's file as a contract's or a deliverable's document.
func (s *Server) pageUpload(c echo.Context, in service.ContractDocument) error {
	if err := s.svc.MayAddContractDocument(c.Request().Context(), in); err != nil {
		return err
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return domain.Problems{{Field: "file", Message: "Choose a file to upload"}}
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	in.Filename, in.Content = fh.Filename, f
	_, err = s.svc.AddContractDocument(c.Request().Context(), in)
	return err
}

func (s *Server) deliverableForm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	k, err := formContractID(c)
	if err != nil {
		return err
	}
	sfx := "-" + strconv.Itoa(id)
	values := map[string]string{"note" + sfx: c.FormValue("note" + sfx)}
	if _, err := s.svc.SubmitDeliverable(c.Request().Context(), service.Deliverable{MilestoneID: id, Note: values["note"+sfx]}); err != nil {
		return s.contractRefused(c, k, err, values, "note", sfx)
	}
	return s.backToContract(c, k, "submitted")
}

func (s *Server) reviewForm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	k, err := formContractID(c)
	if err != nil {
		return err
	}
	sfx := "-" + strconv.Itoa(id)
	values := map[string]string{"decision" + sfx: c.FormValue("decision" + sfx), "reason" + sfx: c.FormValue("reason" + sfx)}
	_, err = s.svc.ReviewDeliverable(c.Request().Context(), service.Review{MilestoneID: id, Decision: values["decision"+sfx], Reason: values["reason"+sfx]})
	if err != nil {
		return s.contractRefused(c, k, err, values, "decision", sfx)
	}
	done := "changes"
	if values["decision"+sfx] == service.ReviewAccept {
		done = "accepted-deliverable"
	}
	return s.backToContract(c, k, done)
}

func (s *Server) paymentForm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	k, err := formContractID(c)
	if err != nil {
		return err
	}
	if _, err := s.svc.RecordPayment(c.Request().Context(), id); err != nil {
		return s.contractRefused(c, k, err, map[string]string{}, "pay", "-"+strconv.Itoa(id))
	}
	return s.backToContract(c, k, "paid")
}

func (s *Server) reportForm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	values := map[string]string{"summary": c.FormValue("summary")}
	if err := s.svc.SubmitReport(c.Request().Context(), id, values["summary"]); err != nil {
		return s.contractRefused(c, id, err, values, "summary", "")
	}
	return s.backToContract(c, id, "reported")
}

func (s *Server) gateForm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	values := map[string]string{"outcome": c.FormValue("outcome"), "rationale": c.FormValue("rationale")}
	err = s.svc.RecordGateDecision(c.Request().Context(), service.RecordGateDecision{ContractID: id, Outcome: values["outcome"], Rationale: values["rationale"]})
	if err != nil {
		return s.contractRefused(c, id, err, values, "outcome", "")
	}
	return s.backToContract(c, id, "gate")
}
