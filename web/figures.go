package web

import (
	"bytes"
	"cmp"
	"fmt"
	"net/http"
	"strconv"

	"github.com/catalyst-sbri/catalyst/api"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ui"
)

// figureTables are the figures as tables of text, the same for the CSV and the XLSX, by name.
func figureTables(v api.FiguresView) (names []string, tables map[string][][]string) {
	pounds := func(p int64) string { return domain.Money(p).String() }
	tables = map[string][][]string{}
	funnel := [][]string{{"Step", "Count"}}
	for _, s := range v.Funnel {
		funnel = append(funnel, []string{s.Label, strconv.Itoa(s.Count)})
	}
	money := [][]string{{"Round", "Challenge", "Pot", "Awarded", "Spent", "Saved by stops"}}
	row := func(round, challenge string, r api.MoneyRowView) []string {
		return []string{round, challenge, pounds(r.PotPence), pounds(r.AwardedPence), pounds(r.SpentPence), pounds(r.SavedPence)}
	}
	for _, r := range v.Money {
		// A row without a challenge is its round's total.
		money = append(money, row(r.Round, cmp.Or(r.Challenge, "Round total"), r))
	}
	money = append(money, row("All rounds", "Total", v.Total))
	time := [][]string{{"Step", "Counted", "Median days", "90th percentile days", "Target days", "Median within target"}}
	for _, t := range v.Time {
		time = append(time, []string{t.Label, strconv.Itoa(t.Count), fmt.Sprint(t.MedianDays), fmt.Sprint(t.P90Days), strconv.Itoa(t.TargetDays), yesNo(t.Met)})
	}
	reach := [][]string{{"Group", "Bidders", "Of bidders", "Bidders %", "Winners", "Of winners", "Winners %", "Target %"}}
	for _, r := range v.Reach {
		reach = append(reach, []string{r.Label, strconv.Itoa(r.Bidders.N), strconv.Itoa(r.Bidders.Of), strconv.Itoa(r.Bidders.Percent),
			strconv.Itoa(r.Winners.N), strconv.Itoa(r.Winners.Of), strconv.Itoa(r.Winners.Percent), strconv.Itoa(r.TargetPercent)})
	}
	tables["funnel"], tables["money"], tables["time"], tables["reach"] = funnel, money, time, reach
	return []string{"reach", "time", "money", "funnel"}, tables
}

// figuresCSV downloads one table (?table=reach, time, money or funnel) as CSV.
func (s *Server) figuresCSV(c echo.Context) error {
	v, err := s.Figures(c)
	if err != nil {
		return err
	}
	_, tables := figureTables(v)
	name := c.QueryParam("table")
	rows, ok := tables[name]
	if !ok {
		return domain.Problems{{Field: "table", Message: "Choose a table: reach, time, money or funnel"}}
	}
	var b bytes.Buffer
	w := api.NewSafeCSV(&b)
	for _, r := range rows {
		_ = w.Write(r)
	}
	w.Flush()
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="catalyst-%s.csv"`, name))
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", b.Bytes())
}

// figuresXLSX downloads every table as a workbook, a sheet each.
func (s *Server) figuresXLSX(c echo.Context) error {
	v, err := s.Figures(c)
	if err != nil {
		return err
	}
	names, tables := figureTables(v)
	f := excelize.NewFile()
	defer f.Close()
	titles := map[string]string{"reach": "Who we reach", "time": "How fast", "money": "Money", "funnel": "Funnel"}
	for i, name := range names {
		sheet := titles[name]
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sheet); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
		for r, row := range tables[name] {
			cells := make([]any, len(row))
			for i, cell := range row {
				cells[i] = cell
				if n, err := strconv.ParseFloat(cell, 64); err == nil && r > 0 {
					cells[i] = n
				}
			}
			ref, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(sheet, ref, &cells); err != nil {
				return err
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="catalyst-figures.xlsx"`)
	return c.Blob(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b.Bytes())
}

type figuresPage struct {
	api.FiguresView
	Charts  map[string]ui.BarChart
	Targets []targetField
	Form    ui.Form
	Saved   bool
}

type targetField struct {
	Name, Label, Suffix string
	Value, Error        string
}

func (s *Server) figuresPage(c echo.Context) error {
	return s.renderFigures(c, http.StatusOK, ui.Form{Values: map[string]string{}})
}

func (s *Server) renderFigures(c echo.Context, status int, form ui.Form) error {
	v, err := s.Figures(c)
	if err != nil {
		return err
	}
	p := figuresPage{FiguresView: v, Charts: figureCharts(v), Form: form, Saved: c.QueryParam("saved") == "1"}
	for _, t := range domain.Targets {
		tf := targetField{Name: string(t), Label: t.Label(), Suffix: "%", Value: strconv.Itoa(v.Targets[string(t)])}
		if t.Days() {
			tf.Suffix = "days"
		}
		if val, ok := form.Values[string(t)]; ok {
			tf.Value = val
		}
		for _, p := range form.Problems {
			if p.Field == tf.Name {
				tf.Error = p.Message
			}
		}
		p.Targets = append(p.Targets, tf)
	}
	title := "The programme's figures"
	return s.render(c, status, "figures", form.Title(title), "figures", p)
}

// targetsForm sets the targets from the page; a refusal shows the page again with what was
// typed and what to fix.
func (s *Server) targetsForm(c echo.Context) error {
	form := ui.Form{Values: map[string]string{}}
	in := map[domain.Target]int{}
	var ps domain.Problems
	for _, t := range domain.Targets {
		raw := c.FormValue(string(t))
		form.Values[string(t)] = raw
		n, err := strconv.Atoi(raw)
		if err != nil {
			ps.Add(string(t), "Enter %s as a whole number", t.Label())
			continue
		}
		in[t] = n
	}
	if len(ps) == 0 {
		_, err := s.Svc.SetTargets(c.Request().Context(), in)
		if err == nil {
			return c.Redirect(http.StatusSeeOther, "/figures?saved=1#targets")
		}
		if ps, err = fieldProblems(err, "targets", ""); err != nil {
			return err
		}
	}
	form.Problems = ps
	return s.renderFigures(c, http.StatusUnprocessableEntity, form)
}

func figureCharts(v api.FiguresView) map[string]ui.BarChart {
	charts := map[string]ui.BarChart{}

	reach := ui.NewBarChart("reach", "Who the programme reaches", "For each group, its share of bidders and of winners as bars, and the programme's target as a dashed line. The same figures are in the table.", 100)
	for _, r := range v.Reach {
		reach.Heading(r.Label)
		reach.Bar("Bidders", float64(r.Bidders.Percent), fmt.Sprintf("%d%%", r.Bidders.Percent), "bidders", float64(r.TargetPercent))
		reach.Bar("Winners", float64(r.Winners.Percent), fmt.Sprintf("%d%%", r.Winners.Percent), "winners", float64(r.TargetPercent))
	}
	charts["reach"] = reach.Done()

	maxDays := 1.0
	for _, t := range v.Time {
		maxDays = max(maxDays, t.P90Days, float64(t.TargetDays))
	}
	time := ui.NewBarChart("time", "How fast the programme moves", "For each step, the median and 90th percentile in days as bars, and the programme's target as a dashed line. The same figures are in the table.", maxDays)
	for _, t := range v.Time {
		time.Heading(t.Label)
		time.Bar("Median", t.MedianDays, fmt.Sprintf("%v days", t.MedianDays), "median", float64(t.TargetDays))
		time.Bar("90th pc", t.P90Days, fmt.Sprintf("%v days", t.P90Days), "p90", float64(t.TargetDays))
	}
	charts["time"] = time.Done()

	maxMoney := 1.0
	for _, r := range v.Money {
		if r.Challenge == "" {
			maxMoney = max(maxMoney, float64(r.PotPence), float64(r.AwardedPence))
		}
	}
	money := ui.NewBarChart("money", "Money by round", "For each round, bars for the pot, what was awarded, what was spent and what stopping saved. The same figures, by challenge, are in the table.", maxMoney)
	for _, r := range v.Money {
		if r.Challenge != "" {
			continue
		}
		money.Heading(r.Round)
		money.Bar("Pot", float64(r.PotPence), domain.Money(r.PotPence).String(), "pot", 0)
		money.Bar("Awarded", float64(r.AwardedPence), domain.Money(r.AwardedPence).String(), "awarded", 0)
		money.Bar("Spent", float64(r.SpentPence), domain.Money(r.SpentPence).String(), "spent", 0)
		money.Bar("Saved", float64(r.SavedPence), domain.Money(r.SavedPence).String(), "saved", 0)
	}
	charts["money"] = money.Done()

	maxCount := 1.0
	for _, s := range v.Funnel {
		maxCount = max(maxCount, float64(s.Count))
	}
	funnel := ui.NewBarChart("funnel", "From challenges to adoption", "A bar for each step, from challenges submitted to solutions adopted. The same figures are in the table.", maxCount)
	funnel.LabelWidth = 190
	for _, s := range v.Funnel {
		funnel.Bar(s.Label, float64(s.Count), strconv.Itoa(s.Count), "step", 0)
	}
	charts["funnel"] = funnel.Done()
	return charts
}
