package api

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/ui"
)

// The panel sheet: a competition's eligible bids ranked by mean weighted score, each assessor's
// scores, the moderation flags and the normalised scores beside the raw ones; as a page, as JSON
// and as CSV.

// PanelRowView is one bid on the panel sheet.
type PanelRowView struct {
	Rank       int      `json:"rank"`
	BidID      int      `json:"bid_id"`
	Title      string   `json:"title"`
	Supplier   string   `json:"supplier"`
	Percent    float64  `json:"percent"`
	Normalised *float64 `json:"normalised,omitempty"`
	// With an interview stage: the written mean and the interview score that Percent combines.
	WrittenPercent   *float64             `json:"written_percent,omitempty"`
	InterviewPercent *float64             `json:"interview_percent,omitempty"`
	InScopeVotes     int                  `json:"in_scope_votes"`
	FundVotes        int                  `json:"fund_votes"`
	Fundable         bool                 `json:"fundable"`
	Reason           string               `json:"reason"`
	AmountPence      int64                `json:"amount_pence"`
	Flags            []string             `json:"flags"`
	AssessorScores   []PanelAssessorScore `json:"assessors"`
}

// PanelAssessorScore is one assessor's scores of one bid.
type PanelAssessorScore struct {
	AssessmentID int            `json:"assessment_id"`
	Excluded     string         `json:"excluded,omitempty"`  // why it is out of the mean
	SentBack     string         `json:"sent_back,omitempty"` // the programme's note, while it is back with its assessor
	AssessorID   int            `json:"assessor_id"`
	Name         string         `json:"name"`
	Percent      float64        `json:"percent"`
	Scores       map[string]int `json:"scores"`
	InScope      bool           `json:"in_scope"`
	Fund         bool           `json:"fund"`
}

// PanelView is the panel sheet.
type PanelView struct {
	CompetitionID int     `json:"competition_id"`
	Threshold     float64 `json:"threshold"`
	// InterviewWeight is the interview's share of the final score in percent; 0: no interviews.
	InterviewWeight int            `json:"interview_weight,omitempty"`
	Rows            []PanelRowView `json:"rows"`
}

func panelView(p service.PanelSheet) PanelView {
	v := PanelView{CompetitionID: p.Competition.ID, Threshold: p.Competition.Scheme.Threshold, Rows: []PanelRowView{},
		InterviewWeight: p.Competition.Scheme.InterviewWeight}
	for _, r := range p.Rows {
		row := PanelRowView{Rank: r.Rank, BidID: r.Bid.ID, Title: r.Bid.Title, Percent: r.Result.Percent,
			InScopeVotes: r.Result.InScopeVotes, FundVotes: r.Result.FundVotes, Fundable: r.Result.Fundable, Reason: r.Result.Reason,
			AmountPence: int64(r.Bid.Amount), Flags: []string{}, AssessorScores: []PanelAssessorScore{}}
		if o := r.Bid.Edges.Organisation; o != nil {
			row.Supplier = o.Name
		}
		if r.Normalised != nil {
			n := r.Normalised.Normalised
			row.Normalised = &n
		}
		if v.InterviewWeight > 0 {
			written := r.Result.Written
			row.WrittenPercent, row.InterviewPercent = &written, r.Result.Interview
		}
		if f := r.Flag; f != nil {
			if f.Wide {
				row.Flags = append(row.Flags, fmt.Sprintf("The assessors' scores spread %.1f points, wider than the %d-point band", f.Spread, p.Competition.ModerationBand))
			}
			for _, o := range f.Outliers {
				dir := "above"
				if o.Distance < 0 {
					dir, o.Distance = "below", -o.Distance
				}
				row.Flags = append(row.Flags, fmt.Sprintf("%s gave %.1f%%, %.1f points %s the others' mean of %.1f%%", p.Assessors[o.AssessorID], o.Percent, o.Distance, dir, o.OthersMean))
			}
		}
		for _, a := range r.Assessments {
			sc := PanelAssessorScore{AssessmentID: r.IDs[a.AssessorID], AssessorID: a.AssessorID, Name: p.Assessors[a.AssessorID],
				Percent: r.Percents[a.AssessorID], Scores: map[string]int{}, InScope: a.InScope, Fund: a.Fund}
			if a.Excluded != nil {
				sc.Excluded = a.Excluded.Reason
			}
			if back := r.Returned[a.AssessorID]; back != nil {
				sc.SentBack = back.Note
				if *a.Excluded == *service.SentBack(back) {
					sc.Excluded = "" // out of the mean only while it is sent back, not excluded
				}
			}
			for k, s := range a.Scores {
				sc.Scores[k] = s.Score
			}
			row.AssessorScores = append(row.AssessorScores, sc)
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

func (s *Server) panel(c echo.Context) (service.PanelSheet, error) {
	id, err := pathID(c)
	if err != nil {
		return service.PanelSheet{}, err
	}
	return s.svc.Panel(c.Request().Context(), id)
}

func (s *Server) getPanel(c echo.Context) error {
	p, err := s.panel(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, panelView(p))
}

func (s *Server) panelPage(c echo.Context) error {
	p, err := s.panel(c)
	if err != nil {
		return err
	}
	return s.renderPanel(c, http.StatusOK, p, ui.Form{Values: map[string]string{}}, c.QueryParam("done"))
}

func (s *Server) renderPanel(c echo.Context, status int, p service.PanelSheet, form ui.Form, done string) error {
	return s.render(c, status, "panel", form.Title("Panel sheet: "+p.Competition.Edges.Challenge.Title), "challenges", struct {
		Sheet    PanelView
		Title    string
		Phase    int
		Crit     []string
		Names    map[string]string
		Form     ui.Form
		Done     string
		Moderate bool
		Release  bool
		Released bool
		Choices  []ui.Option
		Short    []service.PanelRow
		Minimum  int
		// MaxLowered is the highest minimum the decision may go ahead with: one below the scheme's.
		MaxLowered int
	}{Short: p.Short(), Minimum: p.Competition.Scheme.MinAssessors, MaxLowered: p.Competition.Scheme.MinAssessors - 1, Sheet: panelView(p), Title: p.Competition.Edges.Challenge.Title, Phase: p.Competition.Phase, Crit: scoredKeys(p), Names: criterionNames(p),
		Form: form, Done: done, Moderate: p.Competition.Status.CheckModeration() == nil,
		Release: p.Competition.Status.ReleaseFeedback() == nil && p.Competition.FeedbackReleasedAt == nil, Released: p.Competition.FeedbackReleasedAt != nil,
		Choices: choicesOf(p, form)})
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
	id, err := pathID(c)
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
				return badRequest("%q is not a bid", v)
			}
			in.Chosen = append(in.Chosen, n)
		}
	}
	for k, v := range values {
		if bidID, ok := strings.CutPrefix(k, "reasons."); ok && strings.TrimSpace(v) != "" {
			n, err := strconv.Atoi(bidID)
			if err != nil {
				return badRequest("%q is not a bid", bidID)
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
		err = s.svc.Decide(c.Request().Context(), in)
		if err == nil {
			return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/competitions/%d/panel?done=decided", id))
		}
		var fields domain.Problems
		if errors.As(err, &fields) {
			ps = fields
		} else if p, ok := toProblem(err); ok && p.Status < 500 {
			ps.Add("method", "The decision cannot be made yet: %s", p.Detail)
		} else {
			return err
		}
	}
	sheet, err := s.svc.Panel(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return s.renderPanel(c, http.StatusUnprocessableEntity, sheet, ui.Form{Values: values, Multi: map[string][]string{"chosen": form["chosen"]}, Problems: ps}, "")
}

// releaseForm releases every outcome and its feedback in one batch: only then do suppliers read them.
func (s *Server) releaseForm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.svc.ReleaseFeedback(c.Request().Context(), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/competitions/%d/panel?done=released", id))
}

// ExclusionRequest takes a score out of its bid's mean, with the reason.
type ExclusionRequest struct {
	Reason string `json:"reason"`
}

// ExclusionView is an assessment's place in its bid's mean.
type ExclusionView struct {
	AssessmentID int    `json:"assessment_id"`
	BidID        int    `json:"bid_id"`
	Excluded     bool   `json:"excluded"`
	Reason       string `json:"reason,omitempty"`
	By           string `json:"by,omitempty"`
	SentBack     string `json:"sent_back,omitempty"`
}

func exclusionView(a *ent.Assessment) ExclusionView {
	v := ExclusionView{AssessmentID: a.ID, BidID: a.BidID, Excluded: a.Exclusion != nil}
	if a.Exclusion != nil {
		v.Reason, v.By = a.Exclusion.Reason, a.Exclusion.By
	}
	if a.Returned != nil {
		v.SentBack = a.Returned.Note
	}
	return v
}

// ReturnRequest sends an assessment back to its assessor, with what to look at again.
type ReturnRequest struct {
	Note string `json:"note"`
}

func (s *Server) sendBack(c echo.Context) error {
	var req ReturnRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	a, err := s.svc.SendBack(c.Request().Context(), id, req.Note)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, exclusionView(a))
}

// sendBackForm sends a score back from the panel sheet, and returns to it.
func (s *Server) sendBackForm(c echo.Context) error {
	return s.moderateForm(c, "note", "sent-back", s.svc.SendBack)
}

func (s *Server) excludeScore(c echo.Context) error {
	var req ExclusionRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	a, err := s.svc.ExcludeScore(c.Request().Context(), id, req.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, exclusionView(a))
}

func (s *Server) includeScore(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	a, err := s.svc.IncludeScore(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, exclusionView(a))
}

// excludeScoreForm and includeScoreForm moderate from the panel sheet, and return to it.
func (s *Server) excludeScoreForm(c echo.Context) error {
	return s.moderateForm(c, "reason", "excluded", s.svc.ExcludeScore)
}

// moderateForm takes one score's moderation form on the panel sheet: its text field is named
// after the score (name-ID), so the page's IDs stay unique. A problem shows the sheet again with
// the service's words beside the field; otherwise it returns to the bid on the sheet.
func (s *Server) moderateForm(c echo.Context, name, done string, act func(context.Context, int, string) (*ent.Assessment, error)) error {
	id, err := pathID(c)
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
			return badRequest("the form does not say which competition it is from")
		}
		p, perr := s.svc.Panel(c.Request().Context(), comp)
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
	id, err := pathID(c)
	if err != nil {
		return err
	}
	a, err := s.svc.IncludeScore(c.Request().Context(), id)
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
	v := panelView(p)
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
		base := []any{r.Rank, r.BidID, csvSafe(r.Title), csvSafe(r.Supplier), r.Percent, norm, r.InScopeVotes, r.FundVotes, r.Fundable,
			csvSafe(strings.Join(r.Flags, "; ")), status[r.BidID]}
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
			line := append(append([]any{}, base...), csvSafe(a.Name), a.Percent)
			for _, k := range keys {
				line = append(line, a.Scores[k])
			}
			rows = append(rows, append(line, a.InScope, a.Fund, csvSafe(a.Excluded), csvSafe(a.SentBack)))
		}
	}
	return header, rows
}

// exportPanel writes the panel sheet as CSV.
func (s *Server) exportPanel(c echo.Context) error {
	p, err := s.panel(c)
	if err != nil {
		return err
	}
	header, rows := panelTable(p)
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="panel-sheet-%d.csv"`, p.Competition.ID))
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
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
	p, err := s.panel(c)
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
