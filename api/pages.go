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

func (s *Server) pageRoutes(r routes) {
	r.static("/assets", ui.Assets())
	r.get("/", public, s.startPage)
	r.get("/challenges", public, s.challengesPage)
	r.get("/challenges/:id", public, s.challengePage)
	r.get("/challenges/new", only(authz.ChallengeOwner), s.newChallengePage)
	r.post("/challenges/new", only(authz.ChallengeOwner), s.createChallengeForm)
	r.get("/challenges/:id/edit", only(authz.Admin, authz.ChallengeOwner), s.editChallengePage)
	r.post("/challenges/:id/edit", only(authz.Admin, authz.ChallengeOwner), s.editChallengeForm)
	r.get("/challenges/:id/check", only(authz.Admin, authz.ChallengeOwner), s.checkChallengePage)
	r.post("/challenges/:id/submit", only(authz.Admin, authz.ChallengeOwner), s.submitChallengeForm)
	r.get("/challenges/:id/submitted", only(authz.Admin, authz.ChallengeOwner), s.challengeSubmittedPage)
	r.post("/challenges/:id/evidence", only(authz.Admin, authz.ChallengeOwner), s.uploadEvidenceForm)
	r.post("/challenges/:id/selection", only(authz.Admin), s.selectChallengeForm)
	r.post("/challenges/:id/competition-setup", only(authz.Admin), s.startCompetitionSetupForm)
	r.get("/competitions", public, s.competitionsPage)
	r.get("/alerts", public, s.alertsPage)
	r.post("/alerts", public, s.subscribeForm, perAddress(s.SignInRate, "too-many-requests", "Too many alerts asked for"))
	r.get("/alerts/unsubscribe/:token", public, s.unsubscribePage)
	r.post("/alerts/unsubscribe/:token", public, s.unsubscribeForm, perAddress(s.SignInRate, "too-many-requests", "Too many attempts"))
	r.get("/competitions/:id", public, s.competitionPage)
	r.post("/competitions/:id/bids", only(authz.Supplier), s.startBidForm)
	r.get("/bids", only(authz.Supplier), s.yourBidsPage)
	r.get("/bids/:id", signedIn, s.bidPage)
	r.get("/bids/:id/tasks/:task", only(authz.Supplier), s.bidTaskPage)
	r.post("/bids/:id/tasks/:task", only(authz.Supplier), s.bidTaskForm)
	r.post("/bids/:id/documents", only(authz.Supplier), s.bidUploadForm)
	r.post("/documents/:id/remove", only(authz.Supplier), s.removeDocumentForm)
	r.get("/bids/:id/check", signedIn, s.bidCheckPage)
	r.post("/bids/:id/submit", only(authz.Supplier), s.submitBidForm, s.submits.admit)
	r.get("/bids/:id/submitted", only(authz.Supplier), s.bidSubmittedPage)
	r.get("/bids/:id/receipt", signedIn, s.downloadReceipt)
	r.post("/bids/:id/reopen", only(authz.Supplier), s.reopenBidForm)
	r.post("/bids/:id/withdraw", only(authz.Supplier), s.withdrawBidForm)
	r.get("/receipts/verify", signedIn, s.verifyReceiptPage)
	r.post("/receipts/verify", signedIn, s.verifyReceiptForm)
	r.get("/competitions/:id/panel", only(authz.Admin), s.panelPage)
	r.get("/competitions/:id/panel.csv", only(authz.Admin), s.exportPanel)
	r.get("/competitions/:id/panel.xlsx", only(authz.Admin), s.exportPanelXLSX)
	r.post("/competitions/:id/decision", only(authz.Admin), s.decideForm)
	r.post("/competitions/:id/release", only(authz.Admin), s.releaseForm)
	r.post("/scores/:id/exclude", only(authz.Admin), s.excludeScoreForm)
	r.post("/scores/:id/include", only(authz.Admin), s.includeScoreForm)
	r.post("/scores/:id/return", only(authz.Admin), s.sendBackForm)
	r.get("/competitions/:id/assignments", only(authz.Admin), s.proposalPage)
	r.post("/competitions/:id/assignments/release", only(authz.Admin), s.releaseAssignmentsForm)
	r.post("/competitions/:id/assignments/rerun", only(authz.Admin), s.rerunAssignmentForm)
	r.post("/competitions/:id/capacities", only(authz.Admin), s.capacityForm)
	r.post("/assignments/:id/swap", only(authz.Admin), s.swapForm)
	r.get("/competitions/:id/interviews", only(authz.Admin), s.interviewsPage)
	r.post("/bids/:id/interview-slot", only(authz.Admin), s.interviewSlotForm)
	r.post("/bids/:id/interview-score", only(authz.Admin), s.interviewScoreForm)
	r.post("/interests/declaration", only(authz.Assessor), s.renewDeclarationForm)
	r.get("/competitions/:id/setup", only(authz.Admin), s.competitionSetupPage)
	r.get("/competitions/:id/setup/:task", only(authz.Admin), s.competitionTaskPage)
	r.post("/competitions/:id/setup/:task", only(authz.Admin), s.competitionTaskForm)
	r.get("/competitions/:id/setup/questions", only(authz.Admin), s.questionsPage)
	r.get("/competitions/:id/setup/preview", only(authz.Admin), s.questionsPage)
	r.get("/competitions/:id/setup/questions/new", only(authz.Admin), s.questionPage)
	r.post("/competitions/:id/setup/questions/new", only(authz.Admin), s.questionSubmit)
	r.get("/competitions/:id/setup/questions/:key", only(authz.Admin), s.questionPage)
	r.post("/competitions/:id/setup/questions/:key", only(authz.Admin), s.questionSubmit)
	r.post("/competitions/:id/setup/questions/:key/change", only(authz.Admin), s.questionChange)
	r.get("/competitions/:id/setup/check", only(authz.Admin), s.competitionCheckPage)
	r.post("/competitions/:id/launch", only(authz.Admin), s.launchCompetitionForm)
	r.post("/competitions/:id/extensions", only(authz.Admin), s.extendDeadlineForm)
	r.post("/competitions/:id/clarifications", only(authz.Supplier), s.askClarificationForm)
	r.post("/clarifications/:id/publish", only(authz.Admin), s.publishClarificationForm)
	r.post("/bids/:id/eligibility", only(authz.Admin), s.decideEligibilityForm)
	r.post("/competitions/:id/amendments", only(authz.Admin), s.amendCompetitionForm)
	r.post("/bids/:id/confirm", only(authz.Supplier), s.confirmBidForm)
	r.post("/competitions/:id/eligibility/finish", only(authz.Admin), s.finishEligibilityForm)
	r.get("/organisation", only(authz.Supplier), s.organisationPage)
	r.post("/organisation", only(authz.Supplier), s.registerOrganisationForm)
	r.post("/organisation/join", only(authz.Supplier), s.askToJoinForm)
	r.post("/join-requests/:id", only(authz.Supplier), s.decideJoinRequestForm)
	r.get("/notices", signedIn, s.noticesPage)
	r.get("/work", signedIn, s.workPage)
	r.get("/lifecycle", public, s.lifecycleIndex)
	r.get("/lifecycle/:record", public, s.lifecyclePage)
	r.get("/lifecycle/:record/drawing.svg", public, s.lifecycleDrawing)
	r.get("/notices/email", signedIn, s.emailChoicesPage)
	r.post("/notices/email", signedIn, s.emailChoicesForm)
	r.get("/email/unsubscribe/:token", public, s.emailUnsubscribePage)
	r.post("/email/unsubscribe/:token", public, s.emailUnsubscribeForm)
	r.get("/open-data", public, s.openDataPage)
	r.get("/ocds/releases.json", public, s.ocdsBulkReleases)
	r.get("/ocds/records.json", public, s.ocdsBulkRecords)
	r.get("/ocds/releases/:file", public, s.ocdsReleases)
	r.get("/ocds/records/:file", public, s.ocdsRecord)
	r.get("/figures", only(authz.Admin), s.figuresPage)
	r.post("/figures/targets", only(authz.Admin), s.targetsForm)
	r.get("/figures.csv", only(authz.Admin), s.figuresCSV)
	r.get("/figures.xlsx", only(authz.Admin), s.figuresXLSX)
	r.get("/webhooks", only(authz.Admin), s.webhooksPage)
	r.post("/webhooks", only(authz.Admin), s.registerWebhookForm)
	r.get("/webhooks/:id", only(authz.Admin), s.webhookPage)
	r.post("/webhooks/:id/rotate", only(authz.Admin), s.rotateWebhookSecretForm)
	r.post("/webhooks/:id/disable", only(authz.Admin), s.disableWebhookForm)
	r.post("/webhook-deliveries/:id/send-again", only(authz.Admin), s.sendWebhookAgainForm)
	r.get("/emails", only(authz.Admin), s.emailsPage)
	r.post("/emails/:id/send-again", only(authz.Admin), s.sendEmailAgainForm)
	r.get("/contracts", only(authz.Admin, authz.ChallengeOwner, authz.Supplier), s.contractsPage)
	r.get("/contracts/:id", only(authz.Admin, authz.ChallengeOwner, authz.Supplier), s.contractPage)
	r.post("/contracts/:id/accept", only(authz.Supplier), s.acceptContractForm)
	r.post("/contracts/:id/terms", only(authz.Admin), s.contractTermsForm)
	r.post("/contracts/:id/documents", only(authz.Admin), s.contractDocumentForm)
	r.post("/contracts/:id/report", only(authz.Supplier), s.reportForm)
	r.post("/contracts/:id/gate", only(authz.Admin), s.gateForm)
	r.post("/contracts/:id/report-documents", only(authz.Supplier), s.reportDocumentForm)
	r.post("/contracts/:id/show-and-tell", only(authz.Admin), s.showAndTellForm)
	r.post("/contracts/:id/show-and-tell/record", only(authz.Admin), s.showAndTellRecordForm)
	r.post("/contracts/:id/recommendation", only(authz.ChallengeOwner, authz.Admin), s.recommendationForm)
	r.post("/contracts/:id/progress", only(authz.Supplier), s.progressForm)
	r.post("/contracts/:id/midpoint-review", only(authz.ChallengeOwner, authz.Admin), s.midpointForm)
	r.post("/challenges/:id/gate", only(authz.Admin), s.challengeGateForm)
	r.post("/challenges/:id/outcome", only(authz.Admin), s.outcomeForm)
	r.get("/lessons", public, s.lessonsPage)
	r.get("/challenges/:id/overview", only(authz.Admin, authz.ChallengeOwner), s.overviewPage)
	r.post("/milestones/:id/documents", only(authz.Supplier), s.deliverableDocumentForm)
	r.post("/milestones/:id/deliverable", only(authz.Supplier), s.deliverableForm)
	r.post("/milestones/:id/review", only(authz.ChallengeOwner, authz.Admin), s.reviewForm)
	r.post("/milestones/:id/payment", only(authz.Admin), s.paymentForm)
	r.get("/people", only(authz.Admin), s.peoplePage)
	r.post("/people", only(authz.Admin), s.addPersonForm)
	r.get("/people/:id", only(authz.Admin), s.personPage)
	r.post("/people/:id", only(authz.Admin), s.changePersonForm)
	r.post("/people/:id/deactivate", only(authz.Admin), s.deactivatePersonForm)
	r.post("/challenges/:id/screening", only(authz.Admin), s.screenChallengeForm)
	r.get("/screening-criteria", only(authz.Admin), s.screeningCriteriaPage)
	r.post("/screening-criteria", only(authz.Admin), s.addScreeningCriterionForm)
	r.post("/screening-criteria/:id/retire", only(authz.Admin), s.retireScreeningCriterionForm)
	r.get("/rounds", only(authz.Admin), s.roundsPage)
	r.post("/rounds", only(authz.Admin), s.createRoundForm)
	r.get("/audit", only(authz.Admin, authz.ChallengeOwner), s.auditPage)
	r.get("/assessments", only(authz.Assessor), s.yourAssessmentsPage)
	r.get("/assignments/:id", only(authz.Assessor), s.scoringPage)
	r.post("/assignments/:id", only(authz.Assessor), s.scoreForm)
	r.post("/assignments/:id/accept", only(authz.Assessor), s.acceptForm)
	r.post("/assignments/:id/decline", only(authz.Assessor), s.declineForm)
	r.get("/interests", only(authz.Assessor), s.interestsPage)
	r.post("/interests", only(authz.Assessor), s.declareInterestForm)
	r.post("/interests/:id/withdraw", only(authz.Assessor), s.withdrawInterestForm)
	r.post("/sign-out", public, s.signOut)
	// Sign-in is rate limited per address, so passwords elsewhere and codes here cannot be
	// hammered through Catalyst.
	limit := perAddress(s.SignInRate, "too-many-sign-ins", "Too many attempts to sign in")
	if s.DevSignIn || s.oidc != nil {
		r.get("/sign-in", public, s.signInPage)
	}
	if s.DevSignIn {
		r.post("/sign-in", public, s.signIn, limit)
		r.post("/sign-in/new", public, s.signInNew, limit)
	}
	if s.oidc != nil {
		r.get("/sign-in/oidc", public, s.oidcStart, limit)
		r.get("/sign-in/oidc/callback", public, s.oidcCallback, limit)
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
		// The navigation offers the pages the routes' own guards let this person open.
		nav.Audit = s.mayOpen(v, "/audit")
		nav.Interests = s.mayOpen(v, "/interests")
		nav.Assessments = s.mayOpen(v, "/assessments")
		nav.Rounds = s.mayOpen(v, "/rounds")
		nav.People = s.mayOpen(v, "/people")
		nav.Notices = s.mayOpen(v, "/notices")
		// A supplier may open the contracts list, but finds its contracts with its bids.
		nav.Contracts = s.mayOpen(v, "/contracts") && (v.Has(authz.Admin) || v.Has(authz.ChallengeOwner))
		nav.Organisation = s.mayOpen(v, "/organisation")
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
