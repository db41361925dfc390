package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/catalyst-sbri/catalyst/api"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/ui"
)

// The contract pages: the list of contracts a person may see, and one contract with what each
// side does next. Each form calls the same service method as the JSON API.

func (s *Server) contractsPage(c echo.Context) error {
	rows, err := s.Svc.Contracts(c.Request().Context())
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
	Team     bool  // the viewer is the programme team
	Show     *ent.ShowAndTell
	Evidence domain.GateEvidence
	RAG      domain.RAG // the midpoint status, "" until recorded
	Sections []domain.ReportSection
	Criteria []domain.GateCriterion
	Actions  service.Actions
	// MilestoneActions are each milestone's actions for the viewer, by its ID.
	MilestoneActions map[int]service.Actions
}

func (s *Server) contractPage(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	return s.renderContract(c, http.StatusOK, id, ui.Form{Values: map[string]string{}}, c.QueryParam("done"))
}

func (s *Server) renderContract(c echo.Context, status, id int, form ui.Form, done string) error {
	ctx := c.Request().Context()
	v, err := s.Svc.ContractView(ctx, id)
	if err != nil {
		return err
	}
	viewer, _ := api.CurrentViewer(c)
	k := v.Contract
	d := contractPageData{View: v, Form: form, Done: done,
		Team: viewer.Has(authz.ProgrammeOfficer)}
	d.Show, d.Evidence = v.Show, v.Evidence
	d.Actions = s.Svc.ContractActions(ctx, v)
	d.MilestoneActions = map[int]service.Actions{}
	for _, m := range v.Milestones {
		d.MilestoneActions[m.ID] = s.Svc.MilestoneActions(ctx, k, m)
	}
	if k.Rag != nil {
		d.RAG = *k.Rag
	}
	d.Sections, d.Criteria = domain.ReportSections, domain.GateCriteria
	if _, typed := form.Values["presentation_minutes"]; !typed {
		form.Values["presentation_minutes"], form.Values["questions_minutes"] = strconv.Itoa(domain.PresentationMinutes), strconv.Itoa(domain.QuestionsMinutes)
		if st := d.Show; st != nil {
			form.Values["presentation_minutes"], form.Values["questions_minutes"] = strconv.Itoa(st.PresentationMinutes), strconv.Itoa(st.QuestionsMinutes)
			form.Values["show-place"], form.Values["show-attendees"] = st.Place, st.Attendees
			ui.DateTimeValues(form.Values, "show-at", st.At)
		}
	}
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

// contractForm runs one of a contract page's forms: the fields as typed, one service call, then
// the page with its banner, or again with the service's words beside the field named.
func (s *Server) contractForm(c echo.Context, fields []string, field, done string, call func(ctx context.Context, id int, values map[string]string) error) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	values := map[string]string{}
	for _, f := range fields {
		values[f] = c.FormValue(f)
	}
	if err := call(c.Request().Context(), id, values); err != nil {
		return s.contractRefused(c, id, err, values, field, "")
	}
	return s.backToContract(c, id, done)
}

// contractRefused shows the contract page again with the service's words beside the field
// named (suffixed with the milestone's ID for a milestone's form, so IDs stay unique).
func (s *Server) contractRefused(c echo.Context, contractID int, err error, values map[string]string, field, suffix string) error {
	ps, err := fieldProblems(err, field, suffix)
	if err != nil {
		return err
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
		return 0, api.BadRequest("the form does not say which contract it is from")
	}
	return id, nil
}

func (s *Server) acceptContractForm(c echo.Context) error {
	return s.contractForm(c, nil, "accept", "accepted", func(ctx context.Context, id int, _ map[string]string) error {
		_, err := s.Svc.AcceptContract(ctx, id)
		return err
	})
}

func (s *Server) contractTermsForm(c echo.Context) error {
	id, err := api.PathID(c)
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
		_, err = s.Svc.AdjustContract(c.Request().Context(), service.ContractTerms{ContractID: id, TermWeeks: weeks, Milestones: *answers.Milestones})
	} else {
		err = ps
	}
	if err != nil {
		return s.contractRefused(c, id, err, f.Values, "milestones", "")
	}
	return s.backToContract(c, id, "terms")
}

func (s *Server) contractDocumentForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	if err := s.pageUpload(c, service.ContractDocument{ContractID: id}); err != nil {
		return s.contractRefused(c, id, err, map[string]string{}, "file", "")
	}
	return s.backToContract(c, id, "document")
}

func (s *Server) deliverableDocumentForm(c echo.Context) error {
	id, err := api.PathID(c)
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
	if err := s.Svc.MayAddContractDocument(c.Request().Context(), in); err != nil {
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
	in.Filename, in.Content = api.SentFilename(fh.Header, fh.Filename), f
	_, err = s.Svc.AddContractDocument(c.Request().Context(), in)
	return err
}

func (s *Server) deliverableForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	k, err := formContractID(c)
	if err != nil {
		return err
	}
	sfx := "-" + strconv.Itoa(id)
	values := map[string]string{"note" + sfx: c.FormValue("note" + sfx)}
	if _, err := s.Svc.SubmitDeliverable(c.Request().Context(), service.Deliverable{MilestoneID: id, Note: values["note"+sfx]}); err != nil {
		return s.contractRefused(c, k, err, values, "note", sfx)
	}
	return s.backToContract(c, k, "submitted")
}

func (s *Server) reviewForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	k, err := formContractID(c)
	if err != nil {
		return err
	}
	sfx := "-" + strconv.Itoa(id)
	values := map[string]string{"decision" + sfx: c.FormValue("decision" + sfx), "reason" + sfx: c.FormValue("reason" + sfx)}
	_, err = s.Svc.ReviewDeliverable(c.Request().Context(), service.Review{MilestoneID: id, Decision: values["decision"+sfx], Reason: values["reason"+sfx]})
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
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	k, err := formContractID(c)
	if err != nil {
		return err
	}
	if _, err := s.Svc.RecordPayment(c.Request().Context(), id); err != nil {
		return s.contractRefused(c, k, err, map[string]string{}, "pay", "-"+strconv.Itoa(id))
	}
	return s.backToContract(c, k, "paid")
}

func (s *Server) reportForm(c echo.Context) error {
	var fields []string
	for _, sec := range domain.ReportSections {
		fields = append(fields, reportField(sec.Key))
	}
	return s.contractForm(c, fields, "summary", "reported", func(ctx context.Context, id int, v map[string]string) error {
		report := domain.PhaseReport{}
		for _, sec := range domain.ReportSections {
			report[sec.Key] = v[reportField(sec.Key)]
		}
		return s.Svc.SubmitReport(ctx, id, report)
	})
}

// reportField is the form field of a report section, as domain.PhaseReport.Clean names it.
func reportField(key string) string {
	if key == "summary" {
		return key
	}
	return "report-" + key
}

func (s *Server) reportDocumentForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	if err := s.pageUpload(c, service.ContractDocument{ContractID: id, Report: true}); err != nil {
		return s.contractRefused(c, id, err, map[string]string{}, "report-file", "")
	}
	return s.backToContract(c, id, "document")
}

func (s *Server) showAndTellForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	f := ui.Form{Values: map[string]string{}}
	var ps domain.Problems
	at := formDateTime(c, f, &ps, "show-at")
	for _, k := range []string{"show-place", "show-attendees", "presentation_minutes", "questions_minutes"} {
		f.Values[k] = strings.TrimSpace(c.FormValue(k))
	}
	minutes := func(k string) int {
		n, err := strconv.Atoi(f.Values[k])
		if err != nil {
			ps.Add(k, "Enter the minutes as a whole number, such as 30")
		}
		return n
	}
	in := service.ShowAndTellSlot{ContractID: id, At: at, Place: f.Values["show-place"], Attendees: f.Values["show-attendees"],
		PresentationMinutes: minutes("presentation_minutes"), QuestionsMinutes: minutes("questions_minutes")}
	_, err = s.Svc.ScheduleShowAndTell(c.Request().Context(), in)
	if len(ps) > 0 {
		// The form's own words for a date it could not read come first, then every problem the
		// service finds with the rest.
		var sps domain.Problems
		if errors.As(err, &sps) {
			for _, p := range sps {
				if p.Field != "at" && !slices.ContainsFunc(ps, func(q domain.FieldProblem) bool { return q.Field == p.Field }) {
					ps = append(ps, p)
				}
			}
		}
		err = ps
	}
	if err != nil {
		var sps domain.Problems
		if errors.As(err, &sps) {
			for i := range sps {
				switch sps[i].Field {
				case "at", "place", "attendees":
					sps[i].Field = "show-" + sps[i].Field
				}
			}
			err = sps
		}
		return s.contractRefused(c, id, err, f.Values, "show-at", "")
	}
	return s.backToContract(c, id, "show-scheduled")
}

func (s *Server) showAndTellRecordForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	f := ui.Form{Values: map[string]string{"attended": c.FormValue("attended"), "notes": c.FormValue("notes")}}
	var ps domain.Problems
	heldAt := formDateTime(c, f, &ps, "held_at")
	if len(ps) == 0 {
		_, err = s.Svc.RecordShowAndTell(c.Request().Context(), service.ShowAndTellRecord{ContractID: id, HeldAt: heldAt,
			Attended: f.Values["attended"], Notes: f.Values["notes"]})
	} else {
		err = ps
	}
	if err != nil {
		return s.contractRefused(c, id, err, f.Values, "attended", "")
	}
	return s.backToContract(c, id, "show-held")
}

func (s *Server) recommendationForm(c echo.Context) error {
	return s.contractForm(c, []string{"recommendation", "reason"}, "recommendation", "recommended", func(ctx context.Context, id int, v map[string]string) error {
		_, err := s.Svc.RecommendAtGate(ctx, service.Recommendation{ContractID: id, Outcome: v["recommendation"], Reason: v["reason"]})
		return err
	})
}

// lessonFields are a lesson's three parts as a form names them.
var lessonFields = []string{"what_worked", "what_failed", "why"}

// lessonOf is the lesson in a form's values.
func lessonOf(v map[string]string) domain.Lesson {
	return domain.Lesson{WhatWorked: v["what_worked"], WhatFailed: v["what_failed"], Why: v["why"]}
}

func (s *Server) gateForm(c echo.Context) error {
	return s.contractForm(c, []string{"outcome", "rationale", "what_worked", "what_failed", "why"}, "outcome", "gate", func(ctx context.Context, id int, v map[string]string) error {
		return s.Svc.RecordGateDecision(ctx, service.RecordGateDecision{ContractID: id, Outcome: v["outcome"], Rationale: v["rationale"],
			Lesson: lessonOf(v)})
	})
}

func (s *Server) progressForm(c echo.Context) error {
	return s.contractForm(c, []string{"progress"}, "progress", "progress", func(ctx context.Context, id int, v map[string]string) error {
		_, err := s.Svc.SubmitProgress(ctx, id, v["progress"])
		return err
	})
}

func (s *Server) midpointForm(c echo.Context) error {
	return s.contractForm(c, []string{"rag", "rag_note"}, "rag", "midpoint", func(ctx context.Context, id int, v map[string]string) error {
		_, err := s.Svc.ReviewMidpoint(ctx, service.MidpointReview{ContractID: id, RAG: v["rag"], Note: v["rag_note"]})
		return err
	})
}
