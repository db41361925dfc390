package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The text a supplier writes in a bid, beyond its title and summary.
var (
	BidAnswer              = Text{Field: "answer", Label: "the answer", Max: 30000, MultiLine: true, Optional: true}
	MilestoneDeliverable   = Text{Field: "deliverable", Label: "the deliverable", Max: 500, MultiLine: true, Optional: true}
	MilestoneSuccess       = Text{Field: "success_criteria", Label: "the success criteria", Max: 1000, MultiLine: true, Optional: true}
	MaxMilestones          = 12
	bidTaskTitles          = map[string]string{TaskAbout: "About your project", TaskFinances: "Finances", TaskMilestones: "Payment milestones", TaskDeclarations: "Declarations", TaskDocuments: "Supporting documents"}
	questionTaskPrefix     = "question-"
	vatRates               = []VATRate{StandardVAT, 500, 0}
	phaseTermMonthsByPhase = map[int]int{1: 3, 2: 12}
)

// The tasks of a bid other than its questions, in the order the task list shows them.
const (
	TaskAbout        = "about"
	TaskFinances     = "finances"
	TaskMilestones   = "milestones"
	TaskDeclarations = "declarations"
	TaskDocuments    = "documents"
)

// QuestionTask is the task that answers one scored question.
func QuestionTask(key string) string { return questionTaskPrefix + key }

// QuestionOfTask is the question a task answers, if it is a question's task.
func QuestionOfTask(task string) (string, bool) {
	key, ok := strings.CutPrefix(task, questionTaskPrefix)
	if !ok {
		return "", false
	}
	return key, true
}

// VATRates are the rates a supplier may charge: standard, reduced and zero (or not registered).
func VATRates() []VATRate { return slices.Clone(vatRates) }

// Label is the rate as a person reads it.
func (r VATRate) Label() string {
	if r == 0 {
		return "0% (zero-rated, exempt or not VAT registered)"
	}
	return fmt.Sprintf("%d%%", int(r)/100)
}

// Valid says whether a supplier may charge the rate.
func (r VATRate) Valid() bool { return slices.Contains(vatRates, r) }

// PhaseTermMonths is how many months a phase's contract runs: phase 1's twelve weeks are paid
// over three months, phase 2 over twelve.
func PhaseTermMonths(phase int) int {
	if m, ok := phaseTermMonthsByPhase[phase]; ok {
		return m
	}
	return 12
}

// Milestone is one payment a bid proposes: what is delivered, how its success is judged, the
// month of the contract it falls due in, and its amount net of VAT.
type Milestone struct {
	Deliverable     string `json:"deliverable"`
	SuccessCriteria string `json:"success_criteria"`
	Month           int    `json:"month"`
	Amount          Money  `json:"amount_pence"`
}

// BidContent is what a supplier writes in a bid, task by task.
type BidContent struct {
	Title, Summary string
	Fields         []string
	Answers        map[string]string // by question key
	NetPrice       Money
	VATRate        VATRate
	PriceGiven     bool // the finances task was saved with a price
	Milestones     []Milestone
	Declarations   map[string]bool // by pass or fail question key: true is "yes"
	Documents      int
	VirusFound     []string // the names of its documents the scanner found a virus in
}

// Total is the price including VAT: what the contract would be worth.
func (c BidContent) Total() Money { return GrossFromNet(c.NetPrice, c.VATRate) }

// VAT is the VAT on the price.
func (c BidContent) VAT() Money { return c.Total() - c.NetPrice }

// BidRules are what a competition asks of every bid in it.
type BidRules struct {
	Scheme      Scheme
	MaxContract Money
	Phase       int
}

// BidTask is one part of a bid with its status and what it still needs.
type BidTask struct {
	Key, Title string
	Status     TaskStatus
	Problems   Problems
	Optional   bool
	Question   *Question // a question's task
}

// Tasks lists the bid's parts in order, each with its status and what it still needs before the
// bid can be submitted: about the project, one per scored question, finances, payment
// milestones, declarations (the pass or fail questions, if any) and supporting documents.
func (c BidContent) Tasks(r BidRules) []BidTask {
	status := func(started bool, ps Problems) TaskStatus {
		switch {
		case !started:
			return TaskNotStarted
		case len(ps) > 0:
			return TaskInProgress
		}
		return TaskCompleted
	}
	about := c.checkAbout()
	out := []BidTask{{Key: TaskAbout, Status: status(c.Title != "" || c.Summary != "" || len(c.Fields) > 0, about), Problems: about}}
	for _, q := range r.Scheme.Criteria {
		if q.PassFail {
			continue
		}
		ps := c.CheckAnswer(q)
		out = append(out, BidTask{Key: QuestionTask(q.Key), Title: q.Title, Status: status(c.Answers[q.Key] != "", ps), Problems: ps, Question: &q})
	}
	fin := c.CheckFinances(r)
	out = append(out, BidTask{Key: TaskFinances, Status: status(c.PriceGiven, fin), Problems: fin})
	ms := c.CheckMilestones(r)
	out = append(out, BidTask{Key: TaskMilestones, Status: status(len(c.Milestones) > 0, ms), Problems: ms})
	if slices.ContainsFunc(r.Scheme.Criteria, func(q Criterion) bool { return q.PassFail }) {
		ds := c.CheckDeclarations(r.Scheme)
		out = append(out, BidTask{Key: TaskDeclarations, Status: status(len(c.Declarations) > 0, ds), Problems: ds})
	}
	docs := BidTask{Key: TaskDocuments, Status: TaskNotStarted, Optional: true}
	if c.Documents > 0 {
		docs.Status = TaskCompleted
	}
	for _, name := range c.VirusFound {
		docs.Problems.Add("file", "Remove %s: a virus was found in it", name)
		docs.Status = TaskInProgress
	}
	out = append(out, docs)
	for i := range out {
		if out[i].Title == "" {
			out[i].Title = bidTaskTitles[out[i].Key]
		}
	}
	return out
}

// Task finds one of the bid's tasks by its key.
func (c BidContent) Task(r BidRules, key string) (BidTask, bool) {
	for _, t := range c.Tasks(r) {
		if t.Key == key {
			return t, true
		}
	}
	return BidTask{}, false
}

// Missing is every problem that stops the bid being submitted, task by task.
func (c BidContent) Missing(r BidRules) Problems {
	var ps Problems
	for _, t := range c.Tasks(r) {
		ps = append(ps, t.Problems...)
	}
	return ps
}

func (c BidContent) checkAbout() Problems {
	var ps Problems
	if c.Title == "" {
		ps.Add("title", "Enter a title for your project")
	}
	if c.Summary == "" {
		ps.Add("summary", "Enter a summary of your project")
	}
	if len(c.Fields) == 0 {
		ps.Add("fields", "Choose at least one field your project is in")
	}
	CheckFields(c.Fields, &ps)
	return ps
}

// CheckAnswer names what is wrong with the answer to a question: missing, or over its word
// limit (counted as CountWords counts, the same as the page's counter).
func (c BidContent) CheckAnswer(q Question) Problems {
	var ps Problems
	field := "answer-" + q.Key
	a := c.Answers[q.Key]
	switch n := CountWords(a); {
	case a == "":
		ps.Add(field, "Answer the question %q", q.Title)
	case q.WordLimit > 0 && n > q.WordLimit:
		ps.Add(field, "Your answer to %q has %d words: it must be %d words or fewer, so cut %d", q.Title, n, q.WordLimit, n-q.WordLimit)
	}
	return ps
}

// CheckFinances names what is wrong with the price: missing, or, with VAT, above the
// competition's maximum per contract.
func (c BidContent) CheckFinances(r BidRules) Problems {
	var ps Problems
	switch {
	case !c.PriceGiven || c.NetPrice <= 0:
		ps.Add("price", "Enter your price for the work, not including VAT, more than £0")
	case !c.VATRate.Valid():
		ps.Add("vat_rate", "Choose the VAT rate you charge")
	}
	if over, ok := AboveMaximum(c.Total(), r.MaxContract); ok && len(ps) == 0 {
		ps.Add("price", "Your price with VAT is %s, above this competition's maximum of %s per contract, VAT included: lower it by %s",
			c.Total(), r.MaxContract, over)
	}
	return ps
}

// CheckMilestones names what is wrong with the payment milestones: each needs a deliverable,
// success criteria, a month within the phase's term and an amount; together they must come to
// the price, net of VAT.
func (c BidContent) CheckMilestones(r BidRules) Problems {
	var ps Problems
	if len(c.Milestones) == 0 {
		ps.Add("milestones", "Add at least one payment milestone")
		return ps
	}
	if len(c.Milestones) > MaxMilestones {
		ps.Add("milestones", "A bid may have up to %d payment milestones, not %d", MaxMilestones, len(c.Milestones))
	}
	term := PhaseTermMonths(r.Phase)
	var sum Money
	for i, m := range c.Milestones {
		n := i + 1
		if m.Deliverable == "" {
			ps.Add(fmt.Sprintf("milestone-%d-deliverable", n), "Say what milestone %d delivers", n)
		}
		if m.SuccessCriteria == "" {
			ps.Add(fmt.Sprintf("milestone-%d-success_criteria", n), "Say how the success of milestone %d will be judged", n)
		}
		if m.Month < 1 || m.Month > term {
			ps.Add(fmt.Sprintf("milestone-%d-month", n), "Milestone %d must fall due in a month from 1 to %d of the contract", n, term)
		}
		if m.Amount <= 0 {
			ps.Add(fmt.Sprintf("milestone-%d-amount", n), "Enter the amount of milestone %d, more than £0", n)
		}
		sum += m.Amount
	}
	if len(ps) == 0 && c.PriceGiven && sum != c.NetPrice {
		diff := sum - c.NetPrice
		how := fmt.Sprintf("%s too much", diff)
		if diff < 0 {
			how = fmt.Sprintf("%s short", -diff)
		}
		ps.Add("milestones", "Your milestones add up to %s but your price is %s, not including VAT: they must add up to the price (%s)", sum, c.NetPrice, how)
	}
	if len(ps) == 0 && !c.PriceGiven {
		ps.Add("milestones", "Enter your price in Finances first: the milestones must add up to it")
	}
	return ps
}

// CheckDeclarations names each pass or fail question the bid has not answered.
func (c BidContent) CheckDeclarations(s Scheme) Problems {
	var ps Problems
	for _, q := range s.Criteria {
		if _, ok := c.Declarations[q.Key]; q.PassFail && !ok {
			ps.Add("declaration-"+q.Key, "Answer yes or no: %s", firstNonEmpty(q.Text, q.Title))
		}
	}
	return ps
}

// PassFailUnanswered are the titles of the pass or fail questions the bid leaves unanswered, for
// the eligibility check.
func (c BidContent) PassFailUnanswered(s Scheme) []string {
	var out []string
	for _, q := range s.Criteria {
		if _, ok := c.Declarations[q.Key]; q.PassFail && !ok {
			out = append(out, q.Title)
		}
	}
	return out
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// CountWords counts words as GOV.UK Frontend's character count does in word mode: runs of
// characters that are not JavaScript white space (/\S+/g). A page and the server count alike.
func CountWords(s string) int {
	n, in := 0, false
	for _, r := range s {
		if jsSpace(r) {
			in = false
			continue
		}
		if !in {
			n++
		}
		in = true
	}
	return n
}

// jsSpace is JavaScript's \s: its WhiteSpace and LineTerminator characters.
func jsSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

// CheckReopen says whether a supplier may take a submitted (or withdrawn) bid back to a draft
// at the instant now: only before its deadline; it must then be submitted again.
func (s BidStatus) CheckReopen(comp CompetitionStatus, deadline, now time.Time) error {
	if s != BidSubmitted && s != BidWithdrawn {
		return refuse("bid", "reopen", string(s), "only a submitted or withdrawn bid can be reopened")
	}
	if !AcceptsBids(comp, deadline, now) {
		return &TransitionError{Record: "bid", Action: "reopen", From: string(s), Kind: ErrCompetitionClosed,
			Reason: fmt.Sprintf("the deadline was %s (UK time), and nothing about a bid changes after it", FormatTime(deadline))}
	}
	return nil
}

// CheckWithdraw says whether a supplier may withdraw its bid at the instant now: a draft or a
// submitted bid, before its deadline.
func (s BidStatus) CheckWithdraw(comp CompetitionStatus, deadline, now time.Time) error {
	if s != BidSubmitted && s != BidDraft {
		return refuse("bid", "withdraw", string(s), "only a draft or submitted bid can be withdrawn")
	}
	if !AcceptsBids(comp, deadline, now) {
		return &TransitionError{Record: "bid", Action: "withdraw", From: string(s), Kind: ErrCompetitionClosed,
			Reason: fmt.Sprintf("the deadline was %s (UK time): after it, bids are assessed as they were sealed", FormatTime(deadline))}
	}
	return nil
}

// TaskSave is the last save of one task of a bid: each save counts up its version, and a save
// made against an older version is refused, so that two people of one organisation never
// silently overwrite each other's words.
type TaskSave struct {
	Version int       `json:"version"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
}

// CheckAppendix says whether a file may be an appendix to a question's answer: the question
// allows appendices, of this kind, and no larger than its limit. The kind is the one its name
// says: the document store has already refused a file whose content disagrees
// (CheckDocumentContent).
func CheckAppendix(q Question, filename string, size int64) error {
	if len(q.AppendixTypes) == 0 {
		return Problems{{Field: "file", Message: fmt.Sprintf("The question %q does not take appendices", q.Title)}}
	}
	k, err := DocumentKindByName(filename)
	ok := err == nil && slices.ContainsFunc(q.AppendixTypes, func(t string) bool { return slices.Contains(k.Extensions, "."+t) })
	if !ok {
		return Problems{{Field: "file", Message: fmt.Sprintf("An appendix to %q must be %s: this file is not", q.Title, strings.Join(q.AppendixTypes, ", "))}}
	}
	if limit := int64(q.AppendixMB) << 20; q.AppendixMB > 0 && size > limit {
		return Problems{{Field: "file", Message: fmt.Sprintf("An appendix to %q must be %d MB or smaller: this file is %.1f MB", q.Title, q.AppendixMB, float64(size)/(1<<20))}}
	}
	return nil
}
