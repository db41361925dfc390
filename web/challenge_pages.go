package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/catalyst-sbri/catalyst/api"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/ui"
)

// The challenge owner's pages: describe a challenge over as many sittings as it takes, check
// the answers, submit. Each is a form → the same service call the API makes → a template.

// challengeFormData is what the intake form shows: the domain's questions under their headings.
type challengeFormData struct {
	ID       int
	Action   string
	Version  int
	Form     ui.Form
	Fields   []string
	Sections []intakeSection
}

// intakeSection is one heading of the intake form and the questions under it.
type intakeSection struct {
	Heading   string
	Questions []domain.IntakeQuestion
}

func (s *Server) renderChallengeForm(c echo.Context, status int, d challengeFormData) error {
	for _, f := range domain.Fields {
		d.Fields = append(d.Fields, string(f))
	}
	for _, q := range domain.IntakeQuestions {
		if n := len(d.Sections); n == 0 || d.Sections[n-1].Heading != q.Section {
			d.Sections = append(d.Sections, intakeSection{Heading: q.Section})
		}
		last := &d.Sections[len(d.Sections)-1]
		last.Questions = append(last.Questions, q)
	}
	return s.render(c, status, "challenge_form", d.Form.Title("Describe your challenge"), "challenges", d)
}

// newChallengePage is the empty intake form.
func (s *Server) newChallengePage(c echo.Context) error {
	return s.renderChallengeForm(c, http.StatusOK, challengeFormData{Action: "/challenges/new",
		Form: ui.Form{Values: map[string]string{}, Multi: map[string][]string{}}})
}

// challengeForm reads the intake form: every answer as typed, and the money as people type it.
func challengeForm(c echo.Context) (ui.Form, service.ChallengeAnswers, domain.Problems) {
	form := ui.Form{Values: map[string]string{}, Multi: map[string][]string{}}
	a := service.ChallengeAnswers{Texts: map[string]string{}}
	var ps domain.Problems
	for _, q := range domain.IntakeQuestions {
		switch q.Kind {
		case domain.AnswerFields:
			fields := c.Request().Form[q.Field]
			form.Multi[q.Field] = fields
			a.Fields = &fields
		case domain.AnswerMoney:
			typed := strings.TrimSpace(c.FormValue(q.Field))
			form.Values[q.Field] = typed
			pence := int64(0)
			if typed != "" {
				m, err := domain.ParseMoney(typed)
				if err != nil {
					ps = append(ps, domain.ProblemWith(q.Field, err))
					continue
				}
				pence = int64(m)
			}
			if q.Field == "budget_phase2_pence" {
				a.BudgetPhase2Pence = &pence
			} else {
				a.BudgetPhase1Pence = &pence
			}
		default:
			v := c.FormValue(q.Field)
			form.Values[q.Field] = v
			a.Texts[q.Field] = v
		}
	}
	return form, a, ps
}

// mergeProblems lists every field's problem once, in the form's order: those the page found
// itself and those the service names.
func mergeProblems(page, service domain.Problems) domain.Problems {
	var out domain.Problems
	for _, q := range domain.IntakeQuestions {
		if m := page.For(q.Field); m != "" {
			out = append(out, domain.FieldProblem{Field: q.Field, Message: m})
		} else if m := service.For(q.Field); m != "" {
			out = append(out, domain.FieldProblem{Field: q.Field, Message: m})
		}
	}
	for _, p := range append(page, service...) { // anything not tied to a form field
		if out.For(p.Field) == "" {
			out = append(out, p)
		}
	}
	return out
}

// createChallengeForm saves a new draft and goes on to check its answers.
func (s *Server) createChallengeForm(c echo.Context) error {
	form, answers, ps := challengeForm(c)
	if len(ps) == 0 {
		ch, err := s.Svc.CreateChallenge(c.Request().Context(), service.CreateChallenge{ChallengeAnswers: answers})
		if err == nil {
			return c.Redirect(http.StatusSeeOther, "/challenges/"+strconv.Itoa(ch.ID)+"/check?saved=1")
		}
		if ps = api.ProblemsOf(err); ps == nil {
			return err
		}
	}
	form.Problems = mergeProblems(ps, service.CheckChallengeAnswers(answers, true))
	return s.renderChallengeForm(c, http.StatusUnprocessableEntity, challengeFormData{Action: "/challenges/new", Form: form})
}

// editChallengePage is the intake form with the draft's answers.
func (s *Server) editChallengePage(c echo.Context) error {
	ch, err := s.ownChallenge(c)
	if err != nil {
		return err
	}
	in := service.Intake(ch)
	form := ui.Form{Values: map[string]string{}, Multi: map[string][]string{}}
	for _, q := range domain.IntakeQuestions {
		switch q.Kind {
		case domain.AnswerFields:
			form.Multi[q.Field] = in.Fields
		case domain.AnswerMoney:
			form.Values[q.Field] = ui.MoneyValue(in.Budget(q.Field))
		default:
			form.Values[q.Field] = in.Texts[q.Field]
		}
	}
	return s.renderChallengeForm(c, http.StatusOK, challengeFormData{ID: ch.ID, Action: "/challenges/" + strconv.Itoa(ch.ID) + "/edit",
		Version: ch.Version, Form: form})
}

// editChallengeForm saves a draft's answers, as of the version the form was opened on.
func (s *Server) editChallengeForm(c echo.Context) error {
	ch, err := s.ownChallenge(c)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	form, answers, ps := challengeForm(c)
	if len(ps) == 0 {
		_, err := s.Svc.EditChallenge(c.Request().Context(), service.EditChallenge{ID: ch.ID, Version: version, ChallengeAnswers: answers})
		if err == nil && ch.Stage != domain.ChallengeDraft {
			return c.Redirect(http.StatusSeeOther, "/challenges/"+strconv.Itoa(ch.ID)+"?decided=changed")
		}
		if err == nil {
			return c.Redirect(http.StatusSeeOther, "/challenges/"+strconv.Itoa(ch.ID)+"/check?saved=1")
		}
		if ps = api.ProblemsOf(err); ps == nil {
			return err
		}
		version = ch.Version // saving again replaces the other change, knowingly
	}
	form.Problems = mergeProblems(ps, service.CheckChallengeAnswers(answers, false))
	return s.renderChallengeForm(c, http.StatusUnprocessableEntity, challengeFormData{ID: ch.ID,
		Action: "/challenges/" + strconv.Itoa(ch.ID) + "/edit", Version: version, Form: form})
}

// ownChallenge is the challenge the path names, if the viewer may change it.
func (s *Server) ownChallenge(c echo.Context) (*ent.Challenge, error) {
	id, err := api.PathID(c)
	if err != nil {
		return nil, err
	}
	ctx := c.Request().Context()
	if err := s.Svc.MayChangeChallenge(ctx, id); err != nil {
		return nil, err
	}
	return s.Svc.Challenge(ctx, id)
}

// summaryRow is one answer on the check-your-answers page.
type summaryRow struct {
	Field, Label, Value string
}

func (s *Server) renderChallengeCheck(c echo.Context, status int, ch *ent.Challenge, problems domain.Problems) error {
	budget := func(m domain.Money) string {
		if m == 0 {
			return ""
		}
		return m.String()
	}
	evidence, err := s.Svc.Evidence(c.Request().Context(), ch.ID)
	if err != nil {
		return err
	}
	data := struct {
		Challenge *ent.Challenge
		Rows      []summaryRow
		Missing   domain.Problems
		Problems  domain.Problems
		Saved     bool
		Evidence  []*ent.Document
		Added     bool
	}{Challenge: ch, Missing: service.MissingAnswers(ch), Problems: problems, Saved: c.QueryParam("saved") != "" && status == http.StatusOK,
		Evidence: evidence, Added: c.QueryParam("evidence") != "" && status == http.StatusOK}
	in := service.Intake(ch)
	for _, q := range domain.IntakeQuestions {
		value := in.Texts[q.Field]
		switch q.Kind {
		case domain.AnswerFields:
			value = strings.Join(in.Fields, ", ")
		case domain.AnswerMoney:
			value = budget(in.Budget(q.Field))
		}
		data.Rows = append(data.Rows, summaryRow{q.Field, q.Short, value})
	}
	title := "Check your answers"
	if len(problems) > 0 {
		title = "Error: " + title
	}
	return s.render(c, status, "challenge_check", title, "challenges", data)
}

// checkChallengePage shows a draft's answers with Change links, what is still missing, and the
// way to submit once nothing is.
func (s *Server) checkChallengePage(c echo.Context) error {
	ch, err := s.ownChallenge(c)
	if err != nil {
		return err
	}
	if ch.Stage != domain.ChallengeDraft {
		return c.Redirect(http.StatusSeeOther, "/challenges/"+strconv.Itoa(ch.ID))
	}
	return s.renderChallengeCheck(c, http.StatusOK, ch, nil)
}

// submitChallengeForm submits a draft; a refusal shows the answers again with why.
func (s *Server) submitChallengeForm(c echo.Context) error {
	ch, err := s.ownChallenge(c)
	if err != nil {
		return err
	}
	err = s.Svc.SubmitChallenge(c.Request().Context(), ch.ID)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/challenges/"+strconv.Itoa(ch.ID)+"/submitted")
	}
	ps := api.ProblemsOf(err)
	var te *domain.TransitionError
	if errors.As(err, &te) {
		ps = domain.Problems{domain.ProblemWith("title", te)}
	}
	if ps == nil {
		return err
	}
	return s.renderChallengeCheck(c, http.StatusUnprocessableEntity, ch, ps)
}

// challengeSubmittedPage confirms a submission.
func (s *Server) challengeSubmittedPage(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	ch, err := s.Svc.Challenge(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "challenge_submitted", "Challenge submitted", "challenges", ch)
}

// uploadEvidenceForm adds an evidence document from the check page's upload form; a refusal
// shows the page again with why.
func (s *Server) uploadEvidenceForm(c echo.Context) error {
	ch, err := s.ownChallenge(c)
	if err != nil {
		return err
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return s.renderChallengeCheck(c, http.StatusUnprocessableEntity, ch, domain.Problems{{Field: "file", Message: "Choose a file to upload"}})
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = s.Svc.UploadEvidence(c.Request().Context(), service.UploadEvidence{ChallengeID: ch.ID, Filename: api.SentFilename(fh.Header, fh.Filename), Content: f})
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/challenges/"+strconv.Itoa(ch.ID)+"/check?evidence=1")
	}
	if p, ok := api.ToProblem(err); ok && p.Status < 500 {
		return s.renderChallengeCheck(c, p.Status, ch, domain.Problems{domain.ProblemWith("file", errors.New(p.Detail))})
	}
	return err
}
