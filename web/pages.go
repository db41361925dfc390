package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
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

func (s *Server) pageRoutes(r api.Routes) {
	r.Static("/assets", ui.Assets())
	r.Get("/", api.Public, s.startPage)
	r.Get("/challenges", api.Public, s.challengesPage)
	r.Get("/challenges/:id", api.Public, s.challengePage)
	r.Get("/challenges/new", api.Only(authz.ChallengeOwner), s.newChallengePage)
	r.Post("/challenges/new", api.Only(authz.ChallengeOwner), s.createChallengeForm)
	r.Get("/challenges/:id/edit", api.Only(authz.ProgrammeOfficer, authz.ChallengeOwner), s.editChallengePage)
	r.Post("/challenges/:id/edit", api.Only(authz.ProgrammeOfficer, authz.ChallengeOwner), s.editChallengeForm)
	r.Get("/challenges/:id/check", api.Only(authz.ProgrammeOfficer, authz.ChallengeOwner), s.checkChallengePage)
	r.Post("/challenges/:id/submit", api.Only(authz.ProgrammeOfficer, authz.ChallengeOwner), s.submitChallengeForm)
	r.Get("/challenges/:id/submitted", api.Only(authz.ProgrammeOfficer, authz.ChallengeOwner), s.challengeSubmittedPage)
	r.Post("/challenges/:id/evidence", api.Only(authz.ProgrammeOfficer, authz.ChallengeOwner), s.uploadEvidenceForm)
	r.Post("/challenges/:id/selection", api.Only(authz.ProgrammeOfficer), s.selectChallengeForm)
	r.Post("/challenges/:id/delegates", api.Only(authz.ChallengeOwner), s.nameDelegateForm)
	r.Post("/challenges/:id/delegates/removal", api.Only(authz.ChallengeOwner), s.removeDelegateForm)
	r.Post("/challenges/:id/competition-setup", api.Only(authz.ProgrammeOfficer), s.startCompetitionSetupForm)
	r.Get("/competitions", api.Public, s.competitionsPage)
	r.Get("/alerts", api.Public, s.alertsPage)
	r.Post("/alerts", api.Public, s.subscribeForm, api.PerAddress(s.SignInRate, "too-many-requests", "Too many alerts asked for"))
	r.Get("/alerts/unsubscribe/:token", api.Public, s.unsubscribePage)
	r.Post("/alerts/unsubscribe/:token", api.Public, s.unsubscribeForm, api.PerAddress(s.SignInRate, "too-many-requests", "Too many attempts"))
	r.Get("/competitions/:id", api.Public, s.competitionPage)
	r.Get("/receipts/check", api.Public, s.checkReceiptPage)
	r.Post("/receipts/check", api.Public, s.checkReceiptForm, api.PerAddress(s.SignInRate, "too-many-requests", "Too many receipts checked"))
	r.Post("/competitions/:id/bids", api.Only(authz.Supplier), s.startBidForm)
	r.Get("/bids", api.Only(authz.Supplier), s.yourBidsPage)
	r.Get("/bids/:id", api.SignedIn, s.bidPage)
	r.Get("/bids/:id/tasks/:task", api.Only(authz.Supplier), s.bidTaskPage)
	r.Post("/bids/:id/tasks/:task", api.Only(authz.Supplier), s.bidTaskForm)
	r.Post("/bids/:id/documents", api.Only(authz.Supplier), s.bidUploadForm)
	r.Post("/documents/:id/remove", api.Only(authz.Supplier), s.removeDocumentForm)
	r.Get("/bids/:id/check", api.SignedIn, s.bidCheckPage)
	r.Post("/bids/:id/submit", api.Only(authz.Supplier), s.submitBidForm, s.keyedPageSubmit, s.Submits.Admit)
	r.Get("/bids/:id/submitted", api.Only(authz.Supplier), s.bidSubmittedPage)
	r.Get("/bids/:id/receipt", api.SignedIn, s.downloadReceipt)
	r.Post("/bids/:id/reopen", api.Only(authz.Supplier), s.reopenBidForm)
	r.Post("/bids/:id/withdraw", api.Only(authz.Supplier), s.withdrawBidForm)
	r.Get("/receipts/verify", api.SignedIn, s.verifyReceiptPage)
	r.Post("/receipts/verify", api.SignedIn, s.verifyReceiptForm)
	r.Get("/competitions/:id/panel", api.Only(authz.ProgrammeOfficer, authz.PanelChair, authz.BudgetHolder, authz.PanelMember), s.panelPage)
	r.Post("/competitions/:id/decision/approval", api.Only(authz.PanelChair, authz.BudgetHolder), s.approvalForm)
	r.Post("/competitions/:id/decision/withdrawal", api.Only(authz.ProgrammeOfficer), s.withdrawalForm)
	r.Get("/competitions/:id/panel.csv", api.Only(authz.ProgrammeOfficer), s.exportPanel)
	r.Get("/competitions/:id/panel.xlsx", api.Only(authz.ProgrammeOfficer), s.exportPanelXLSX)
	r.Post("/competitions/:id/decision", api.Only(authz.ProgrammeOfficer), s.decideForm)
	r.Post("/competitions/:id/release", api.Only(authz.ProgrammeOfficer), s.releaseForm)
	r.Post("/scores/:id/exclude", api.Only(authz.ProgrammeOfficer), s.excludeScoreForm)
	r.Post("/scores/:id/include", api.Only(authz.ProgrammeOfficer), s.includeScoreForm)
	r.Post("/scores/:id/return", api.Only(authz.ProgrammeOfficer), s.sendBackForm)
	r.Get("/competitions/:id/assignments", api.Only(authz.ProgrammeOfficer), s.proposalPage)
	r.Post("/competitions/:id/assignments/release", api.Only(authz.ProgrammeOfficer), s.releaseAssignmentsForm)
	r.Post("/competitions/:id/assignments/rerun", api.Only(authz.ProgrammeOfficer), s.rerunAssignmentForm)
	r.Post("/competitions/:id/capacities", api.Only(authz.ProgrammeOfficer), s.capacityForm)
	r.Post("/assignments/:id/swap", api.Only(authz.ProgrammeOfficer), s.swapForm)
	r.Get("/competitions/:id/interviews", api.Only(authz.ProgrammeOfficer, authz.PanelMember), s.interviewsPage)
	r.Post("/bids/:id/interview-slot", api.Only(authz.ProgrammeOfficer), s.interviewSlotForm)
	r.Post("/bids/:id/interview-score", api.Only(authz.ProgrammeOfficer, authz.PanelMember), s.interviewScoreForm)
	r.Post("/interests/declaration", api.Only(authz.Assessor), s.renewDeclarationForm)
	r.Get("/competitions/:id/setup", api.Only(authz.ProgrammeOfficer), s.competitionSetupPage)
	r.Get("/competitions/:id/setup/:task", api.Only(authz.ProgrammeOfficer), s.competitionTaskPage)
	r.Post("/competitions/:id/setup/:task", api.Only(authz.ProgrammeOfficer), s.competitionTaskForm)
	r.Get("/competitions/:id/setup/questions", api.Only(authz.ProgrammeOfficer), s.questionsPage)
	r.Get("/competitions/:id/setup/preview", api.Only(authz.ProgrammeOfficer), s.questionsPage)
	r.Get("/competitions/:id/setup/questions/new", api.Only(authz.ProgrammeOfficer), s.questionPage)
	r.Post("/competitions/:id/setup/questions/new", api.Only(authz.ProgrammeOfficer), s.questionSubmit)
	r.Get("/competitions/:id/setup/questions/:key", api.Only(authz.ProgrammeOfficer), s.questionPage)
	r.Post("/competitions/:id/setup/questions/:key", api.Only(authz.ProgrammeOfficer), s.questionSubmit)
	r.Post("/competitions/:id/setup/questions/:key/change", api.Only(authz.ProgrammeOfficer), s.questionChange)
	r.Get("/competitions/:id/setup/check", api.Only(authz.ProgrammeOfficer), s.competitionCheckPage)
	r.Post("/competitions/:id/launch", api.Only(authz.ProgrammeOfficer), s.launchCompetitionForm)
	r.Post("/competitions/:id/extensions", api.Only(authz.ProgrammeOfficer), s.extendDeadlineForm)
	r.Post("/competitions/:id/clarifications", api.Only(authz.Supplier), s.askClarificationForm)
	r.Post("/clarifications/:id/publish", api.Only(authz.ProgrammeOfficer), s.publishClarificationForm)
	r.Post("/bids/:id/eligibility", api.Only(authz.ProgrammeOfficer), s.decideEligibilityForm)
	r.Post("/competitions/:id/amendments", api.Only(authz.ProgrammeOfficer), s.amendCompetitionForm)
	r.Post("/bids/:id/confirm", api.Only(authz.Supplier), s.confirmBidForm)
	r.Post("/competitions/:id/eligibility/finish", api.Only(authz.ProgrammeOfficer), s.finishEligibilityForm)
	r.Get("/organisation", api.Only(authz.Supplier), s.organisationPage)
	r.Post("/organisation", api.Only(authz.Supplier), s.registerOrganisationForm)
	r.Post("/organisation/join", api.Only(authz.Supplier), s.askToJoinForm)
	r.Post("/join-requests/:id", api.Only(authz.Supplier), s.decideJoinRequestForm)
	r.Get("/your-data", api.SignedIn, s.yourDataPage)
	r.Get("/your-data.json", api.SignedIn, s.yourDataDownload)
	r.Post("/your-data/name", api.SignedIn, s.correctYourNameForm)
	r.Post("/your-data/sessions/:id/end", api.SignedIn, s.endYourSessionForm)
	r.Post("/your-data/corrections", api.SignedIn, s.askForCorrectionForm)
	r.Post("/corrections/:id/answer", api.Only(authz.ProgrammeTeam...), s.answerCorrectionForm)
	r.Get("/notices", api.SignedIn, s.noticesPage)
	r.Get("/work", api.SignedIn, s.workPage)
	r.Get("/lifecycle", api.Public, s.lifecycleIndex)
	r.Get("/lifecycle/:record", api.Public, s.lifecyclePage)
	r.Get("/lifecycle/:record/drawing.svg", api.Public, s.lifecycleDrawing)
	r.Get("/notices/email", api.SignedIn, s.emailChoicesPage)
	r.Post("/notices/email", api.SignedIn, s.emailChoicesForm)
	r.Get("/email/unsubscribe/:token", api.Public, s.emailUnsubscribePage)
	r.Post("/email/unsubscribe/:token", api.Public, s.emailUnsubscribeForm)
	r.Get("/open-data", api.Public, s.openDataPage)
	r.Get("/ocds/releases.json", api.Public, s.ocdsBulkReleases)
	r.Get("/ocds/records.json", api.Public, s.ocdsBulkRecords)
	r.Get("/ocds/releases/:file", api.Public, s.ocdsReleases)
	r.Get("/ocds/records/:file", api.Public, s.ocdsRecord)
	r.Get("/figures", api.Only(authz.ProgrammeTeam...), s.figuresPage)
	r.Post("/figures/targets", api.Only(authz.ProgrammeOfficer), s.targetsForm)
	r.Get("/figures.csv", api.Only(authz.ProgrammeTeam...), s.figuresCSV)
	r.Get("/figures.xlsx", api.Only(authz.ProgrammeTeam...), s.figuresXLSX)
	r.Get("/webhooks", api.Only(authz.Admin), s.webhooksPage)
	r.Post("/webhooks", api.Only(authz.Admin), s.registerWebhookForm)
	r.Get("/webhooks/:id", api.Only(authz.Admin), s.webhookPage)
	r.Post("/webhooks/:id/rotate", api.Only(authz.Admin), s.rotateWebhookSecretForm)
	r.Post("/webhooks/:id/disable", api.Only(authz.Admin), s.disableWebhookForm)
	r.Post("/webhook-deliveries/:id/send-again", api.Only(authz.Admin), s.sendWebhookAgainForm)
	r.Get("/emails", api.Only(authz.ProgrammeTeam...), s.emailsPage)
	r.Post("/emails/:id/send-again", api.Only(authz.ProgrammeTeam...), s.sendEmailAgainForm)
	r.Get("/contracts", api.Only(authz.ProgrammeOfficer, authz.ChallengeOwner, authz.Supplier, authz.Finance), s.contractsPage)
	r.Get("/contracts/:id", api.Only(authz.ProgrammeOfficer, authz.ChallengeOwner, authz.Supplier, authz.Finance), s.contractPage)
	r.Post("/contracts/:id/accept", api.Only(authz.Supplier), s.acceptContractForm)
	r.Post("/contracts/:id/terms", api.Only(authz.ProgrammeOfficer), s.contractTermsForm)
	r.Post("/contracts/:id/documents", api.Only(authz.ProgrammeOfficer), s.contractDocumentForm)
	r.Post("/contracts/:id/report", api.Only(authz.Supplier), s.reportForm)
	r.Post("/contracts/:id/gate", api.Only(authz.ProgrammeOfficer), s.gateForm)
	r.Post("/contracts/:id/report-documents", api.Only(authz.Supplier), s.reportDocumentForm)
	r.Post("/contracts/:id/show-and-tell", api.Only(authz.ProgrammeOfficer), s.showAndTellForm)
	r.Post("/contracts/:id/show-and-tell/record", api.Only(authz.ProgrammeOfficer), s.showAndTellRecordForm)
	r.Post("/contracts/:id/recommendation", api.Only(authz.ChallengeOwner), s.recommendationForm)
	r.Post("/contracts/:id/progress", api.Only(authz.Supplier), s.progressForm)
	r.Post("/contracts/:id/midpoint-review", api.Only(authz.ChallengeOwner), s.midpointForm)
	r.Post("/challenges/:id/gate", api.Only(authz.ProgrammeOfficer), s.challengeGateForm)
	r.Post("/challenges/:id/outcome", api.Only(authz.ProgrammeOfficer), s.outcomeForm)
	r.Get("/lessons", api.Public, s.lessonsPage)
	r.Get("/challenges/:id/overview", api.Only(authz.ProgrammeOfficer, authz.ChallengeOwner), s.overviewPage)
	r.Post("/milestones/:id/documents", api.Only(authz.Supplier), s.deliverableDocumentForm)
	r.Post("/milestones/:id/deliverable", api.Only(authz.Supplier), s.deliverableForm)
	r.Post("/milestones/:id/review", api.Only(authz.ChallengeOwner), s.reviewForm)
	r.Post("/milestones/:id/payment", api.Only(authz.Finance), s.paymentForm)
	r.Get("/people", api.Only(authz.ProgrammeTeam...), s.peoplePage)
	r.Post("/people", api.Only(authz.Admin), s.addPersonForm)
	r.Get("/people/import", api.Only(authz.Admin, authz.ProgrammeOfficer), s.importPage)
	r.PostUpTo(api.ImportFileLimit, api.ImportTooLarge, "/people/import", api.Only(authz.Admin, authz.ProgrammeOfficer), s.importForm)
	r.Get("/people/:id", api.Only(authz.ProgrammeTeam...), s.personPage)
	r.Post("/people/:id", api.Only(authz.Admin), s.changePersonForm)
	r.Post("/people/:id/deactivate", api.Only(authz.Admin), s.deactivatePersonForm)
	r.Post("/people/:id/end-sessions", api.Only(authz.Admin), s.endSessionsForm)
	r.Post("/people/:id/assist", api.Only(authz.ProgrammeOfficer), s.assistForm)
	r.Post("/assist/stop", api.SignedIn, s.stopAssistingForm)
	r.Post("/challenges/:id/screening", api.Only(authz.ProgrammeOfficer), s.screenChallengeForm)
	r.Get("/screening-criteria", api.Only(authz.ProgrammeOfficer), s.screeningCriteriaPage)
	r.Post("/screening-criteria", api.Only(authz.ProgrammeOfficer), s.addScreeningCriterionForm)
	r.Post("/screening-criteria/:id/retire", api.Only(authz.ProgrammeOfficer), s.retireScreeningCriterionForm)
	r.Get("/rounds", api.Only(authz.ProgrammeOfficer), s.roundsPage)
	r.Post("/rounds", api.Only(authz.ProgrammeOfficer), s.createRoundForm)
	r.Get("/audit", api.Only(authz.Admin, authz.ProgrammeOfficer, authz.ChallengeOwner), s.auditPage)
	r.Get("/reads", api.Only(authz.ProgrammeTeam...), s.readsPage)
	r.Get("/retention", api.Only(authz.ProgrammeTeam...), s.retentionPage)
	r.Post("/retention/periods", api.Only(authz.Admin), s.retentionPeriodsForm)
	r.Post("/legal-holds", api.Only(authz.ProgrammeTeam...), s.placeHoldForm)
	r.Post("/legal-holds/:id/release", api.Only(authz.ProgrammeTeam...), s.releaseHoldForm)
	r.Get("/assessments", api.Only(authz.Assessor), s.yourAssessmentsPage)
	r.Get("/assignments/:id", api.Only(authz.Assessor), s.scoringPage)
	r.Post("/assignments/:id", api.Only(authz.Assessor), s.scoreForm)
	r.Post("/assignments/:id/accept", api.Only(authz.Assessor), s.acceptForm)
	r.Post("/assignments/:id/decline", api.Only(authz.Assessor), s.declineForm)
	r.Get("/interests", api.Only(authz.Declarers...), s.interestsPage)
	r.Post("/interests", api.Only(authz.Declarers...), s.declareInterestForm)
	r.Post("/interests/:id/withdraw", api.Only(authz.Declarers...), s.withdrawInterestForm)
	r.Post("/sign-out", api.Public, s.signOut)
	// Sign-in is rate limited per address, so passwords elsewhere and codes here cannot be
	// hammered through Catalyst.
	limit := api.PerAddress(s.SignInRate, "too-many-sign-ins", "Too many attempts to sign in")
	if s.DevSignIn || s.oidc != nil {
		r.Get("/sign-in", api.Public, s.signInPage)
	}
	if s.DevSignIn {
		r.Post("/sign-in", api.Public, s.signIn, limit)
		r.Post("/sign-in/new", api.Public, s.signInNew, limit)
	}
	if s.oidc != nil {
		r.Get("/sign-in/oidc", api.Public, s.oidcStart, limit)
		r.Get("/sign-in/oidc/callback", api.Public, s.oidcCallback, limit)
	}
}

func (s *Server) render(c echo.Context, status int, name, title, current string, data any) error {
	nav := ui.Nav{SignIn: s.DevSignIn || s.oidc != nil, Current: current}
	if p := api.CurrentPerson(c); p != nil {
		nav.PersonName = p.Name
	}
	if sess := api.CurrentSession(c); sess != nil {
		nav.CSRFToken = sess.CsrfToken
	}
	if a := api.CurrentAssistance(c); a != nil { // signing out signs the helper out
		nav.ActingFor, nav.Helper, nav.PersonName = a.Edges.Person.Name, a.Edges.Helper.Name, a.Edges.Helper.Name
	}
	if v, ok := api.CurrentViewer(c); ok {
		// The navigation offers the pages the routes' own guards let this person open.
		nav.Audit = s.MayOpen(v, "/audit")
		nav.Interests = s.MayOpen(v, "/interests")
		nav.Assessments = s.MayOpen(v, "/assessments")
		nav.Rounds = s.MayOpen(v, "/rounds")
		nav.People = s.MayOpen(v, "/people")
		nav.Figures, nav.Webhooks, nav.Emails = s.MayOpen(v, "/figures"), s.MayOpen(v, "/webhooks"), s.MayOpen(v, "/emails")
		nav.Notices = s.MayOpen(v, "/notices")
		// A supplier may open the contracts list, but finds its contracts with its bids.
		nav.Contracts = s.MayOpen(v, "/contracts") && (v.Has(authz.ProgrammeOfficer) || v.Has(authz.ChallengeOwner) || v.Has(authz.Finance))
		nav.Organisation = s.MayOpen(v, "/organisation")
	}
	// The page is made whole before its status is sent, so a template's error is answered as an
	// error, never as an empty page that says all is well.
	var page bytes.Buffer
	if err := ui.Render(&page, name, ui.Page{Title: title, Nav: nav, Data: data}); err != nil {
		return err
	}
	return c.HTMLBlob(status, page.Bytes())
}

func (s *Server) renderError(c echo.Context, p api.Problem) error {
	return s.render(c, p.Status, "error", p.Title, "", p)
}

type openCompetition struct {
	ChallengeID int
	Title       string
	Phase       int
	ClosesAt    time.Time
}

func (s *Server) startPage(c echo.Context) error {
	figures, err := s.Svc.ProgrammeFigures(c.Request().Context())
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
	api.ChallengeView
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
	rows, err := s.Svc.ListChallenges(ctx, service.Page{Limit: challengesPerPage, Offset: (n - 1) * challengesPerPage}, "")
	if err != nil {
		return err
	}
	rows = rows[:min(len(rows), challengesPerPage)]
	total, err := s.Svc.CountChallenges(ctx)
	if err != nil {
		return err
	}
	v, _ := api.CurrentViewer(c)
	data := struct {
		Rows     []challengeRow
		Queue    []challengeRow // submitted, waiting for the programme's screening
		CanStart bool
		Pager    pager
	}{CanStart: v.Has(authz.ChallengeOwner), Pager: newPager(c, n, challengesPerPage, total, len(rows), "challenges")}
	row := func(ch *ent.Challenge) challengeRow {
		cv := api.ChallengeViewOf(ch)
		return challengeRow{ChallengeView: cv, TagClass: tagClass(cv.Stage)}
	}
	for _, ch := range rows {
		data.Rows = append(data.Rows, row(ch))
	}
	if v.Has(authz.ProgrammeOfficer) {
		queue, err := s.Svc.ListChallenges(ctx, service.Page{Limit: challengesPerPage}, string(domain.ChallengeSubmitted))
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

func timeline(v api.ChallengeView) []timelineItem {
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
		received := "Bids are sealed until then."
		if comp.SubmittedBids != nil {
			received = plural(*comp.SubmittedBids, "bid", "bids") + " received."
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
	id, err := api.PathID(c)
	if err != nil {
		return api.NotFound("challenge", c.Param("id"))
	}
	ctx := c.Request().Context()
	ch, err := s.Svc.Challenge(ctx, id)
	if err != nil {
		return err
	}
	v := api.ChallengeViewFor(ctx, ch)
	data := struct {
		Challenge api.ChallengeView
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
		// Candidates are the colleagues the owner may name as delegates now; Delegated says one
		// was just named or removed.
		Candidates []*ent.Person
		Delegated  string
	}{Challenge: v, TagClass: tagClass(v.Stage), Timeline: timeline(v), Form: form, Decided: c.QueryParam("decided"), Criteria: domain.GateCriteria,
		Delegated: c.QueryParam("delegate")}
	if data.Actions, err = s.Svc.ChallengeActions(ctx, ch); err != nil {
		return err
	}
	if data.Challenge.Delegates, err = s.Delegates(ctx, ch.ID); err != nil {
		return err
	}
	if data.Actions.Allows("delegates") {
		if data.Candidates, err = s.Svc.DelegateCandidates(ctx, ch.ID); err != nil {
			return err
		}
	}
	data.Overview = s.Svc.MayChangeChallenge(ctx, ch.ID) == nil && ch.Stage != domain.ChallengeDraft
	data.GateOpen, data.OutcomeOpen = data.Actions.Allows("gate"), data.Actions.Allows("complete")
	// Only its owner and the programme read the evidence; for anyone else the list is empty.
	if data.Evidence, err = s.Svc.Evidence(ctx, ch.ID); err != nil {
		return err
	}
	if data.Actions.Allows("screen") || data.Actions.Allows("select") {
		if data.Rounds, err = s.Svc.Rounds(ctx); err != nil {
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
	criteria, err := s.Svc.ScreeningCriteria(ctx, false)
	if err != nil {
		return nil, err
	}
	done, err := s.Svc.Screenings(ctx, challengeID)
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
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	criteria, err := s.Svc.ScreeningCriteria(ctx, false)
	if err != nil {
		return err
	}
	form := ui.Form{Values: map[string]string{}}
	// The criteria the page showed are judged; one added since (by someone else, meanwhile) is
	// shown unjudged when the page comes back, rather than refusing what was judged.
	shown := map[string]bool{}
	_ = c.Request().ParseForm()
	for _, id := range c.Request().Form["shown"] {
		shown[id] = true
	}
	var results []domain.ScreeningResult
	var onPage []int // each result's place among the criteria, as the page numbers them
	for i, cr := range criteria {
		if len(shown) > 0 && !shown[strconv.Itoa(cr.ID)] {
			continue
		}
		onPage = append(onPage, i)
		met, note := c.FormValue("met-"+strconv.Itoa(cr.ID)), c.FormValue("note-"+strconv.Itoa(cr.ID))
		form.Values["met-"+strconv.Itoa(cr.ID)], form.Values["note-"+strconv.Itoa(cr.ID)] = met, note
		r := domain.ScreeningResult{CriterionID: cr.ID, Note: note}
		if met == "yes" || met == "no" {
			yes := met == "yes"
			r.Met = &yes
		}
		results = append(results, r)
	}
	err = s.Svc.ScreenChallenge(ctx, id, results)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/challenges/"+strconv.Itoa(id)+"?decided=screened")
	}
	ps := api.ProblemsOf(err)
	if ps == nil {
		return err
	}
	for i := range ps {
		var k int
		if _, err := fmt.Sscanf(ps[i].Field, "results[%d].", &k); err == nil && k < len(onPage) {
			ps[i].Field = strings.Replace(ps[i].Field, fmt.Sprintf("results[%d].", k), fmt.Sprintf("results-%d-", onPage[k]), 1)
		}
		ps[i].Field = strings.ReplaceAll(strings.ReplaceAll(ps[i].Field, "[", "-"), "].", "-")
	}
	form.Problems = ps
	return s.renderChallengePage(c, http.StatusUnprocessableEntity, form)
}

// selectChallengeForm records the programme team's selection or rejection from the
// challenge's page; a refusal shows the page again with what to fix.
// nameDelegateForm names the colleague chosen; a refusal is shown on the challenge's page at
// the choice.
func (s *Server) nameDelegateForm(c echo.Context) error {
	return s.delegateForm(c, s.Svc.NameDelegate, "named")
}

// removeDelegateForm removes a delegate.
func (s *Server) removeDelegateForm(c echo.Context) error {
	return s.delegateForm(c, s.Svc.RemoveDelegate, "removed")
}

func (s *Server) delegateForm(c echo.Context, change func(context.Context, service.Delegate) (*ent.Person, error), done string) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	person := c.FormValue("person_id")
	in := service.Delegate{ChallengeID: id}
	in.PersonID, _ = strconv.Atoi(person)
	if in.PersonID == 0 {
		return s.renderChallengePage(c, http.StatusUnprocessableEntity, ui.Form{Values: map[string]string{"person_id": person},
			Problems: domain.Problems{{Field: "person_id", Message: "Choose the colleague to name"}}})
	}
	_, err = change(c.Request().Context(), in)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/challenges/"+strconv.Itoa(id)+"?delegate="+done+"#delegates")
	}
	ps := api.ProblemsOf(err)
	if ps == nil {
		return err
	}
	return s.renderChallengePage(c, http.StatusUnprocessableEntity, ui.Form{Values: map[string]string{"person_id": person}, Problems: ps})
}

func (s *Server) selectChallengeForm(c echo.Context) error {
	id, err := api.PathID(c)
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
	err = s.Svc.SelectChallenge(c.Request().Context(), in)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/challenges/"+strconv.Itoa(id)+"?decided="+decision)
	}
	ps := api.ProblemsOf(err)
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
		people, err := s.Svc.DevPeople(c.Request().Context())
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
		return api.BadRequest("choose a person to sign in as")
	}
	p, err := s.Svc.DevPerson(c.Request().Context(), email, id)
	if err != nil {
		return err
	}
	if err := s.StartSession(c, p, "dev"); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, s.landing(c, p))
}

// landing is where a person goes after signing in: a supplier with no organisation yet
// registers or joins one first.
func (s *Server) landing(c echo.Context, p *ent.Person) string {
	if s.Svc.NeedsOrganisation(c.Request().Context(), p.ID) {
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
		if p, err := s.Svc.DevPerson(c.Request().Context(), email, 0); err == nil {
			if err := s.StartSession(c, p, "dev"); err != nil {
				return err
			}
			return c.Redirect(http.StatusSeeOther, s.landing(c, p))
		}
	}
	p, err := s.Svc.NewSupplier(c.Request().Context(), c.FormValue("email"), c.FormValue("name"))
	if err != nil {
		if ps := api.ProblemsOf(err); ps != nil {
			return s.renderSignIn(c, http.StatusUnprocessableEntity, ui.Form{Values: map[string]string{"name": c.FormValue("name"), "email": c.FormValue("email")}, Problems: ps})
		}
		return err
	}
	if err := s.StartSession(c, p, "dev"); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/organisation")
}

func (s *Server) signOut(c echo.Context) error {
	if err := s.EndSession(c); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/")
}
