package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/catalyst-sbri/catalyst/api"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/ui"
)

func (s *Server) panelPage(c echo.Context) error {
	p, err := s.Panel(c)
	if err != nil {
		return err
	}
	return s.renderPanel(c, http.StatusOK, p, ui.Form{Values: map[string]string{}}, c.QueryParam("done"))
}

func (s *Server) renderPanel(c echo.Context, status int, p service.PanelSheet, form ui.Form, done string) error {
	actions, err := s.Svc.CompetitionActions(c.Request().Context(), p.Competition)
	if err != nil {
		return err
	}
	return s.render(c, status, "panel", form.Title("Panel sheet: "+p.Competition.Edges.Challenge.Title), "challenges", struct {
		Sheet   api.PanelView
		Title   string
		Phase   int
		Crit    []string
		Names   map[string]string
		Form    ui.Form
		Done    string
		Decide  bool
		Approve bool
		Refuse  bool
		// Withdraw offers the programme the withdrawal of its waiting proposal.
		Withdraw bool
		// Funded names the bids the proposal funds; WhyNot is why this approver may not answer it.
		Funded   []string
		WhyNot   string
		Release  bool
		Released bool
		Choices  []ui.Option
		Short    []service.PanelRow
		Minimum  int
		// MaxLowered is the highest minimum the decision may go ahead with: one below the scheme's.
		MaxLowered int
	}{Short: p.Short(), Minimum: p.Competition.Scheme.MinAssessors, MaxLowered: p.Competition.Scheme.MinAssessors - 1, Sheet: api.PanelViewOf(c.Request().Context(), p), Title: p.Competition.Edges.Challenge.Title, Phase: p.Competition.Phase, Crit: scoredKeys(p), Names: criterionNames(p),
		Form: form, Done: done, Decide: actions.Allows("decide"), Approve: actions.Allows("approve-decision"),
		Refuse: actions.Allows("refuse-decision"), Withdraw: actions.Allows("withdraw-proposal"),
		Funded: fundedTitles(p), WhyNot: whyNotApprove(actions, p),
		Release: actions.Allows("release"), Released: p.Competition.FeedbackReleasedAt != nil,
		Choices: choicesOf(p, form)})
}

// fundedTitles names the bids the proposed decision funds, in rank order.
func fundedTitles(p service.PanelSheet) []string {
	fp := p.Competition.FundingProposal
	if fp == nil {
		return nil
	}
	var out []string
	for _, r := range p.Rows {
		if slices.Contains(fp.Funded, r.Bid.ID) {
			name := r.Bid.Title
			if o := r.Bid.Edges.Organisation; o != nil {
				name += ", " + o.Name
			}
			out = append(out, fmt.Sprintf("%s (%s)", name, r.Bid.Amount))
		}
	}
	return out
}

// whyNotApprove is why an approver may not answer the proposal there is, if they may not.
func whyNotApprove(actions service.Actions, p service.PanelSheet) string {
	a, ok := actions.Find("approve-decision")
	if !ok || a.Allowed || p.Competition.FundingProposal == nil {
		return ""
	}
	return a.Reason
}

// choicesOf are the bids a portfolio may be picked from, in rank order.
func choicesOf(p service.PanelSheet, form ui.Form) []ui.Option {
	var out []ui.Option
	for _, r := range p.Rows {
		v := strconv.Itoa(r.Bid.ID)
		out = append(out, ui.Option{Value: v, Label: fmt.Sprintf("%d. %s (%.1f%%, %s)", r.Rank, r.Bid.Title, r.Result.Percent, r.Bid.Amount),
			Checked: slices.Contains(form.Multi["chosen"], v)})
	}
	return out
}

// decideForm records the decision from the panel sheet: top down, or the portfolio chosen on it,
// with the panel's reasons per bid and, when bids lack assessors, the lower minimum and why.
func (s *Server) decideForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	form, _ := c.FormParams()
	values := map[string]string{}
	for k := range form {
		values[k] = form.Get(k)
	}
	method := values["method"]
	// The API takes "no bids chosen" as top down; the page asks, so that an empty portfolio is
	// never recorded as top down.
	var ps domain.Problems
	switch {
	case method != "top_down" && method != "portfolio":
		ps.Add("method", "Choose top down or a portfolio")
	case method == "portfolio" && len(form["chosen"]) == 0:
		ps.Add("chosen", "Tick the bids in the portfolio")
	}
	in := service.Decision{CompetitionID: id, Reasons: map[int]string{}}
	if method == "portfolio" {
		for _, v := range form["chosen"] {
			n, err := strconv.Atoi(v)
			if err != nil {
				return api.BadRequest("%q is not a bid", v)
			}
			in.Chosen = append(in.Chosen, n)
		}
	}
	for k, v := range values {
		if bidID, ok := strings.CutPrefix(k, "reasons."); ok && strings.TrimSpace(v) != "" {
			n, err := strconv.Atoi(bidID)
			if err != nil {
				return api.BadRequest("%q is not a bid", bidID)
			}
			in.Reasons[n] = v
		}
	}
	if m := strings.TrimSpace(values["lowered_minimum"]); m != "" || strings.TrimSpace(values["lowered_reason"]) != "" {
		n, err := strconv.Atoi(m)
		if err != nil {
			ps.Add("lowered_minimum", "Enter the lower minimum as a whole number, such as 2")
		}
		in.Lowered = &domain.LoweredMinimum{Minimum: n, Reason: values["lowered_reason"]}
	}
	if len(ps) == 0 {
		_, err = s.Svc.ProposeDecision(c.Request().Context(), in)
		if err == nil {
			return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/competitions/%d/panel?done=proposed", id))
		}
		var fields domain.Problems
		if errors.As(err, &fields) {
			ps = fields
		} else if p, ok := api.ToProblem(err); ok && p.Status < 500 {
			ps.Add("method", "The decision cannot be made yet: %s", p.Detail)
		} else {
			return err
		}
	}
	sheet, err := s.Svc.Panel(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return s.renderPanel(c, http.StatusUnprocessableEntity, sheet, ui.Form{Values: values, Multi: map[string][]string{"chosen": form["chosen"]}, Problems: ps}, "")
}

// approvalForm records a panel chair's or budget holder's answer to the proposed decision; a
// refusal without a reason shows the sheet again with why.
func (s *Server) approvalForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	answer := c.FormValue("answer")
	in := service.Approval{CompetitionID: id, Approve: answer == "approve", Reason: c.FormValue("approval_reason")}
	var ps domain.Problems
	if answer != "approve" && answer != "refuse" {
		ps.Add("answer", "Choose whether you approve the decision or refuse it")
	} else if err := s.Svc.ApproveDecision(c.Request().Context(), in); err == nil {
		done := "approved"
		if !in.Approve {
			done = "refused"
		}
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/competitions/%d/panel?done=%s", id, done))
	} else if !errors.As(err, &ps) {
		if p, ok := api.ToProblem(err); ok && p.Status < 500 {
			ps.Add("answer", "%s", domain.UpperFirst(p.Detail))
		} else {
			return err
		}
	}
	for i := range ps {
		if ps[i].Field == "reason" {
			ps[i].Field = "approval_reason"
		}
	}
	sheet, err := s.Svc.Panel(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return s.renderPanel(c, http.StatusUnprocessableEntity, sheet, ui.Form{Values: map[string]string{"answer": answer, "approval_reason": in.Reason}, Problems: ps}, "")
}

// withdrawalForm takes back the programme's waiting proposal, with why.
func (s *Server) withdrawalForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	reason := c.FormValue("withdrawal_reason")
	err = s.Svc.WithdrawProposal(c.Request().Context(), id, reason)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/competitions/%d/panel?done=withdrawn", id))
	}
	ps := api.ProblemsOf(err)
	if ps == nil {
		return err
	}
	for i := range ps {
		ps[i].Field = "withdrawal_reason"
	}
	sheet, err := s.Svc.Panel(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return s.renderPanel(c, http.StatusUnprocessableEntity, sheet, ui.Form{Values: map[string]string{"withdrawal_reason": reason}, Problems: ps}, "")
}

// releaseForm releases every outcome and its feedback in one batch: only then do suppliers read them.
func (s *Server) releaseForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	if err := s.Svc.ReleaseFeedback(c.Request().Context(), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/competitions/%d/panel?done=released", id))
}

// sendBackForm sends a score back from the panel sheet, and returns to it.
func (s *Server) sendBackForm(c echo.Context) error {
	return s.moderateForm(c, "note", "sent-back", s.Svc.SendBack)
}

// excludeScoreForm and includeScoreForm moderate from the panel sheet, and return to it.
func (s *Server) excludeScoreForm(c echo.Context) error {
	return s.moderateForm(c, "reason", "excluded", s.Svc.ExcludeScore)
}

// moderateForm takes one score's moderation form on the panel sheet: its text field is named
// after the score (name-ID), so the page's IDs stay unique. A problem shows the sheet again with
// the service's words beside the field; otherwise it returns to the bid on the sheet.
func (s *Server) moderateForm(c echo.Context, name, done string, act func(context.Context, int, string) (*ent.Assessment, error)) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	field := name + "-" + strconv.Itoa(id)
	text := c.FormValue(field)
	a, err := act(c.Request().Context(), id, text)
	var ps domain.Problems
	if errors.As(err, &ps) {
		comp, cerr := strconv.Atoi(c.FormValue("competition_id"))
		if cerr != nil {
			return api.BadRequest("the form does not say which competition it is from")
		}
		p, perr := s.Svc.Panel(c.Request().Context(), comp)
		if perr != nil {
			return perr
		}
		for i := range ps {
			ps[i].Field = field
		}
		return s.renderPanel(c, http.StatusUnprocessableEntity, p, ui.Form{Values: map[string]string{field: text}, Problems: ps}, "")
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/competitions/%d/panel?done=%s#bid-%d", a.Edges.Bid.CompetitionID, done, a.BidID))
}

func (s *Server) includeScoreForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	a, err := s.Svc.IncludeScore(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/competitions/%d/panel?done=included#bid-%d", a.Edges.Bid.CompetitionID, a.BidID))
}

func scoredKeys(p service.PanelSheet) []string {
	var keys []string
	for _, q := range p.Competition.Scheme.Criteria {
		if !q.PassFail {
			keys = append(keys, q.Key)
		}
	}
	return keys
}

func criterionNames(p service.PanelSheet) map[string]string {
	out := map[string]string{}
	for _, q := range p.Competition.Scheme.Criteria {
		out[q.Key] = q.Title
	}
	return out
}

// panelTable is the panel sheet as one table, for the exports: one line per bid and assessor
// with the bid's rank, mean, normalised score, votes, flags and decision on each, and each
// assessor's per-criterion scores and exclusion. Text that starts like a formula is neutralised.
func panelTable(p service.PanelSheet) (header []string, rows [][]any) {
	v := api.PanelViewOf(context.Background(), p) // the exports carry no actions
	keys := scoredKeys(p)
	names := criterionNames(p)
	header = []string{"Rank", "Bid", "Title", "Supplier", "Mean %", "Normalised %", "In scope votes", "Fund votes", "Fundable", "Flags", "Decision",
		"Assessor", "Assessor %"}
	for _, k := range keys {
		header = append(header, names[k])
	}
	header = append(header, "Assessor: in scope", "Assessor: fund", "Excluded", "Sent back")
	if v.InterviewWeight > 0 {
		header = slices.Insert(header, 5, "Written %", "Interview %")
	}
	status := map[int]string{}
	for _, r := range p.Rows {
		if st := r.Bid.Status; st == domain.BidFunded || st == domain.BidNotFunded {
			status[r.Bid.ID] = st.Label()
		}
	}
	for _, r := range v.Rows {
		var norm any
		if r.Normalised != nil {
			norm = *r.Normalised
		}
		base := []any{r.Rank, r.BidID, api.CsvSafe(r.Title), api.CsvSafe(r.Supplier), r.Percent, norm, r.InScopeVotes, r.FundVotes, r.Fundable,
			api.CsvSafe(strings.Join(r.Flags, "; ")), status[r.BidID]}
		if v.InterviewWeight > 0 {
			var interview any
			if r.InterviewPercent != nil {
				interview = *r.InterviewPercent
			}
			base = slices.Insert(base, 5, any(*r.WrittenPercent), interview)
		}
		if len(r.AssessorScores) == 0 {
			rows = append(rows, base)
		}
		for _, a := range r.AssessorScores {
			line := append(append([]any{}, base...), api.CsvSafe(a.Name), a.Percent)
			for _, k := range keys {
				line = append(line, a.Scores[k])
			}
			rows = append(rows, append(line, a.InScope, a.Fund, api.CsvSafe(a.Excluded), api.CsvSafe(a.SentBack)))
		}
	}
	return header, rows
}

// exportPanel writes the panel sheet as CSV.
func (s *Server) exportPanel(c echo.Context) error {
	p, err := s.Panel(c)
	if err != nil {
		return err
	}
	header, rows := panelTable(p)
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="panel-sheet-%d.csv"`, p.Competition.ID))
	c.Response().WriteHeader(http.StatusOK)
	w := api.NewSafeCSV(c.Response())
	_ = w.Write(header)
	for _, row := range rows {
		line := make([]string, len(row))
		for i, cell := range row {
			switch x := cell.(type) {
			case nil:
			case float64:
				line[i] = strconv.FormatFloat(x, 'f', 2, 64)
			default:
				line[i] = fmt.Sprint(x)
			}
		}
		_ = w.Write(line)
	}
	w.Flush()
	return w.Error()
}

// exportPanelXLSX writes the panel sheet as an Excel workbook, numbers as numbers, with the
// header row frozen.
func (s *Server) exportPanelXLSX(c echo.Context) error {
	p, err := s.Panel(c)
	if err != nil {
		return err
	}
	header, rows := panelTable(p)
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Panel sheet"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = h
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return err
	}
	for i, row := range rows {
		at, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(at, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="panel-sheet-%d.xlsx"`, p.Competition.ID))
	c.Response().WriteHeader(http.StatusOK)
	_, err = f.WriteTo(c.Response())
	return err
}
