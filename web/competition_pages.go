package web

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/catalyst-sbri/catalyst/api"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/ui"
)

// The programme team's competition pages: set a competition up as a task list, build its
// questions, check the answers, open it or schedule it; then, on the competition's page,
// extend its deadline and answer clarification questions. Each form calls the same service
// method as the API.

func competitionPath(id int, rest ...string) string {
	return "/competitions/" + strconv.Itoa(id) + strings.Join(rest, "")
}

// startCompetitionSetupForm begins (or resumes) the setup of a challenge's next competition.
func (s *Server) startCompetitionSetupForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	comp, err := s.Svc.StartCompetitionSetup(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, competitionPath(comp.ID, "/setup"))
}

// setupCompetition is the competition the path names, while it is being set up.
func (s *Server) setupCompetition(c echo.Context) (*ent.Competition, error) {
	id, err := api.PathID(c)
	if err != nil {
		return nil, err
	}
	comp, err := s.Svc.Competition(c.Request().Context(), id)
	if err != nil {
		return nil, err
	}
	return comp, nil
}

type setupPage struct {
	Competition *ent.Competition
	Title       string
	Tasks       []domain.Task
	ToOpen      domain.Problems
	Saved       string
	Form        ui.Form
	Task        string
	Fields      []string
	Questions   []questionRow
	Question    *domain.Question
	Key         string
	Rows        []summaryRow
	Refused     bool
	Links       []problemLink // what it still needs, each linked to the task that gives it
}

// problemLink is a problem shown away from its form, linking to the field on its task's page.
type problemLink struct{ Href, Message string }

// taskOf is the setup task whose page holds a field.
func taskOf(field string) string {
	switch {
	case slices.Contains([]string{"summary", "scope", "fields"}, field):
		return "details"
	case slices.Contains([]string{"opens_at", "closes_at", "clarification_closes_at", "briefing_at", "briefing_details"}, field):
		return "dates"
	case slices.Contains([]string{"pot_pence", "max_contract_pence", "max_contracts"}, field):
		return "money"
	case strings.HasPrefix(field, "questions") || strings.HasPrefix(field, "criteria") || field == "tie_breaker":
		return "questions"
	}
	return "assessment"
}

func (s *Server) newSetupPage(c echo.Context, comp *ent.Competition) setupPage {
	p := setupPage{Competition: comp, Title: comp.Edges.Challenge.Title, Tasks: service.SetupOf(comp).Tasks(), Saved: c.QueryParam("saved")}
	if err := s.Svc.CompetitionReadiness(c.Request().Context(), comp); err != nil {
		if p.ToOpen = api.ProblemsOf(err); p.ToOpen == nil {
			p.ToOpen = domain.Problems{{Field: "summary", Message: api.ReasonOf(err)}}
		}
	}
	p.linkProblems()
	for _, f := range domain.Fields {
		p.Fields = append(p.Fields, string(f))
	}
	return p
}

func (p *setupPage) linkProblems() {
	p.Links = nil
	for _, x := range p.ToOpen {
		task := taskOf(x.Field)
		href := competitionPath(p.Competition.ID, "/setup/", task, "#", x.Field)
		if task == "questions" {
			href = competitionPath(p.Competition.ID, "/setup/questions")
		}
		p.Links = append(p.Links, problemLink{Href: href, Message: x.Message})
	}
}

// competitionSetupPage is the task list.
func (s *Server) competitionSetupPage(c echo.Context) error {
	comp, err := s.setupCompetition(c)
	if err != nil {
		return err
	}
	if comp.Status != domain.CompetitionDraft {
		return c.Redirect(http.StatusSeeOther, competitionPath(comp.ID))
	}
	return s.render(c, http.StatusOK, "competition_setup", "Set up the competition", "challenges", s.newSetupPage(c, comp))
}

var setupTasks = map[string]string{"details": "Competition details", "dates": "Dates", "money": "Money", "assessment": "Assessment"}

// taskForm is a task's form with the competition's answers so far.
func taskForm(comp *ent.Competition, task string) ui.Form {
	f := ui.Form{Values: map[string]string{}, Multi: map[string][]string{}}
	switch task {
	case "details":
		f.Values["summary"], f.Values["scope"] = comp.Summary, comp.Scope
		f.Multi["fields"] = comp.Fields
	case "dates":
		ui.DateTimeValues(f.Values, "opens_at", comp.OpensAt)
		ui.DateTimeValues(f.Values, "closes_at", comp.ClosesAt)
		ui.DateTimeValues(f.Values, "clarification_closes_at", comp.ClarificationClosesAt)
		ui.DateTimeValues(f.Values, "briefing_at", comp.BriefingAt)
		f.Values["briefing_details"] = comp.BriefingDetails
	case "money":
		f.Values["pot_pence"], f.Values["max_contract_pence"] = ui.MoneyValue(comp.Pot), ui.MoneyValue(comp.MaxContract)
		if comp.MaxContracts > 0 {
			f.Values["max_contracts"] = strconv.Itoa(comp.MaxContracts)
		}
	case "assessment":
		f.Values["assessors_per_bid"] = strconv.Itoa(comp.AssessorsPerBid)
		f.Values["assessment_days"] = strconv.Itoa(comp.AssessmentDays)
		f.Values["moderation_band"] = strconv.Itoa(comp.ModerationBand)
		f.Values["reminder_days"] = strconv.Itoa(comp.ReminderDays)
		f.Values["interview_weight"] = strconv.Itoa(comp.Scheme.InterviewWeight)
		f.Values["threshold"] = strconv.FormatFloat(comp.Scheme.Threshold, 'f', -1, 64)
		f.Values["selection"] = string(comp.Selection)
	}
	return f
}

func (s *Server) competitionTaskPage(c echo.Context) error {
	comp, err := s.setupCompetition(c)
	if err != nil {
		return err
	}
	task := c.Param("task")
	label, ok := setupTasks[task]
	if !ok {
		return api.NotFound("task", task)
	}
	p := s.newSetupPage(c, comp)
	p.Task, p.Form = task, taskForm(comp, task)
	return s.render(c, http.StatusOK, "competition_task", label, "challenges", p)
}

// formDateTime reads a datetime field: all of it blank is no time; anything typed must be a
// real date and time.
func formDateTime(c echo.Context, f ui.Form, ps *domain.Problems, name string) time.Time {
	parts := []string{"day", "month", "year", "time"}
	blank := true
	for _, part := range parts {
		v := strings.TrimSpace(c.FormValue(name + "-" + part))
		f.Values[name+"-"+part] = v
		blank = blank && v == ""
	}
	if blank {
		return time.Time{}
	}
	t, err := domain.ParseDateTime(f.Values[name+"-day"], f.Values[name+"-month"], f.Values[name+"-year"], f.Values[name+"-time"])
	if err != nil {
		*ps = append(*ps, domain.ProblemWith(name, err))
	}
	return t
}

// formInt reads a whole number; blank is 0, which the domain then names as missing.
func formInt(c echo.Context, f ui.Form, ps *domain.Problems, name, what string) int {
	v := strings.TrimSpace(c.FormValue(name))
	f.Values[name] = v
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(strings.ReplaceAll(v, ",", ""))
	if err != nil {
		ps.Add(name, "Enter %s as a whole number, like 10", what)
	}
	return n
}

func formMoney(c echo.Context, f ui.Form, ps *domain.Problems, name string) int64 {
	v := strings.TrimSpace(c.FormValue(name))
	f.Values[name] = v
	if v == "" {
		return 0
	}
	m, err := domain.ParseMoney(v)
	if err != nil {
		*ps = append(*ps, domain.ProblemWith(name, err))
	}
	return int64(m)
}

func (s *Server) competitionTaskForm(c echo.Context) error {
	comp, err := s.setupCompetition(c)
	if err != nil {
		return err
	}
	task := c.Param("task")
	label, ok := setupTasks[task]
	if !ok {
		return api.NotFound("task", task)
	}
	f := ui.Form{Values: map[string]string{}, Multi: map[string][]string{}}
	var ps domain.Problems
	in := service.EditCompetition{ID: comp.ID}
	switch task {
	case "details":
		f.Values["summary"], f.Values["scope"] = c.FormValue("summary"), c.FormValue("scope")
		fields := c.Request().Form["fields"]
		f.Multi["fields"] = fields
		in.Details = &service.CompetitionDetails{Summary: f.Values["summary"], Scope: f.Values["scope"], Fields: fields}
	case "dates":
		d := &service.CompetitionDates{}
		d.OpensAt = formDateTime(c, f, &ps, "opens_at")
		d.ClosesAt = formDateTime(c, f, &ps, "closes_at")
		d.ClarificationClosesAt = formDateTime(c, f, &ps, "clarification_closes_at")
		d.BriefingAt = formDateTime(c, f, &ps, "briefing_at")
		d.BriefingDetails = c.FormValue("briefing_details")
		f.Values["briefing_details"] = d.BriefingDetails
		in.Dates = d
	case "money":
		in.Money = &service.CompetitionMoney{PotPence: formMoney(c, f, &ps, "pot_pence"),
			MaxContractPence: formMoney(c, f, &ps, "max_contract_pence"), MaxContracts: formInt(c, f, &ps, "max_contracts", "the number of contracts")}
	case "assessment":
		a := &service.CompetitionAssessment{}
		a.AssessorsPerBid = formInt(c, f, &ps, "assessors_per_bid", "the number of assessors")
		a.AssessmentDays = formInt(c, f, &ps, "assessment_days", "the assessment period")
		a.ModerationBand = formInt(c, f, &ps, "moderation_band", "the moderation band")
		reminder := formInt(c, f, &ps, "reminder_days", "the reminder")
		a.ReminderDays = &reminder
		a.InterviewWeight = formInt(c, f, &ps, "interview_weight", "the interview's weight")
		f.Values["threshold"] = strings.TrimSpace(c.FormValue("threshold"))
		if t, err := strconv.ParseFloat(strings.TrimSuffix(f.Values["threshold"], "%"), 64); err == nil {
			a.Threshold = t
		} else {
			ps.Add("threshold", "Enter the quality threshold as a percentage, like 70")
		}
		f.Values["selection"] = c.FormValue("selection")
		a.Selection = domain.SelectionMethod(f.Values["selection"])
		in.Assessment = a
	}
	if len(ps) == 0 {
		_, err := s.Svc.EditCompetition(c.Request().Context(), in)
		if err == nil {
			return c.Redirect(http.StatusSeeOther, competitionPath(comp.ID, "/setup?saved=", task))
		}
		if ps = api.ProblemsOf(err); ps == nil {
			return err
		}
	}
	f.Problems = ps
	p := s.newSetupPage(c, comp)
	p.Task, p.Form = task, f
	return s.render(c, http.StatusUnprocessableEntity, "competition_task", f.Title(label), "challenges", p)
}

// questionRow is one question in the builder's list.
type questionRow struct {
	domain.Question
	First, Last bool
}

func questionRows(qs []domain.Question) []questionRow {
	rows := make([]questionRow, len(qs))
	for i, q := range qs {
		rows[i] = questionRow{Question: q, First: i == 0, Last: i == len(qs)-1}
	}
	return rows
}

func (s *Server) questionsPage(c echo.Context) error {
	comp, err := s.setupCompetition(c)
	if err != nil {
		return err
	}
	p := s.newSetupPage(c, comp)
	p.Questions = questionRows(comp.Scheme.Criteria)
	if c.Request().URL.Path == competitionPath(comp.ID, "/setup/preview") {
		return s.render(c, http.StatusOK, "competition_preview", "Preview: the questions as suppliers see them", "challenges", p)
	}
	return s.render(c, http.StatusOK, "competition_questions", "Questions", "challenges", p)
}

func questionForm(q domain.Question) ui.Form {
	f := ui.Form{Values: map[string]string{"title": q.Title, "text": q.Text, "guidance": q.Guidance, "kind": "scored"},
		Multi: map[string][]string{"appendix_types": q.AppendixTypes}}
	if q.WordLimit > 0 {
		f.Values["word_limit"] = strconv.Itoa(q.WordLimit)
	}
	if q.PassFail {
		f.Values["kind"] = "pass_fail"
	}
	if q.Weight > 0 {
		f.Values["weight"] = strconv.Itoa(q.Weight)
	}
	f.Values["max"] = strconv.Itoa(q.MaxScore())
	if q.AppendixMB > 0 {
		f.Values["appendix_mb"] = strconv.Itoa(q.AppendixMB)
	}
	return f
}

func (s *Server) questionPage(c echo.Context) error {
	comp, err := s.setupCompetition(c)
	if err != nil {
		return err
	}
	p := s.newSetupPage(c, comp)
	p.Key = c.Param("key")
	q := domain.Question{WordLimit: 500, Max: domain.DefaultMaxScore}
	if p.Key != "" {
		i := slices.IndexFunc(comp.Scheme.Criteria, func(x domain.Criterion) bool { return x.Key == p.Key })
		if i < 0 {
			return api.NotFound("question", p.Key)
		}
		q = comp.Scheme.Criteria[i]
	}
	p.Form = questionForm(q)
	return s.render(c, http.StatusOK, "competition_question", "Question", "challenges", p)
}

var questionField = regexp.MustCompile(`^questions\[(\d+)\]\.(.+)$`)

func (s *Server) questionSubmit(c echo.Context) error {
	comp, err := s.setupCompetition(c)
	if err != nil {
		return err
	}
	key := c.Param("key")
	f := ui.Form{Values: map[string]string{}, Multi: map[string][]string{}}
	var ps domain.Problems
	q := domain.Question{Key: key}
	for _, name := range []string{"title", "text", "guidance", "kind"} {
		f.Values[name] = c.FormValue(name)
	}
	q.Title, q.Text, q.Guidance = f.Values["title"], f.Values["text"], f.Values["guidance"]
	q.WordLimit = formInt(c, f, &ps, "word_limit", "the word limit")
	switch f.Values["kind"] {
	case "pass_fail":
		q.PassFail = true
	case "scored":
		q.Weight = formInt(c, f, &ps, "weight", "the weight")
		q.Max = formInt(c, f, &ps, "max", "the highest score")
	default:
		ps.Add("kind", "Choose whether the answer is scored or pass or fail")
	}
	q.AppendixTypes = c.Request().Form["appendix_types"]
	f.Multi["appendix_types"] = q.AppendixTypes
	if len(q.AppendixTypes) > 0 {
		q.AppendixMB = formInt(c, f, &ps, "appendix_mb", "the largest appendix")
	}
	qs := slices.Clone(comp.Scheme.Criteria)
	at := len(qs)
	if key != "" {
		at = slices.IndexFunc(qs, func(x domain.Criterion) bool { return x.Key == key })
		if at < 0 {
			return api.NotFound("question", key)
		}
		qs[at] = q
	} else {
		qs = append(qs, q)
	}
	if len(ps) == 0 {
		_, err := s.Svc.EditCompetition(c.Request().Context(), service.EditCompetition{ID: comp.ID, Questions: &qs})
		if err == nil {
			return c.Redirect(http.StatusSeeOther, competitionPath(comp.ID, "/setup/questions?saved=1"))
		}
		all := api.ProblemsOf(err)
		if all == nil {
			return err
		}
		// The service names each question's fields questions[i].x; this form is question i.
		for _, p := range all {
			if m := questionField.FindStringSubmatch(p.Field); m != nil {
				if m[1] == strconv.Itoa(at) {
					ps = append(ps, domain.FieldProblem{Field: m[2], Message: p.Message})
				}
				continue
			}
			ps = append(ps, p)
		}
	}
	f.Problems = ps
	p := s.newSetupPage(c, comp)
	p.Key, p.Form = key, f
	return s.render(c, http.StatusUnprocessableEntity, "competition_question", f.Title("Question"), "challenges", p)
}

// questionChange removes a question or moves it up or down the list.
func (s *Server) questionChange(c echo.Context) error {
	comp, err := s.setupCompetition(c)
	if err != nil {
		return err
	}
	qs := slices.Clone(comp.Scheme.Criteria)
	i := slices.IndexFunc(qs, func(x domain.Criterion) bool { return x.Key == c.Param("key") })
	if i < 0 {
		return api.NotFound("question", c.Param("key"))
	}
	saved := "removed"
	switch c.FormValue("change") {
	case "up":
		if i > 0 {
			qs[i-1], qs[i] = qs[i], qs[i-1]
		}
		saved = "moved"
	case "down":
		if i < len(qs)-1 {
			qs[i+1], qs[i] = qs[i], qs[i+1]
		}
		saved = "moved"
	default:
		qs = slices.Delete(qs, i, i+1)
	}
	if _, err := s.Svc.EditCompetition(c.Request().Context(), service.EditCompetition{ID: comp.ID, Questions: &qs}); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, competitionPath(comp.ID, "/setup/questions?saved=", saved))
}

func dateOrBlank(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return domain.FormatTime(t)
}

func (s *Server) renderCompetitionCheck(c echo.Context, status int, comp *ent.Competition, refused domain.Problems) error {
	p := s.newSetupPage(c, comp)
	if refused != nil {
		p.ToOpen, p.Refused = refused, true
		p.linkProblems()
	}
	opens := "When you open it"
	if !comp.OpensAt.IsZero() {
		opens = domain.FormatTime(comp.OpensAt)
	}
	briefing := dateOrBlank(comp.BriefingAt)
	if comp.BriefingDetails != "" {
		briefing = strings.TrimSpace(briefing + " " + comp.BriefingDetails)
	}
	p.Rows = []summaryRow{
		{"details", "Summary", comp.Summary}, {"details", "Scope", comp.Scope}, {"details", "Fields", strings.Join(comp.Fields, ", ")},
		{"dates", "Opens", opens}, {"dates", "Closes", dateOrBlank(comp.ClosesAt)},
		{"dates", "Last time for clarification questions", dateOrBlank(comp.ClarificationClosesAt)}, {"dates", "Briefing", briefing},
		{"money", "Pot", moneyOrBlank(comp.Pot)}, {"money", "Most one contract may be worth", moneyOrBlank(comp.MaxContract)},
		{"money", "Number of contracts", strconv.Itoa(comp.MaxContracts)},
		{"questions", "Questions", fmt.Sprintf("%d (%d scored)", len(comp.Scheme.Criteria), scoredCount(comp.Scheme))},
		{"assessment", "Assessors per bid", strconv.Itoa(comp.AssessorsPerBid)},
		{"assessment", "Assessment period", fmt.Sprintf("%d working days", comp.AssessmentDays)},
		{"assessment", "Reminder", reminderSummary(comp.ReminderDays)},
		{"assessment", "Moderation band", fmt.Sprintf("%d percentage points", comp.ModerationBand)},
		{"assessment", "Interview stage", interviewSummary(comp.Scheme.InterviewWeight)},
		{"assessment", "Quality threshold", strconv.FormatFloat(comp.Scheme.Threshold, 'f', -1, 64) + "%"},
		{"assessment", "Selection", comp.Selection.Label()},
	}
	title := "Check the competition before it opens"
	if refused != nil {
		title = "Error: " + title
	}
	return s.render(c, status, "competition_check", title, "challenges", p)
}

func moneyOrBlank(m domain.Money) string {
	if m == 0 {
		return ""
	}
	return m.String()
}

func scoredCount(s domain.Scheme) int {
	n := 0
	for _, c := range s.Criteria {
		if !c.PassFail {
			n++
		}
	}
	return n
}

func (s *Server) competitionCheckPage(c echo.Context) error {
	comp, err := s.setupCompetition(c)
	if err != nil {
		return err
	}
	if comp.Status != domain.CompetitionDraft {
		return c.Redirect(http.StatusSeeOther, competitionPath(comp.ID))
	}
	return s.renderCompetitionCheck(c, http.StatusOK, comp, nil)
}

func (s *Server) launchCompetitionForm(c echo.Context) error {
	comp, err := s.setupCompetition(c)
	if err != nil {
		return err
	}
	_, err = s.Svc.LaunchCompetition(c.Request().Context(), comp.ID)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, competitionPath(comp.ID, "?launched=1"))
	}
	ps := api.ProblemsOf(err)
	var te *domain.TransitionError
	if errors.As(err, &te) {
		ps = domain.Problems{{Field: "summary", Message: "You cannot open this competition: " + te.Reason}}
	}
	if ps == nil {
		return err
	}
	return s.renderCompetitionCheck(c, http.StatusUnprocessableEntity, comp, ps)
}

// eligibilityRow is one bid in the eligibility check, with its decision form as typed.
type eligibilityRow struct {
	api.EligibilityView
	Form ui.Form
}

// extensionRow is one supplier's later deadline, as the programme reads it.
type extensionRow struct{ Name, Until, Reason string }

type clarificationRow struct {
	api.ClarificationView
	Asked string
	Form  ui.Form
}

func (s *Server) competitionPage(c echo.Context) error {
	return s.renderCompetitionPage(c, http.StatusOK, "", ui.Form{})
}

// renderCompetitionPage shows the brief, the dates that apply to the viewer, the questions and
// the published clarifications; and to the programme, the extension form and the questions
// waiting for an answer; to a supplier, the way to ask one. which names the form refused.
func (s *Server) renderCompetitionPage(c echo.Context, status int, which string, form ui.Form) error {
	comp, err := s.setupCompetition(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	viewer, _ := api.CurrentViewer(c)
	rows, err := s.Svc.Clarifications(ctx, comp.ID)
	if err != nil {
		return err
	}
	data := struct {
		Competition   *ent.Competition
		Title         string
		Launched      bool
		Done          string
		Admin         bool
		PanelSheet    bool // the viewer may read the panel sheet, by its route's own guard
		Supplier      bool
		YourDeadline  time.Time
		Published     []clarificationRow
		Waiting       []clarificationRow
		Yours         []clarificationRow
		Organisations []*ent.Organisation
		Which         string
		Form          ui.Form
		Actions       service.Actions
		Extensions    []extensionRow
		Eligibility   []eligibilityRow
		Amend         bool
		AmendForm     ui.Form
		YourBid       *ent.Bid
		NeedsConfirm  bool
		Scored        int
		SignedIn      bool
		Received      int
		Term          int
		NeedsOrg      bool
		Closing       *service.ClosingLog
	}{Competition: comp, Title: comp.Edges.Challenge.Title, Launched: c.QueryParam("launched") != "", Done: c.QueryParam("done"),
		Admin: viewer.Has(authz.ProgrammeOfficer), Supplier: viewer.Has(authz.Supplier) && viewer.OrganisationID != 0,
		PanelSheet: s.MayOpen(viewer, "/competitions/:id/panel"),
		Which:      which, Form: form, Scored: scoredCount(comp.Scheme)}
	data.SignedIn = viewer.PersonID != 0
	if data.Actions, err = s.Svc.CompetitionActions(ctx, comp); err != nil {
		return err
	}
	data.NeedsOrg = viewer.Has(authz.Supplier) && viewer.OrganisationID == 0
	data.Term = domain.PhaseTermMonths(comp.Phase)
	if data.Received, err = s.Svc.BidsReceived(ctx, comp.ID); err != nil {
		return err
	}
	data.Closing = service.ClosingLogOf(comp)
	if data.Supplier {
		if data.YourBid, err = s.Svc.YourBidIn(ctx, comp.ID); err != nil {
			return err
		}
		if b := data.YourBid; b != nil {
			data.NeedsConfirm = service.BidActions(b, comp, time.Now()).Allows("confirm")
		}
		data.YourDeadline = service.DeadlineFor(comp, viewer.OrganisationID)
	}
	for _, r := range rows {
		row := clarificationRow{ClarificationView: api.ClarificationViewOf(r, viewer.OrganisationID), Asked: domain.FormatTime(r.CreatedAt)}
		switch {
		case r.PublishedAt != nil:
			data.Published = append(data.Published, row)
		case data.Admin:
			id := strconv.Itoa(r.ID)
			row.Form = ui.Form{Values: map[string]string{"question-" + id: r.Question}}
			if which == "publish-"+strconv.Itoa(r.ID) {
				row.Form = form
			}
			data.Waiting = append(data.Waiting, row)
		default:
			data.Yours = append(data.Yours, row)
		}
	}
	if data.Admin {
		orgs, err := s.Svc.Organisations(ctx)
		if err != nil {
			return err
		}
		names := map[int]string{}
		for _, o := range orgs {
			names[o.ID] = o.Name
			if !o.PublicBody {
				data.Organisations = append(data.Organisations, o)
			}
		}
		for _, e := range comp.Extensions {
			data.Extensions = append(data.Extensions, extensionRow{Name: names[e.OrganisationID], Until: domain.FormatTime(e.ClosesAt), Reason: e.Reason})
		}
	}
	if data.Actions.Allows("decide-eligibility") {
		bids, err := s.Svc.EligibilityBids(ctx, comp.ID)
		if err != nil {
			return err
		}
		for _, b := range bids {
			id := strconv.Itoa(b.ID)
			row := eligibilityRow{EligibilityView: api.EligibilityViewOf(ctx, b), Form: ui.Form{Values: map[string]string{}}}
			if which == "eligibility-"+id {
				row.Form = form
			}
			data.Eligibility = append(data.Eligibility, row)
		}
	}
	if data.Actions.Allows("amend") {
		data.Amend = true
		data.AmendForm = ui.Form{Values: map[string]string{}}
		for _, q := range comp.Scheme.Criteria {
			data.AmendForm.Values["text-"+q.Key], data.AmendForm.Values["guidance-"+q.Key] = q.Text, q.Guidance
			data.AmendForm.Values["word_limit-"+q.Key] = strconv.Itoa(q.WordLimit)
		}
		if which == "amend" {
			data.AmendForm = form
		}
	}
	if data.Form.Values == nil {
		data.Form = ui.Form{Values: map[string]string{"who": "all"}}
	}
	title := fmt.Sprintf("%s: phase %d competition", data.Title, comp.Phase)
	return s.render(c, status, "competition", form.Title(title), "challenges", data)
}

func (s *Server) extendDeadlineForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	f := ui.Form{Values: map[string]string{"who": c.FormValue("who"), "organisation_id": c.FormValue("organisation_id"), "reason": c.FormValue("reason")}}
	var ps domain.Problems
	in := service.ExtendDeadline{CompetitionID: id, Reason: f.Values["reason"]}
	in.ClosesAt = formDateTime(c, f, &ps, "closes_at")
	switch f.Values["who"] {
	case "all":
	case "one":
		if in.OrganisationID, _ = strconv.Atoi(f.Values["organisation_id"]); in.OrganisationID == 0 {
			ps.Add("organisation_id", "Choose the supplier whose deadline moves")
		}
	default:
		ps.Add("who", "Choose whether the deadline moves for everyone or for one supplier")
	}
	if len(ps) == 0 {
		_, err := s.Svc.ExtendDeadline(c.Request().Context(), in)
		if err == nil {
			return c.Redirect(http.StatusSeeOther, competitionPath(id, "?done=extended"))
		}
		ps = api.ProblemsOf(err)
		var te *domain.TransitionError
		if errors.As(err, &te) {
			ps = domain.Problems{domain.ProblemWith("closes_at", te)}
		}
		if ps == nil {
			return err
		}
	}
	f.Problems = ps
	return s.renderCompetitionPage(c, http.StatusUnprocessableEntity, "extend", f)
}

func (s *Server) askClarificationForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	f := ui.Form{Values: map[string]string{"question": c.FormValue("question")}}
	_, err = s.Svc.AskClarification(c.Request().Context(), service.AskClarification{CompetitionID: id, Question: f.Values["question"]})
	if err == nil {
		return c.Redirect(http.StatusSeeOther, competitionPath(id, "?done=asked"))
	}
	f.Problems = api.ProblemsOf(err)
	var te *domain.TransitionError
	if errors.As(err, &te) {
		f.Problems = domain.Problems{domain.ProblemWith("question", te)}
	}
	if f.Problems == nil {
		return err
	}
	return s.renderCompetitionPage(c, http.StatusUnprocessableEntity, "ask", f)
}

func (s *Server) publishClarificationForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	suffix := "-" + strconv.Itoa(id)
	question, answer := c.FormValue("question"+suffix), c.FormValue("answer"+suffix)
	f := ui.Form{Values: map[string]string{"question" + suffix: question, "answer" + suffix: answer}}
	cl, err := s.Svc.PublishClarification(c.Request().Context(), service.PublishClarification{ID: id, Question: question, Answer: answer})
	if err == nil {
		return c.Redirect(http.StatusSeeOther, competitionPath(cl.CompetitionID, "?done=published"))
	}
	f.Problems = api.ProblemsOf(err)
	if f.Problems == nil {
		return err
	}
	compID, err := s.Svc.ClarificationCompetition(c.Request().Context(), id)
	if err != nil {
		return err
	}
	// Show the competition's page with this answer's form as typed.
	for i, p := range f.Problems {
		f.Problems[i].Field = p.Field + suffix
	}
	c.SetParamNames("id")
	c.SetParamValues(strconv.Itoa(compID))
	return s.renderCompetitionPage(c, http.StatusUnprocessableEntity, "publish-"+strconv.Itoa(id), f)
}

func (s *Server) decideEligibilityForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	suffix := "-" + strconv.Itoa(id)
	f := ui.Form{Values: map[string]string{"eligible" + suffix: c.FormValue("eligible" + suffix), "reason" + suffix: c.FormValue("reason" + suffix)}}
	ctx := c.Request().Context()
	b, err := s.Svc.Bid(ctx, id)
	if err != nil {
		return err
	}
	var ps domain.Problems
	eligible := f.Values["eligible"+suffix] == "yes"
	if v := f.Values["eligible"+suffix]; v != "yes" && v != "no" {
		ps.Add("eligible"+suffix, "Choose whether the bid is eligible")
	}
	if len(ps) == 0 {
		_, err := s.Svc.DecideEligibility(ctx, service.DecideEligibility{BidID: id, Eligible: eligible, Reason: f.Values["reason"+suffix]})
		if err == nil {
			return c.Redirect(http.StatusSeeOther, competitionPath(b.CompetitionID, "?done=eligibility"))
		}
		if ps = api.ProblemsOf(err); ps == nil {
			var te *domain.TransitionError
			if !errors.As(err, &te) {
				return err
			}
			ps = domain.Problems{domain.ProblemWith("eligible", te)}
		}
		for i, p := range ps {
			ps[i].Field = p.Field + suffix
		}
	}
	f.Problems = ps
	c.SetParamNames("id")
	c.SetParamValues(strconv.Itoa(b.CompetitionID))
	return s.renderCompetitionPage(c, http.StatusUnprocessableEntity, "eligibility-"+strconv.Itoa(id), f)
}

func (s *Server) finishEligibilityForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	_, err = s.Svc.FinishEligibility(c.Request().Context(), id)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, competitionPath(id, "?done=assessing"))
	}
	var te *domain.TransitionError
	if !errors.As(err, &te) {
		return err
	}
	f := ui.Form{Values: map[string]string{}, Problems: domain.Problems{{Field: "finish", Message: "You cannot finish the eligibility check yet: " + te.Reason}}}
	return s.renderCompetitionPage(c, http.StatusConflict, "finish", f)
}

func (s *Server) amendCompetitionForm(c echo.Context) error {
	comp, err := s.setupCompetition(c)
	if err != nil {
		return err
	}
	f := ui.Form{Values: map[string]string{"amend_reason": c.FormValue("amend_reason")}}
	var ps domain.Problems
	qs := slices.Clone(comp.Scheme.Criteria)
	for i := range qs {
		k := qs[i].Key
		for _, n := range []string{"text-", "guidance-", "word_limit-"} {
			f.Values[n+k] = c.FormValue(n + k)
		}
		qs[i].Text, qs[i].Guidance = f.Values["text-"+k], f.Values["guidance-"+k]
		qs[i].WordLimit = formInt(c, f, &ps, "word_limit-"+k, "the word limit")
	}
	if len(ps) == 0 {
		_, err := s.Svc.AmendCompetition(c.Request().Context(), service.AmendCompetition{ID: comp.ID, Questions: qs, Reason: f.Values["amend_reason"]})
		if err == nil {
			return c.Redirect(http.StatusSeeOther, competitionPath(comp.ID, "?done=amended"))
		}
		all := api.ProblemsOf(err)
		if all == nil {
			var te *domain.TransitionError
			if !errors.As(err, &te) {
				return err
			}
			all = domain.Problems{domain.ProblemWith("amend_reason", te)}
		}
		// The service names each question's fields questions[i].x; this form names them x-key,
		// and the reason amend_reason (the extension form beside it has a reason too).
		for _, p := range all {
			if m := questionField.FindStringSubmatch(p.Field); m != nil {
				i, _ := strconv.Atoi(m[1])
				if i < len(qs) {
					p.Field = m[2] + "-" + qs[i].Key
				}
			} else if p.Field == "questions" {
				p.Field = "text-" + qs[0].Key
			} else if p.Field == "reason" {
				p.Field = "amend_reason"
			}
			ps = append(ps, p)
		}
	}
	f.Problems = ps
	return s.renderCompetitionPage(c, http.StatusUnprocessableEntity, "amend", f)
}

func (s *Server) confirmBidForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	b, err := s.Svc.ConfirmBid(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, competitionPath(b.CompetitionID, "?done=confirmed"))
}

func reminderSummary(days int) string {
	if days == 0 {
		return "Only when overdue"
	}
	return fmt.Sprintf("%d working days before the due date, and when overdue", days)
}

func interviewSummary(weight int) string {
	if weight == 0 {
		return "None"
	}
	return fmt.Sprintf("Bids above the threshold are interviewed; the interview is %d%% of the final score", weight)
}
