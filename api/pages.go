package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/ui"
)

func (s *Server) pageRoutes(e *echo.Echo) {
	e.StaticFS("/assets", ui.Assets())
	e.GET("/", s.startPage)
	e.GET("/challenges", s.challengesPage)
	e.GET("/challenges/:id", s.challengePage)
	e.GET("/challenges/new", s.newChallengePage)
	e.POST("/challenges/new", s.createChallengeForm)
	e.GET("/challenges/:id/edit", s.editChallengePage)
	e.POST("/challenges/:id/edit", s.editChallengeForm)
	e.GET("/challenges/:id/check", s.checkChallengePage)
	e.POST("/challenges/:id/submit", s.submitChallengeForm)
	e.GET("/challenges/:id/submitted", s.challengeSubmittedPage)
	e.POST("/challenges/:id/evidence", s.uploadEvidenceForm)
	e.POST("/challenges/:id/selection", s.selectChallengeForm)
	e.POST("/challenges/:id/competition-setup", s.startCompetitionSetupForm)
	e.GET("/competitions", s.competitionsPage)
	e.GET("/alerts", s.alertsPage)
	e.POST("/alerts", s.subscribeForm, perAddress(s.SignInRate, "too-many-requests", "Too many alerts asked for"))
	e.GET("/alerts/unsubscribe/:token", s.unsubscribePage)
	e.POST("/alerts/unsubscribe/:token", s.unsubscribeForm, perAddress(s.SignInRate, "too-many-requests", "Too many attempts"))
	e.GET("/competitions/:id", s.competitionPage)
	e.POST("/competitions/:id/bids", s.startBidForm)
	e.GET("/bids", s.yourBidsPage)
	e.GET("/bids/:id", s.bidPage)
	e.GET("/bids/:id/tasks/:task", s.bidTaskPage)
	e.POST("/bids/:id/tasks/:task", s.bidTaskForm)
	e.POST("/bids/:id/documents", s.bidUploadForm)
	e.POST("/documents/:id/remove", s.removeDocumentForm)
	e.GET("/bids/:id/check", s.bidCheckPage)
	e.POST("/bids/:id/submit", s.submitBidForm, s.submits.admit)
	e.GET("/bids/:id/submitted", s.bidSubmittedPage)
	e.GET("/bids/:id/receipt", s.downloadReceipt)
	e.POST("/bids/:id/reopen", s.reopenBidForm)
	e.POST("/bids/:id/withdraw", s.withdrawBidForm)
	e.GET("/receipts/verify", s.verifyReceiptPage)
	e.POST("/receipts/verify", s.verifyReceiptForm)
	e.GET("/competitions/:id/panel", s.panelPage)
	e.GET("/competitions/:id/panel.csv", s.exportPanel)
	e.GET("/competitions/:id/panel.xlsx", s.exportPanelXLSX)
	e.POST("/competitions/:id/decision", s.decideForm)
	e.POST("/competitions/:id/release", s.releaseForm)
	e.POST("/scores/:id/exclude", s.excludeScoreForm)
	e.POST("/scores/:id/include", s.includeScoreForm)
	e.POST("/scores/:id/return", s.sendBackForm)
	e.GET("/competitions/:id/assignments", s.proposalPage)
	e.POST("/competitions/:id/assignments/release", s.releaseAssignmentsForm)
	e.POST("/competitions/:id/assignments/rerun", s.rerunAssignmentForm)
	e.POST("/competitions/:id/capacities", s.capacityForm)
	e.POST("/assignments/:id/swap", s.swapForm)
	e.GET("/competitions/:id/interviews", s.interviewsPage)
	e.POST("/bids/:id/interview-slot", s.interviewSlotForm)
	e.POST("/bids/:id/interview-score", s.interviewScoreForm)
	e.POST("/interests/declaration", s.renewDeclarationForm)
	e.GET("/competitions/:id/setup", s.competitionSetupPage)
	e.GET("/competitions/:id/setup/:task", s.competitionTaskPage)
	e.POST("/competitions/:id/setup/:task", s.competitionTaskForm)
	e.GET("/competitions/:id/setup/questions", s.questionsPage)
	e.GET("/competitions/:id/setup/preview", s.questionsPage)
	e.GET("/competitions/:id/setup/questions/new", s.questionPage)
	e.POST("/competitions/:id/setup/questions/new", s.questionSubmit)
	e.GET("/competitions/:id/setup/questions/:key", s.questionPage)
	e.POST("/competitions/:id/setup/questions/:key", s.questionSubmit)
	e.POST("/competitions/:id/setup/questions/:key/change", s.questionChange)
	e.GET("/competitions/:id/setup/check", s.competitionCheckPage)
	e.POST("/competitions/:id/launch", s.launchCompetitionForm)
	e.POST("/competitions/:id/extensions", s.extendDeadlineForm)
	e.POST("/competitions/:id/clarifications", s.askClarificationForm)
	e.POST("/clarifications/:id/publish", s.publishClarificationForm)
	e.POST("/bids/:id/eligibility", s.decideEligibilityForm)
	e.POST("/competitions/:id/amendments", s.amendCompetitionForm)
	e.POST("/bids/:id/confirm", s.confirmBidForm)
	e.POST("/competitions/:id/eligibility/finish", s.finishEligibilityForm)
	e.GET("/organisation", s.organisationPage)
	e.POST("/organisation", s.registerOrganisationForm)
	e.POST("/organisation/join", s.askToJoinForm)
	e.POST("/join-requests/:id", s.decideJoinRequestForm)
	e.GET("/notices", s.noticesPage)
	e.GET("/work", s.workPage)
	e.GET("/lifecycle", s.lifecycleIndex)
	e.GET("/lifecycle/:record", s.lifecyclePage)
	e.GET("/lifecycle/:record/drawing.svg", s.lifecycleDrawing)
	e.GET("/notices/email", s.emailChoicesPage)
	e.POST("/notices/email", s.emailChoicesForm)
	e.GET("/email/unsubscribe/:token", s.emailUnsubscribePage)
	e.POST("/email/unsubscribe/:token", s.emailUnsubscribeForm)
	e.GET("/open-data", s.openDataPage)
	e.GET("/ocds/releases.json", s.ocdsBulkReleases)
	e.GET("/ocds/records.json", s.ocdsBulkRecords)
	e.GET("/ocds/releases/:file", s.ocdsReleases)
	e.GET("/ocds/records/:file", s.ocdsRecord)
	e.GET("/figures", s.figuresPage)
	e.POST("/figures/targets", s.targetsForm)
	e.GET("/figures.csv", s.figuresCSV)
	e.GET("/figures.xlsx", s.figuresXLSX)
	e.GET("/webhooks", s.webhooksPage)
	e.POST("/webhooks", s.registerWebhookForm)
	e.GET("/webhooks/:id", s.webhookPage)
	e.POST("/webhooks/:id/rotate", s.rotateWebhookSecretForm)
	e.POST("/webhooks/:id/disable", s.disableWebhookForm)
	e.POST("/webhook-deliveries/:id/send-again", s.sendWebhookAgainForm)
	e.GET("/emails", s.emailsPage)
	e.POST("/emails/:id/send-again", s.sendEmailAgainForm)
	e.GET("/contracts", s.contractsPage)
	e.GET("/contracts/:id", s.contractPage)
	e.POST("/contracts/:id/accept", s.acceptContractForm)
	e.POST("/contracts/:id/terms", s.contractTermsForm)
	e.POST("/contracts/:id/documents", s.contractDocumentForm)
	e.POST("/contracts/:id/report", s.reportForm)
	e.POST("/contracts/:id/gate", s.gateForm)
	e.POST("/contracts/:id/report-documents", s.reportDocumentForm)
	e.POST("/contracts/:id/show-and-tell", s.showAndTellForm)
	e.POST("/contracts/:id/show-and-tell/record", s.showAndTellRecordForm)
	e.POST("/contracts/:id/recommendation", s.recommendationForm)
	e.POST("/contracts/:id/progress", s.progressForm)
	e.POST("/contracts/:id/midpoint-review", s.midpointForm)
	e.POST("/challenges/:id/gate", s.challengeGateForm)
	e.POST("/challenges/:id/outcome", s.outcomeForm)
	e.GET("/lessons", s.lessonsPage)
	e.GET("/challenges/:id/overview", s.overviewPage)
	e.POST("/milestones/:id/documents", s.deliverableDocumentForm)
	e.POST("/milestones/:id/deliverable", s.deliverableForm)
	e.POST("/milestones/:id/review", s.reviewForm)
	e.POST("/milestones/:id/payment", s.paymentForm)
	e.GET("/people", s.peoplePage)
	e.POST("/people", s.addPersonForm)
	e.GET("/people/:id", s.personPage)
	e.POST("/people/:id", s.changePersonForm)
	e.POST("/people/:id/deactivate", s.deactivatePersonForm)
	e.POST("/challenges/:id/screening", s.screenChallengeForm)
	e.GET("/screening-criteria", s.screeningCriteriaPage)
	e.POST("/screening-criteria", s.addScreeningCriterionForm)
	e.POST("/screening-criteria/:id/retire", s.retireScreeningCriterionForm)
	e.GET("/rounds", s.roundsPage)
	e.POST("/rounds", s.createRoundForm)
	e.GET("/audit", s.auditPage)
	e.GET("/assessments", s.yourAssessmentsPage)
	e.GET("/assignments/:id", s.scoringPage)
	e.POST("/assignments/:id", s.scoreForm)
	e.POST("/assignments/:id/accept", s.acceptForm)
	e.POST("/assignments/:id/decline", s.declineForm)
	e.GET("/interests", s.interestsPage)
	e.POST("/interests", s.declareInterestForm)
	e.POST("/interests/:id/withdraw", s.withdrawInterestForm)
	e.POST("/sign-out", s.signOut)
	// Sign-in is rate limited per address, so passwords elsewhere and codes here cannot be
	// hammered through Catalyst.
	limit := perAddress(s.SignInRate, "too-many-sign-ins", "Too many attempts to sign in")
	if s.DevSignIn || s.oidc != nil {
		e.GET("/sign-in", s.signInPage)
	}
	if s.DevSignIn {
		e.POST("/sign-in", s.signIn, limit)
		e.POST("/sign-in/new", s.signInNew, limit)
	}
	if s.oidc != nil {
		e.GET("/sign-in/oidc", s.oidcStart, limit)
		e.GET("/sign-in/oidc/callback", s.oidcCallback, limit)
	}
}

func (s *Server) render(c echo.Context, status int, name, title, current string, data any) error {
	nav := ui.Nav{SignIn: s.DevSignIn || s.oidc != nil, Current: current}
	if p := currentPerson(c); p != nil {
		nav.PersonName = p.Name
	}
	if sess := currentSession(c); sess != nil {
		nav.CSRFToken = sess.CsrfToken
	}
	if v, ok := currentViewer(c); ok {
		nav.Audit = v.Has(authz.Admin) || v.Has(authz.ChallengeOwner)
		nav.Interests = v.Has(authz.Assessor)
		nav.Assessments = v.Has(authz.Assessor)
		nav.Rounds = v.Has(authz.Admin)
		nav.People = v.Has(authz.Admin)
		nav.Notices = true
		nav.Contracts = v.Has(authz.Admin) || v.Has(authz.ChallengeOwner) // a supplier's are with its bids
		nav.Organisation = v.Has(authz.Supplier)
	}
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	c.Response().WriteHeader(status)
	return ui.Render(c.Response(), name, ui.Page{Title: title, Nav: nav, Data: data})
}

func (s *Server) renderError(c echo.Context, p Problem) error {
	return s.render(c, p.Status, "error", p.Title, "", p)
}

type openCompetition struct {
	ChallengeID int
	Title       string
	Phase       int
	ClosesAt    time.Time
}

func (s *Server) startPage(c echo.Context) error {
	figures, err := s.svc.ProgrammeFigures(c.Request().Context())
	if err != nil {
		return err
	}
	data := struct {
		Open       []openCompetition
		Challenges int
		Contracts  int
	}{Challenges: figures.Challenges, Contracts: figures.Contracts}
	for _, o := range figures.Open {
		data.Open = append(data.Open, openCompetition{ChallengeID: o.ChallengeID, Title: o.Edges.Challenge.Title, Phase: o.Phase, ClosesAt: o.ClosesAt})
	}
	return s.render(c, http.StatusOK, "start", "Solve public sector problems with innovation procurement", "", data)
}

type challengeRow struct {
	ChallengeView
	TagClass string
}

// tagClass colours a stage's tag: green when complete, grey when stopped, blue in progress.
func tagClass(stage string) string {
	switch domain.ChallengeStage(stage) {
	case domain.ChallengeComplete:
		return "govuk-tag--green"
	case domain.ChallengeRejected, domain.ChallengeClosed:
		return "govuk-tag--grey"
	case domain.ChallengeDraft, domain.ChallengeSubmitted:
		return "govuk-tag--yellow"
	}
	return "govuk-tag--blue"
}

// challengesPerPage is how many challenges a page of the list shows.
const challengesPerPage = 200

func (s *Server) challengesPage(c echo.Context) error {
	ctx := c.Request().Context()
	n := pageNumber(c)
	rows, err := s.svc.ListChallenges(ctx, service.Page{Limit: challengesPerPage, Offset: (n - 1) * challengesPerPage}, "")
	if err != nil {
		return err
	}
	rows = rows[:min(len(rows), challengesPerPage)]
	total, err := s.svc.CountChallenges(ctx)
	if err != nil {
		return err
	}
	v, _ := currentViewer(c)
	data := struct {
		Rows     []challengeRow
		Queue    []challengeRow // submitted, waiting for the programme's screening
		CanStart bool
		Pager    pager
	}{CanStart: v.Has(authz.ChallengeOwner), Pager: newPager(c, n, challengesPerPage, total, len(rows), "challenges")}
	row := func(ch *ent.Challenge) challengeRow {
		cv := challengeView(ch)
		return challengeRow{ChallengeView: cv, TagClass: tagClass(cv.Stage)}
	}
	for _, ch := range rows {
		data.Rows = append(data.Rows, row(ch))
	}
	if v.Has(authz.Admin) {
		queue, err := s.svc.ListChallenges(ctx, service.Page{Limit: challengesPerPage}, string(domain.ChallengeSubmitted))
		if err != nil {
			return err
		}
		for _, ch := range queue {
			data.Queue = append(data.Queue, row(ch))
		}
	}
	return s.render(c, http.StatusOK, "challenges", "Challenges", "challenges", data)
}

// timelineItem is one stage of the lifecycle as the challenge page shows it.
type timelineItem struct {
	Label string
	State string // done, current, todo
	Notes []string
}

func timeline(v ChallengeView) []timelineItem {
	stage := domain.ChallengeStage(v.Stage)
	current := -1
	for i, st := range domain.ChallengeHappyPath {
		if st == stage {
			current = i
		}
	}
	// A rejected or closed challenge shows as done only the stages its records prove it reached.
	reached := map[domain.ChallengeStage]bool{domain.ChallengeSubmitted: true}
	notes := map[domain.ChallengeStage][]string{}
	for _, comp := range v.Competitions {
		open, assess, contracts := domain.ChallengePhase1Open, domain.ChallengePhase1Assessment, domain.ChallengePhase1Contracts
		if comp.Phase == 2 {
			open, assess, contracts = domain.ChallengePhase2Open, domain.ChallengePhase2Assessment, domain.ChallengePhase2Contracts
		}
		reached[domain.ChallengeSelected] = true
		switch domain.CompetitionStatus(comp.Status) {
		case domain.CompetitionDraft:
			notes[domain.ChallengeSelected] = append(notes[domain.ChallengeSelected], fmt.Sprintf("The phase %d competition is being set up.", comp.Phase))
			continue
		case domain.CompetitionScheduled:
			notes[open] = append(notes[open], fmt.Sprintf("Opens %s.", ui.Time(*comp.OpensAt)))
		}
		reached[open] = true
		received := plural(comp.SubmittedBids, "bid", "bids") + " received."
		if domain.CompetitionStatus(comp.Status) == domain.CompetitionOpen {
			received = "Bids are sealed until then."
		}
		if comp.ClosesAt != nil {
			notes[open] = append(notes[open], fmt.Sprintf("Deadline %s. %s", ui.Time(*comp.ClosesAt), received))
		}
		switch domain.CompetitionStatus(comp.Status) {
		case domain.CompetitionAssessment, domain.CompetitionDecided:
			reached[assess] = true
			notes[assess] = append(notes[assess], comp.StatusLabel+".")
		case domain.CompetitionClosedNoBids:
			notes[open] = append(notes[open], comp.StatusLabel+".")
		}
		for _, k := range comp.Contracts {
			reached[contracts] = true
			n := fmt.Sprintf("%s: %s, %s.", k.OrganisationName, k.Value, k.StatusLabel)
			if k.Gate != nil {
				n += " " + k.Gate.Rationale
			}
			notes[contracts] = append(notes[contracts], n)
		}
	}
	var items []timelineItem
	for i, st := range domain.ChallengeHappyPath {
		if st == domain.ChallengeDraft {
			continue
		}
		it := timelineItem{Label: st.Label(), Notes: notes[st], State: "todo"}
		switch {
		case current >= 0 && i < current, current < 0 && reached[st]:
			it.State = "done"
		case i == current:
			it.State = "current"
		}
		items = append(items, it)
	}
	if current < 0 {
		items = append(items, timelineItem{Label: stage.Label(), State: "current", Notes: []string{v.StageReason}})
	}
	return items
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func (s *Server) challengePage(c echo.Context) error {
	return s.renderChallengePage(c, http.StatusOK, ui.Form{})
}

// renderChallengePage shows a challenge: where it is, what it says, and what the viewer may do
// to it now, or why not yet. form is the selection form as typed, when it was refused.
func (s *Server) renderChallengePage(c echo.Context, status int, form ui.Form) error {
	id, err := pathID(c)
	if err != nil {
		return notFound("challenge", c.Param("id"))
	}
	ctx := c.Request().Context()
	ch, err := s.svc.Challenge(ctx, id)
	if err != nil {
		return err
	}
	v := challengeViewFor(ctx, ch)
	data := struct {
		Challenge ChallengeView
		TagClass  string
		Timeline  []timelineItem
		Actions   service.Actions
		Form      ui.Form
		Decided   string
		Rounds    []service.RoundUse
		Screening []screeningRow
		Evidence  []*ent.Document
		// The programme's gate and outcome forms, when they apply.
		GateOpen, OutcomeOpen bool
		Criteria              []domain.GateCriterion
		Overview              bool // the viewer may see the whole challenge: its owner or the programme
	}{Challenge: v, TagClass: tagClass(v.Stage), Timeline: timeline(v), Form: form, Decided: c.QueryParam("decided"), Criteria: domain.GateCriteria}
	if data.Actions, err = s.svc.ChallengeActions(ctx, ch); err != nil {
		return err
	}
	data.Overview = s.svc.MayChangeChallenge(ctx, ch.ID) == nil && ch.Stage != domain.ChallengeDraft
	data.GateOpen, data.OutcomeOpen = data.Actions.Allows("gate"), data.Actions.Allows("complete")
	// Only its owner and the programme read the evidence; for anyone else the list is empty.
	if data.Evidence, err = s.svc.Evidence(ctx, ch.ID); err != nil {
		return err
	}
	if data.Actions.Allows("screen") || data.Actions.Allows("select") {
		if data.Rounds, err = s.svc.Rounds(ctx); err != nil {
			return err
		}
		if data.Screening, err = s.screeningRows(ctx, ch.ID, form); err != nil {
			return err
		}
	}
	return s.render(c, status, "challenge", form.Title(v.Title), "challenges", data)
}

// screeningRow is one criterion on the screening form, with its judgement so far (or as typed).
type screeningRow struct {
	Index       int
	CriterionID int
	Text        string
	Met, Note   string // "yes", "no" or ""
	Error       string
}

func (s *Server) screeningRows(ctx context.Context, challengeID int, form ui.Form) ([]screeningRow, error) {
	criteria, err := s.svc.ScreeningCriteria(ctx, false)
	if err != nil {
		return nil, err
	}
	done, err := s.svc.Screenings(ctx, challengeID)
	if err != nil {
		return nil, err
	}
	rows := make([]screeningRow, len(criteria))
	for i, c := range criteria {
		r := screeningRow{Index: i, CriterionID: c.ID, Text: c.Text}
		if d := done[c.ID]; d != nil {
			r.Met, r.Note = map[bool]string{true: "yes", false: "no"}[d.Met], d.Note
		}
		key := "met-" + strconv.Itoa(c.ID)
		if v, typed := form.Values[key]; typed {
			r.Met, r.Note = v, form.Values["note-"+strconv.Itoa(c.ID)]
		}
		r.Error = form.Problems.For(fmt.Sprintf("results-%d-met", i))
		rows[i] = r
	}
	return rows, nil
}

// screenChallengeForm records the programme's screening from the challenge's page.
func (s *Server) screenChallengeForm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	criteria, err := s.svc.ScreeningCriteria(ctx, false)
	if err != nil {
		return err
	}
	form := ui.Form{Values: map[string]string{}}
	var results []domain.ScreeningResult
	for _, cr := range criteria {
		met, note := c.FormValue("met-"+strconv.Itoa(cr.ID)), c.FormValue("note-"+strconv.Itoa(cr.ID))
		form.Values["met-"+strconv.Itoa(cr.ID)], form.Values["note-"+strconv.Itoa(cr.ID)] = met, note
		r := domain.ScreeningResult{CriterionID: cr.ID, Note: note}
		if met == "yes" || met == "no" {
			yes := met == "yes"
			r.Met = &yes
		}
		results = append(results, r)
	}
	err = s.svc.ScreenChallenge(ctx, id, results)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/challenges/"+strconv.Itoa(id)+"?decided=screened")
	}
	ps := problemsOf(err)
	if ps == nil {
		return err
	}
	for i := range ps {
		ps[i].Field = strings.ReplaceAll(strings.ReplaceAll(ps[i].Field, "[", "-"), "].", "-")
	}
	form.Problems = ps
	return s.renderChallengePage(c, http.StatusUnprocessableEntity, form)
}

// selectChallengeForm records the programme team's selection or rejection from the
// challenge's page; a refusal shows the page again with what to fix.
func (s *Server) selectChallengeForm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	decision, reason, round := c.FormValue("decision"), c.FormValue("reason"), c.FormValue("round_id")
	in := service.SelectChallenge{ID: id, Reason: reason}
	in.RoundID, _ = strconv.Atoi(round)
	if decision == "select" || decision == "reject" {
		selected := decision == "select"
		in.Select = &selected
	}
	err = s.svc.SelectChallenge(c.Request().Context(), in)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/challenges/"+strconv.Itoa(id)+"?decided="+decision)
	}
	ps := problemsOf(err)
	var te *domain.TransitionError
	if errors.As(err, &te) {
		ps = domain.Problems{domain.ProblemWith("decision", te)}
	}
	if ps == nil {
		return err
	}
	for i := range ps {
		if ps[i].Field == "select" {
			ps[i] = domain.FieldProblem{Field: "decision", Message: "Choose whether to select or reject the challenge"}
		}
	}
	return s.renderChallengePage(c, http.StatusUnprocessableEntity, ui.Form{Values: map[string]string{"decision": decision, "reason": reason,
		"round_id": round}, Problems: ps})
}

func (s *Server) signInPage(c echo.Context) error {
	return s.renderSignIn(c, http.StatusOK, ui.Form{Values: map[string]string{}})
}

func (s *Server) renderSignIn(c echo.Context, status int, form ui.Form) error {
	data := struct {
		Dev      bool
		Provider string
		People   []*ent.Person
		Form     ui.Form
	}{Dev: s.DevSignIn, Form: form}
	if s.oidc != nil {
		data.Provider = s.oidc.cfg.Name
	}
	if s.DevSignIn {
		// Listing every demo person is the dev sign-in's purpose; it never runs in production.
		people, err := s.svc.DevPeople(c.Request().Context())
		if err != nil {
			return err
		}
		data.People = people
	}
	return s.render(c, status, "signin", form.Title("Sign in"), "sign-in", data)
}

// signIn is the dev sign-in: one click as any demo person. It is only routed when DevSignIn is
// on, which production refuses.
func (s *Server) signIn(c echo.Context) error {
	email := strings.TrimSpace(c.FormValue("email"))
	id, aerr := strconv.Atoi(c.FormValue("person_id"))
	if email == "" && aerr != nil {
		return badRequest("choose a person to sign in as")
	}
	p, err := s.svc.DevPerson(c.Request().Context(), email, id)
	if err != nil {
		return err
	}
	if err := s.startSession(c, p, "dev"); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, s.landing(c, p))
}

// landing is where a person goes after signing in: a supplier with no organisation yet
// registers or joins one first.
func (s *Server) landing(c echo.Context, p *ent.Person) string {
	if s.svc.NeedsOrganisation(c.Request().Context(), p.ID) {
		return "/organisation"
	}
	return "/challenges"
}

// signInNew is the dev sign-in as someone new to Catalyst: as a first sign-in with a verified
// email does in production, it makes a supplier's account.
func (s *Server) signInNew(c echo.Context) error {
	// An email that already has an account signs in to it, as a verified email does in
	// production: nobody is turned away for having been here before.
	if email := strings.TrimSpace(c.FormValue("email")); email != "" {
		if p, err := s.svc.DevPerson(c.Request().Context(), email, 0); err == nil {
			if err := s.startSession(c, p, "dev"); err != nil {
				return err
			}
			return c.Redirect(http.StatusSeeOther, s.landing(c, p))
		}
	}
	p, err := s.svc.NewSupplier(c.Request().Context(), c.FormValue("email"), c.FormValue("name"))
	if err != nil {
		if ps := problemsOf(err); ps != nil {
			return s.renderSignIn(c, http.StatusUnprocessableEntity, ui.Form{Values: map[string]string{"name": c.FormValue("name"), "email": c.FormValue("email")}, Problems: ps})
		}
		return err
	}
	if err := s.startSession(c, p, "dev"); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/organisation")
}

func (s *Server) signOut(c echo.Context) error {
	if err := s.endSession(c); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/")
}
