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

// challengeTextFields are the intake's text answers, in the form's order.
var challengeTextFields = []string{"title", "public_body", "problem", "who_has_it", "evidence", "user_need", "commitment", "sponsor_name", "sponsor_role"}

// challengeFormData is what the intake form shows.
type challengeFormData struct {
	ID      int
	Action  string
	Version int
	Form    ui.Form
	Fields  []string
	Max     struct{ Problem, WhoHasIt, Evidence, UserNeed, Commitment int }
}

func (s *Server) renderChallengeForm(c echo.Context, status int, d challengeFormData) error {
	for _, f := range domain.Fields {
		d.Fields = append(d.Fields, string(f))
	}
	d.Max.Problem, d.Max.WhoHasIt, d.Max.Evidence = domain.ChallengeProblem.Max, domain.ChallengeWhoHasIt.Max, domain.ChallengeEvidence.Max
	d.Max.UserNeed, d.Max.Commitment = domain.ChallengeUserNeed.Max, domain.ChallengeCommitment.Max
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
	var a service.ChallengeAnswers
	text := map[string]**string{"title": &a.Title, "public_body": &a.PublicBody, "problem": &a.Problem, "who_has_it": &a.WhoHasIt,
		"evidence": &a.Evidence, "user_need": &a.UserNeed, "commitment": &a.Commitment, "sponsor_name": &a.SponsorName, "sponsor_role": &a.SponsorRole}
	for _, name := range challengeTextFields {
		v := c.FormValue(name)
		form.Values[name] = v
		*text[name] = &v
	}
	fields := c.Request().Form["fields"]
	form.Multi["fields"] = fields
	a.Fields = &fields
	var ps domain.Problems
	for name, to := range map[string]**int64{"budget_phase1_pence": &a.BudgetPhase1Pence, "budget_phase2_pence": &a.BudgetPhase2Pence} {
		typed := strings.TrimSpace(c.FormValue(name))
		form.Values[name] = typed
		pence := int64(0)
		if typed != "" {
			m, err := domain.ParseMoney(typed)
			if err != nil {
				ps = append(ps, domain.ProblemWith(name, err))
				continue
			}
			pence = int64(m)
		}
		*to = &pence
	}
	return form, a, ps
}

// mergeProblems lists every field's problem once, in the form's order: those the page found
// itself and those the service names.
func mergeProblems(page, service domain.Problems) domain.Problems {
	order := append(append([]string{}, challengeTextFields[:6]...), "fields", "budget_phase1_pence", "budget_phase2_pence", "commitment", "sponsor_name", "sponsor_role")
	var out domain.Problems
	for _, f := range order {
		if m := page.For(f); m != "" {
			out = append(out, domain.FieldProblem{Field: f, Message: m})
		} else if m := service.For(f); m != "" {
			out = append(out, domain.FieldProblem{Field: f, Message: m})
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
	form := ui.Form{Values: map[string]string{
		"title": ch.Title, "public_body": ch.PublicBody, "problem": ch.Problem, "who_has_it": ch.WhoHasIt, "evidence": ch.Evidence,
		"user_need": ch.UserNeed, "commitment": ch.Commitment, "sponsor_name": ch.SponsorName, "sponsor_role": ch.SponsorRole,
		"budget_phase1_pence": ui.MoneyValue(ch.BudgetPhase1), "budget_phase2_pence": ui.MoneyValue(ch.BudgetPhase2),
	}, Multi: map[string][]string{"fields": ch.Fields}}
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
	data.Rows = []summaryRow{
		{"title", "Title", ch.Title}, {"public_body", "Public body", ch.PublicBody}, {"problem", "The problem", ch.Problem},
		{"who_has_it", "Who has it", ch.WhoHasIt}, {"evidence", "Evidence", ch.Evidence}, {"user_need", "User need", ch.UserNeed},
		{"fields", "Fields", strings.Join(ch.Fields, ", ")},
		{"budget_phase1_pence", "Phase 1 budget", budget(ch.BudgetPhase1)}, {"budget_phase2_pence", "Phase 2 budget", budget(ch.BudgetPhase2)},
		{"commitment", "How it will be bought or adopted", ch.Commitment},
		{"sponsor_name", "Senior sponsor", ch.SponsorName}, {"sponsor_role", "Sponsor's role", ch.SponsorRole},
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
