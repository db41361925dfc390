package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/catalyst-sbri/catalyst/api"
	"github.com/catalyst-sbri/catalyst/authz"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/ui"
)

func bidPath(id int, rest ...string) string {
	return "/bids/" + strconv.Itoa(id) + strings.Join(rest, "")
}

// startBidForm makes the organisation's draft in a competition, or finds the one it has.
func (s *Server) startBidForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	b, err := s.Svc.StartBid(c.Request().Context(), id)
	var ps domain.Problems
	if errors.As(err, &ps) && ps.For("organisation_id") != "" {
		return c.Redirect(http.StatusSeeOther, "/organisation?for="+strconv.Itoa(id))
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, bidPath(b.ID))
}

// bidPageData is what every page of one bid shows about it.
type bidPageData struct {
	// SubmitKey is the check-answers form's key for its submit (submit_key.go).
	SubmitKey string
	Bid       *ent.Bid
	Comp      *ent.Competition
	Title     string // the challenge's
	Deadline  time.Time
	Tasks     []domain.BidTask
	Missing   domain.Problems
	Content   domain.BidContent
	// Why the bid cannot be changed now, if it cannot.
	Locked      error
	CanReopen   bool
	CanWithdraw bool
	// A submitted bid the questions changed under, still to confirm before the deadline.
	NeedsConfirm bool
	Done         string
	// Once feedback is released: each criterion with what each assessor said.
	Feedback []criterionFeedback
	Released bool
	// ReadBy is who outside the supplier read the bid, its documents and scores: its supplier's
	// to see (Yours), once submitted.
	ReadBy []api.ReadView
	Yours  bool
}

// criterionFeedback is one criterion's scores and comments, assessors numbered 1…n.
type criterionFeedback struct {
	Title    string
	Max      int
	PassFail bool
	Comments []assessorComment
}

type assessorComment struct {
	Assessor string
	Score    int
	Pass     string
	Comment  string
}

func (s *Server) bidData(c echo.Context) (bidPageData, error) {
	id, err := api.PathID(c)
	if err != nil {
		return bidPageData{}, err
	}
	b, err := s.Svc.Bid(c.Request().Context(), id)
	if err != nil {
		return bidPageData{}, err
	}
	comp, err := s.Svc.Competition(c.Request().Context(), b.CompetitionID)
	if err != nil {
		return bidPageData{}, err
	}
	now := time.Now()
	d := bidPageData{Bid: b, Comp: comp, Title: comp.Edges.Challenge.Title, Deadline: service.DeadlineFor(comp, b.OrganisationID),
		Content: service.ContentOf(b), Done: c.QueryParam("done")}
	d.Tasks = d.Content.Tasks(service.RulesOf(comp))
	d.Missing = d.Content.Missing(service.RulesOf(comp))
	d.Locked = b.Status.CheckChange(comp.Status, d.Deadline, now)
	actions := service.BidActions(b, comp, now)
	d.CanReopen, d.CanWithdraw, d.NeedsConfirm = actions.Allows("reopen"), actions.Allows("withdraw"), actions.Allows("confirm")
	return d, nil
}

// bidPage is the bid's task list, or, once sealed, where it stands.
func (s *Server) bidPage(c echo.Context) error {
	d, err := s.bidData(c)
	if err != nil {
		return err
	}
	if d.Released = service.FeedbackVisible(c.Request().Context(), d.Comp) && d.Comp.FeedbackReleasedAt != nil; d.Released && d.Bid.Status != domain.BidIneligible {
		f, err := s.Svc.Feedback(c.Request().Context(), d.Bid.ID)
		if err != nil {
			return err
		}
		for _, q := range d.Comp.Scheme.Criteria {
			cf := criterionFeedback{Title: q.Title, Max: q.MaxScore(), PassFail: q.PassFail}
			for i, a := range f.Assessments {
				ac := assessorComment{Assessor: "Assessor " + strconv.Itoa(i+1)}
				if q.PassFail {
					p := a.PassFail[q.Key]
					ac.Pass, ac.Comment = map[bool]string{true: "Pass", false: "Fail"}[p.Pass], p.Comment
				} else {
					ac.Score, ac.Comment = a.Scores[q.Key].Score, a.Scores[q.Key].Comment
				}
				cf.Comments = append(cf.Comments, ac)
			}
			d.Feedback = append(d.Feedback, cf)
		}
	}
	v, _ := api.CurrentViewer(c)
	if d.Yours = v.Has(authz.Supplier) && v.OrganisationID == d.Bid.OrganisationID; d.Yours && d.Bid.Status != domain.BidDraft {
		reads, err := s.Svc.WhoReadYourBid(c.Request().Context(), d.Bid.ID)
		if err != nil {
			return err
		}
		for _, r := range reads {
			d.ReadBy = append(d.ReadBy, api.ReadViewOf(r))
		}
	}
	return s.render(c, http.StatusOK, "bid", d.Title+": your bid", "bids", d)
}

// bidTaskData is one task's page.
type bidTaskData struct {
	bidPageData
	Task     domain.BidTask
	Form     ui.Form
	Version  int
	Saved    bool
	Conflict string
	Theirs   ui.Form // the version someone else saved, shown beside the supplier's own
	Rows     []int   // milestone rows
	Fields   []string
	Docs     []*ent.Document // the task's appendices or supporting documents
	Months   int
}

func (s *Server) bidTask(c echo.Context) (bidTaskData, error) {
	d, err := s.bidData(c)
	if err != nil {
		return bidTaskData{}, err
	}
	key := c.Param("task")
	t, ok := d.Content.Task(service.RulesOf(d.Comp), key)
	if !ok {
		return bidTaskData{}, api.NotFound("task", key)
	}
	out := bidTaskData{bidPageData: d, Task: t, Version: d.Bid.TaskSaves[key].Version, Months: domain.PhaseTermMonths(d.Comp.Phase)}
	for _, f := range domain.Fields {
		out.Fields = append(out.Fields, string(f))
	}
	q, _ := domain.QuestionOfTask(key)
	for _, doc := range d.Bid.Edges.Documents {
		if doc.QuestionKey == q {
			out.Docs = append(out.Docs, doc)
		}
	}
	out.Form = taskValues(d.Content, key)
	out.Rows = milestoneRows(out.Form)
	return out, nil
}

// taskValues are a task's saved answers as its form shows them.
func taskValues(b domain.BidContent, key string) ui.Form {
	f := ui.Form{Values: map[string]string{}, Multi: map[string][]string{}}
	switch key {
	case domain.TaskAbout:
		f.Values["title"], f.Values["summary"] = b.Title, b.Summary
		f.Multi["fields"] = b.Fields
	case domain.TaskFinances:
		f.Values["price"] = ui.MoneyValue(b.NetPrice)
		f.Values["vat_rate"] = strconv.Itoa(int(b.VATRate))
	case domain.TaskMilestones:
		for i, m := range b.Milestones {
			n := strconv.Itoa(i + 1)
			f.Values["milestone-"+n+"-deliverable"], f.Values["milestone-"+n+"-success_criteria"] = m.Deliverable, m.SuccessCriteria
			f.Values["milestone-"+n+"-month"], f.Values["milestone-"+n+"-amount"] = monthValue(m.Month), ui.MoneyValue(m.Amount)
		}
		f.Values["count"] = strconv.Itoa(max(1, len(b.Milestones)))
	case domain.TaskDeclarations:
		for k, v := range b.Declarations {
			f.Values["declaration-"+k] = map[bool]string{true: "yes", false: "no"}[v]
		}
	default:
		if q, ok := domain.QuestionOfTask(key); ok {
			f.Values["answer-"+q] = b.Answers[q]
		}
	}
	return f
}

func monthValue(m int) string {
	if m == 0 {
		return ""
	}
	return strconv.Itoa(m)
}

func milestoneRows(f ui.Form) []int {
	n, _ := strconv.Atoi(f.Values["count"])
	n = min(max(n, 1), domain.MaxMilestones)
	rows := make([]int, n)
	for i := range rows {
		rows[i] = i + 1
	}
	return rows
}

func (s *Server) bidTaskPage(c echo.Context) error {
	t, err := s.bidTask(c)
	if err != nil {
		return err
	}
	t.Saved = c.QueryParam("saved") != ""
	if n, _ := strconv.Atoi(c.QueryParam("count")); n > len(t.Rows) {
		t.Form.Values["count"] = strconv.Itoa(n)
		t.Rows = milestoneRows(t.Form)
	}
	if t.Saved {
		t.Form.Problems = t.Task.Problems
	}
	return s.renderBidTask(c, http.StatusOK, t)
}

func (s *Server) renderBidTask(c echo.Context, status int, t bidTaskData) error {
	return s.render(c, status, "bid_task", t.Form.Title(t.Task.Title+": "+t.Title), "bids", t)
}

// readTask reads a task's form into the answers the service takes, keeping what was typed.
func readTask(c echo.Context, key string) (service.BidAnswers, ui.Form, domain.Problems) {
	f := ui.Form{Values: map[string]string{}, Multi: map[string][]string{}}
	var in service.BidAnswers
	var ps domain.Problems
	text := func(name string) string {
		f.Values[name] = c.FormValue(name)
		return f.Values[name]
	}
	switch key {
	case domain.TaskAbout:
		title, summary := text("title"), text("summary")
		form, _ := c.FormParams()
		fields := form["fields"]
		f.Multi["fields"] = fields
		in.Title, in.Summary, in.Fields = &title, &summary, &fields
	case domain.TaskFinances:
		price := formMoney(c, f, &ps, "price")
		in.NetPricePence = &price
		if r, err := strconv.Atoi(text("vat_rate")); err == nil {
			in.VATRate = &r
		} else {
			ps.Add("vat_rate", "Choose the VAT rate you charge")
		}
	case domain.TaskMilestones:
		n, _ := strconv.Atoi(text("count"))
		n = min(max(n, 1), domain.MaxMilestones)
		for i := 1; i <= n; i++ {
			for _, part := range milestoneParts {
				text(fmt.Sprintf("milestone-%d-%s", i, part))
			}
		}
		in, ps = milestonesOf(f, n)
	case domain.TaskDeclarations:
		in.Declarations = map[string]bool{}
		form, _ := c.FormParams()
		for name := range form {
			if k, ok := strings.CutPrefix(name, "declaration-"); ok {
				switch text(name) {
				case "yes":
					in.Declarations[k] = true
				case "no":
					in.Declarations[k] = false
				}
			}
		}
	default:
		if q, ok := domain.QuestionOfTask(key); ok {
			in.Answers = map[string]string{q: text("answer-" + q)}
		}
	}
	return in, f, ps
}

// bidTaskForm saves one task. "Save and come back later" returns to the task list whatever
// the task still needs; "Save and continue" stays on the task while it still needs something.
// With JavaScript the same form is sent in the background as the supplier types (autosave=1),
// and answered in JSON.
func (s *Server) bidTaskForm(c echo.Context) error {
	t, err := s.bidTask(c)
	if err != nil {
		return err
	}
	auto := c.FormValue("autosave") == "1"
	in, form, ps := readTask(c, t.Task.Key)
	then := c.FormValue("then")
	if t.Task.Key == domain.TaskMilestones {
		n := len(milestoneRows(form))
		switch {
		case then == "add" && n < domain.MaxMilestones:
			n++
		case strings.HasPrefix(then, "remove-"):
			if i, _ := strconv.Atoi(strings.TrimPrefix(then, "remove-")); i >= 1 && i <= n && n > 1 {
				removeRow(form, i, n)
				n--
				in, ps = milestonesOf(form, n)
			}
		}
		form.Values["count"] = strconv.Itoa(n)
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	t.Form, t.Version = form, version
	t.Rows = milestoneRows(form)
	if len(ps) > 0 {
		if auto {
			return c.JSON(http.StatusUnprocessableEntity, map[string]any{"saved": false, "message": "Not saved: " + ps[0].Message})
		}
		t.Form.Problems = ps
		return s.renderBidTask(c, http.StatusUnprocessableEntity, t)
	}
	b, err := s.Svc.SaveBidTask(c.Request().Context(), service.SaveBidTask{BidID: t.Bid.ID, Task: t.Task.Key, Version: version, BidAnswers: in})
	var refusal *service.Refusal
	switch {
	case errors.As(err, &refusal) && refusal.Kind == service.Stale:
		if auto {
			return c.JSON(http.StatusPreconditionFailed, map[string]any{"saved": false, "message": "Not saved: " + refusal.Detail + ". Save the page to see both versions."})
		}
		// Show theirs beside what this supplier typed, which stays in the form, unsaved: the
		// next save is made knowing both.
		t.Conflict = refusal.Detail
		t.Theirs = taskValues(t.Content, t.Task.Key)
		t.Version = t.Bid.TaskSaves[t.Task.Key].Version
		return s.renderBidTask(c, http.StatusConflict, t)
	case errors.As(err, &ps):
		if auto {
			return c.JSON(http.StatusUnprocessableEntity, map[string]any{"saved": false, "message": "Not saved: " + ps[0].Message})
		}
		t.Form.Problems = ps
		return s.renderBidTask(c, http.StatusUnprocessableEntity, t)
	case err != nil:
		return err
	}
	saved := b.TaskSaves[t.Task.Key]
	if auto {
		return c.JSON(http.StatusOK, map[string]any{"saved": true, "version": saved.Version,
			"message": "Saved at " + saved.At.In(domain.London).Format("3:04pm")})
	}
	task, _ := service.ContentOf(b).Task(service.RulesOf(t.Comp), t.Task.Key)
	switch {
	case then == "add" || strings.HasPrefix(then, "remove-"):
		return c.Redirect(http.StatusSeeOther, bidPath(b.ID, "/tasks/", t.Task.Key, "?count=", form.Values["count"]))
	case then == "continue" && len(task.Problems) > 0:
		return c.Redirect(http.StatusSeeOther, bidPath(b.ID, "/tasks/", t.Task.Key, "?saved=1"))
	}
	return c.Redirect(http.StatusSeeOther, bidPath(b.ID, "?done=saved"))
}

// removeRow drops milestone row i of n from the form, moving the rows after it up.
func removeRow(f ui.Form, i, n int) {
	for r := i; r < n; r++ {
		for _, p := range milestoneParts {
			f.Values[fmt.Sprintf("milestone-%d-%s", r, p)] = f.Values[fmt.Sprintf("milestone-%d-%s", r+1, p)]
		}
	}
	for _, p := range milestoneParts {
		delete(f.Values, fmt.Sprintf("milestone-%d-%s", n, p))
	}
}

// milestoneParts are the fields of one milestone's row.
var milestoneParts = []string{"deliverable", "success_criteria", "month", "amount"}

// milestonesOf reads the first n milestone rows of a form; a row left wholly blank is not a
// milestone.
func milestonesOf(f ui.Form, n int) (service.BidAnswers, domain.Problems) {
	var ps domain.Problems
	var ms []domain.Milestone
	for i := 1; i <= n; i++ {
		p := "milestone-" + strconv.Itoa(i) + "-"
		m := domain.Milestone{Deliverable: f.Values[p+"deliverable"], SuccessCriteria: f.Values[p+"success_criteria"]}
		if v := strings.TrimSpace(f.Values[p+"amount"]); v != "" {
			a, err := domain.ParseMoney(v)
			if err != nil {
				ps = append(ps, domain.ProblemWith(p+"amount", err))
			}
			m.Amount = a
		}
		if v := strings.TrimSpace(f.Values[p+"month"]); v != "" {
			if m.Month, _ = strconv.Atoi(v); m.Month == 0 {
				ps.Add(p+"month", "Enter the month of milestone %d as a number, such as 2", i)
			}
		}
		if m.Deliverable != "" || m.SuccessCriteria != "" || m.Amount != 0 || m.Month != 0 {
			ms = append(ms, m)
		}
	}
	return service.BidAnswers{Milestones: &ms}, ps
}

// bidUploadForm adds a supporting document, or an appendix to a question's answer.
func (s *Server) bidUploadForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	task := c.FormValue("task")
	back := bidPath(id, "/tasks/", task)
	question, _ := domain.QuestionOfTask(task)
	refused := func(err error) error {
		t, terr := s.bidTask(withParam(c, "task", task))
		if terr != nil {
			return terr
		}
		t.Form.Problems = domain.Problems{domain.ProblemWith("file", err)}
		return s.renderBidTask(c, http.StatusUnprocessableEntity, t)
	}
	if err := s.Svc.MayChangeBid(ctx, id); err != nil {
		return err
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return refused(errors.New("Choose a file to upload"))
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = s.Svc.UploadDocument(ctx, service.UploadDocument{BidID: id, Question: question, Filename: api.SentFilename(fh.Header, fh.Filename), Content: f})
	if p, ok := api.ToProblem(err); ok && p.Status < 500 {
		return refused(errors.New(p.Detail))
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, back+"?uploaded=1")
}

// withParam is the request with one path parameter set, for a handler that renders another's page.
func withParam(c echo.Context, name, value string) echo.Context {
	names, values := c.ParamNames(), c.ParamValues()
	c.SetParamNames(append(names, name)...)
	c.SetParamValues(append(values, value)...)
	return c
}

// removeDocumentForm takes a document off a draft bid.
func (s *Server) removeDocumentForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	d, err := s.Svc.RemoveDocument(c.Request().Context(), id)
	if err != nil {
		return err
	}
	task := domain.TaskDocuments
	if d.QuestionKey != "" {
		task = domain.QuestionTask(d.QuestionKey)
	}
	return c.Redirect(http.StatusSeeOther, bidPath(*d.BidID, "/tasks/", task))
}

// bidCheckPage is "check your answers": every task's answers, each with a link to change it,
// and what still stops the bid being submitted.
func (s *Server) bidCheckPage(c echo.Context) error {
	d, err := s.bidData(c)
	if err != nil {
		return err
	}
	d.SubmitKey = newSubmitKey()
	return s.render(c, http.StatusOK, "bid_check", "Check your answers: "+d.Title, "bids", d)
}

func (s *Server) submitBidForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	_, err = s.Svc.SubmitBid(c.Request().Context(), id)
	var ps domain.Problems
	if errors.As(err, &ps) {
		d, derr := s.bidData(c)
		if derr != nil {
			return derr
		}
		d.SubmitKey = newSubmitKey()
		return s.render(c, http.StatusUnprocessableEntity, "bid_check", "Error: Check your answers: "+d.Title, "bids", d)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, bidPath(id, "/submitted"))
}

// bidSubmittedPage is the confirmation panel: the receipt number, the server's receipt time in
// UK time, and the SHA-256 of what was sealed.
func (s *Server) bidSubmittedPage(c echo.Context) error {
	d, err := s.bidData(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "bid_submitted", "Bid submitted: "+d.Title, "bids", d)
}

// downloadReceipt gives the receipt as a file to keep.
func (s *Server) downloadReceipt(c echo.Context) error {
	r, err := s.ReceiptFor(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="receipt-%s.json"`, r.Receipt))
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return c.JSONPretty(http.StatusOK, r, "  ")
}

func (s *Server) reopenBidForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	if _, err := s.Svc.ReopenBid(c.Request().Context(), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, bidPath(id, "?done=reopened"))
}

func (s *Server) withdrawBidForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	if _, err := s.Svc.WithdrawBid(c.Request().Context(), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, bidPath(id, "?done=withdrawn"))
}

// verifyPageData is the receipt check's page.
type verifyPageData struct {
	Form   ui.Form
	Result *service.Verification
}

func (s *Server) verifyReceiptPage(c echo.Context) error {
	return s.render(c, http.StatusOK, "receipt_verify", "Check a receipt", "bids", verifyPageData{Form: ui.Form{Values: map[string]string{}}})
}

// verifyReceiptForm takes a receipt's number and hash, typed or from the receipt file, and says
// whether the sealed bid still matches it.
func (s *Server) verifyReceiptForm(c echo.Context) error {
	d := verifyPageData{Form: ui.Form{Values: map[string]string{"receipt": c.FormValue("receipt"), "content_hash": c.FormValue("content_hash")}}}
	if r, chosen, err := receiptFile(c); chosen {
		if err != nil {
			d.Form.Problems = domain.Problems{{Field: "file", Message: "The file is not a Catalyst receipt: choose the receipt file you downloaded, or type its number and SHA-256"}}
			return s.render(c, http.StatusUnprocessableEntity, "receipt_verify", "Error: Check a receipt", "bids", d)
		}
		d.Form.Values["receipt"], d.Form.Values["content_hash"] = r.Receipt, r.ContentHash
	}
	v, err := s.Svc.VerifyReceipt(c.Request().Context(), d.Form.Values["receipt"], d.Form.Values["content_hash"])
	if errors.As(err, &d.Form.Problems) {
		return s.render(c, http.StatusUnprocessableEntity, "receipt_verify", "Error: Check a receipt", "bids", d)
	}
	if err != nil {
		return err
	}
	d.Result = &v
	return s.render(c, http.StatusOK, "receipt_verify", "Check a receipt", "bids", d)
}
