package service

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/ent/milestone"
	"github.com/catalyst-sbri/catalyst/records"
)

// A draft bid written task by task: BidAnswers kept as typed with what each task still needs
// from domain.BidContent, each task's version for the edit conflict check, reopen and withdraw, a
// supplier's own bids and what is due next. DueNext derives each item from the bid's and its
// contract's own state (the contract to accept, each milestone's deliverable with the contract's
// VAT-inclusive amount and due day, or its review or payment waited for, the progress update, the
// report, the show-and-tell, the gate), each linking to where it is done and marked as the
// supplier's to do or waited on; StandingOf groups the list into needs you now, waiting on
// others and finished, and Stages is the timeline.

// BidAnswers is what a supplier writes in a bid. A nil field is left as it is; a field given is
// checked for what can never be stored (text too long or unreadable, an unknown question, a
// negative amount) and otherwise kept as typed, so nothing written is lost: what still stops the
// bid being submitted (a missing answer, a word limit, milestones not adding up) is shown task
// by task, and checked again when it is submitted.
type BidAnswers struct {
	Title, Summary *string
	Fields         *[]string
	Answers        map[string]string // by scored question key
	NetPricePence  *int64
	VATRate        *int // in basis points: 2000 is 20%
	Milestones     *[]domain.Milestone
	Declarations   map[string]bool // by pass or fail question key
}

// RulesOf is what a competition asks of every bid in it.
func RulesOf(c *ent.Competition) domain.BidRules {
	return domain.BidRules{Scheme: c.Scheme, MaxContract: c.MaxContract, Phase: c.Phase}
}

// ContentOf is a bid's content as the domain checks it; its documents count when loaded.
func ContentOf(b *ent.Bid) domain.BidContent {
	return domain.BidContent{
		Title: b.Title, Summary: b.Summary, Fields: b.Fields, Answers: b.Answers,
		NetPrice: b.NetPrice, VATRate: b.VatRate, PriceGiven: b.PriceGiven, Milestones: b.Milestones,
		Declarations: b.Declarations, Documents: len(b.Edges.Documents), VirusFound: virusFound(b.Edges.Documents),
	}
}

// virusFound names the documents the scanner found a virus in.
func virusFound(docs []*ent.Document) []string {
	var out []string
	for _, d := range docs {
		if d.VirusCheck == domain.CheckVirusFound {
			out = append(out, d.Filename)
		}
	}
	return out
}

// apply writes the answers given onto the bid's content, adding a problem for each that can
// never be stored.
func (in BidAnswers) apply(c *domain.BidContent, scheme domain.Scheme, ps *domain.Problems) {
	if in.Title != nil {
		title := domain.BidTitle
		title.Optional = true // a draft may be saved before it is named
		c.Title = title.CleanAll(*in.Title, ps)
	}
	if in.Summary != nil {
		c.Summary = domain.BidSummary.CleanAll(*in.Summary, ps)
	}
	if in.Fields != nil {
		domain.CheckFields(*in.Fields, ps)
		c.Fields = slices.Clone(*in.Fields)
	}
	if len(in.Answers) > 0 {
		answers := map[string]string{}
		for k, v := range c.Answers {
			answers[k] = v
		}
		for _, k := range sortedKeys(in.Answers) {
			q, ok := scheme.Criterion(k)
			if !ok || q.PassFail {
				ps.Add("answers", "There is no scored question %q in this competition", k)
				continue
			}
			text, p := domain.BidAnswer.Clean(in.Answers[k])
			if p != nil {
				ps.Add("answer-"+k, "%s", p.Message)
				continue
			}
			answers[k] = text
		}
		c.Answers = answers
	}
	if in.NetPricePence != nil {
		if *in.NetPricePence < 0 {
			ps.Add("price", "The price cannot be less than £0")
		}
		c.NetPrice, c.PriceGiven = domain.Money(*in.NetPricePence), true
	}
	if in.VATRate != nil {
		if r := domain.VATRate(*in.VATRate); !r.Valid() {
			ps.Add("vat_rate", "Choose a VAT rate of 20%%, 5%% or 0%% (2000, 500 or 0)")
		} else {
			c.VATRate = r
		}
	}
	if in.Milestones != nil {
		ms := *in.Milestones
		if len(ms) > domain.MaxMilestones {
			ps.Add("milestones", "A bid may have up to %d payment milestones, not %d", domain.MaxMilestones, len(ms))
		}
		out := make([]domain.Milestone, 0, len(ms))
		for i, m := range ms {
			n := i + 1
			m.Deliverable = cleanAs(domain.MilestoneDeliverable, fmt.Sprintf("milestone-%d-deliverable", n), m.Deliverable, ps)
			m.SuccessCriteria = cleanAs(domain.MilestoneSuccess, fmt.Sprintf("milestone-%d-success_criteria", n), m.SuccessCriteria, ps)
			if m.Amount < 0 {
				ps.Add(fmt.Sprintf("milestone-%d-amount", n), "The amount of milestone %d cannot be less than £0", n)
			}
			out = append(out, m)
		}
		c.Milestones = out
	}
	if len(in.Declarations) > 0 {
		ds := map[string]bool{}
		for k, v := range c.Declarations {
			ds[k] = v
		}
		for _, k := range sortedKeys(in.Declarations) {
			if q, ok := scheme.Criterion(k); !ok || !q.PassFail {
				ps.Add("declarations", "There is no pass or fail question %q in this competition", k)
				continue
			}
			ds[k] = in.Declarations[k]
		}
		c.Declarations = ds
	}
}

// cleanAs cleans text by a field's rule, naming the problem for one field among several alike.
func cleanAs(t domain.Text, field, s string, ps *domain.Problems) string {
	out, p := t.Clean(s)
	if p != nil {
		ps.Add(field, "%s", p.Message)
	}
	return out
}

// only says which answers a task may change, refusing the others.
func (in BidAnswers) only(task string, ps *domain.Problems) {
	given := map[string]bool{"title": in.Title != nil, "summary": in.Summary != nil, "fields": in.Fields != nil,
		"answer": len(in.Answers) > 0, "price_pence": in.NetPricePence != nil, "vat_rate": in.VATRate != nil,
		"milestones": in.Milestones != nil, "declarations": len(in.Declarations) > 0}
	allowed := map[string][]string{domain.TaskAbout: {"title", "summary", "fields"}, domain.TaskFinances: {"price_pence", "vat_rate"},
		domain.TaskMilestones: {"milestones"}, domain.TaskDeclarations: {"declarations"}}
	ok := allowed[task]
	if _, isQuestion := domain.QuestionOfTask(task); isQuestion {
		ok = []string{"answer"}
	}
	for _, name := range []string{"title", "summary", "fields", "answer", "price_pence", "vat_rate", "milestones", "declarations"} {
		if given[name] && !slices.Contains(ok, name) {
			ps.Add(name, "%s is not part of the task %q: save it with its own task", name, task)
		}
	}
}

// write sets the bid's content on an update.
func write(u *ent.BidUpdateOne, c domain.BidContent) *ent.BidUpdateOne {
	return u.SetTitle(c.Title).SetSummary(c.Summary).SetFields(c.Fields).SetAnswers(c.Answers).
		SetNetPrice(c.NetPrice).SetVatRate(c.VATRate).SetPriceGiven(c.PriceGiven).SetAmount(c.Total()).
		SetMilestones(c.Milestones).SetDeclarations(c.Declarations)
}

// StartBid makes a draft bid in a competition for the signed-in supplier's organisation, or
// returns the draft it already has there.
func (s *Service) StartBid(ctx context.Context, competitionID int) (*ent.Bid, error) {
	if b, err := s.YourBidIn(ctx, competitionID); err != nil || b != nil {
		return b, err
	}
	return s.CreateBid(ctx, CreateBid{CompetitionID: competitionID})
}

// SaveBidTask saves one task of a draft bid. Version is the task's version the supplier
// started from (0: never saved; -1: whatever is current); a save on a version someone else has
// since saved is refused, never merged.
type SaveBidTask struct {
	BidID   int
	Task    string
	Version int
	BidAnswers
}

// SaveBidTask saves what the supplier wrote in one task of its draft bid, before its deadline.
func (s *Service) SaveBidTask(ctx context.Context, in SaveBidTask) (*ent.Bid, error) {
	var out *ent.Bid
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		now := time.Now().UTC()
		b, comp, err := changeBid(ctx, tx, in.BidID, now)
		if err != nil {
			return err
		}
		rules := RulesOf(comp)
		content := ContentOf(b)
		if _, ok := content.Task(rules, in.Task); !ok || in.Task == domain.TaskDocuments {
			return &Refusal{Kind: NotFound, Code: "not-found", Title: "Not found", Detail: fmt.Sprintf("this bid has no task %q", in.Task)}
		}
		saves := map[string]domain.TaskSave{}
		for k, v := range b.TaskSaves {
			saves[k] = v
		}
		last := saves[in.Task]
		if in.Version >= 0 && in.Version != last.Version {
			return &Refusal{Kind: Stale, Code: "edit-conflict", Title: "Someone else saved this part of the bid",
				Detail: fmt.Sprintf("%s saved %q at %s (UK time), after you opened it: read their version, then make your change again",
					last.By, taskTitle(content, rules, in.Task), domain.FormatTime(last.At))}
		}
		var ps domain.Problems
		in.only(in.Task, &ps)
		in.apply(&content, rules.Scheme, &ps)
		if err := ps.Err(); err != nil {
			return err
		}
		saves[in.Task] = domain.TaskSave{Version: last.Version + 1, By: authz.ActorOf(ctx, "").Who, At: now}
		if out, err = write(tx.Bid.UpdateOne(b), content).SetTaskSaves(saves).Save(ctx); err != nil {
			return err
		}
		out.Edges.Documents = b.Edges.Documents
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "bid.saved", "bid", b.ID, nil, map[string]any{"task": in.Task, "version": last.Version + 1})
	})
	return out, err
}

func taskTitle(c domain.BidContent, r domain.BidRules, key string) string {
	t, _ := c.Task(r, key)
	return t.Title
}

// ReopenBid takes a submitted or withdrawn bid back to a draft before the supplier's deadline:
// its receipt no longer stands, and it must be submitted again to count.
func (s *Service) ReopenBid(ctx context.Context, id int) (*ent.Bid, error) {
	return s.unsealBid(ctx, id, "bid.reopened", domain.BidDraft, domain.BidStatus.CheckReopen)
}

// WithdrawBid withdraws a draft or submitted bid before the supplier's deadline: it is not
// assessed. It can be reopened before the deadline.
func (s *Service) WithdrawBid(ctx context.Context, id int) (*ent.Bid, error) {
	return s.unsealBid(ctx, id, "bid.withdrawn", domain.BidWithdrawn, domain.BidStatus.CheckWithdraw)
}

func (s *Service) unsealBid(ctx context.Context, id int, action string, to domain.BidStatus,
	check func(domain.BidStatus, domain.CompetitionStatus, time.Time, time.Time) error) (*ent.Bid, error) {
	var out *ent.Bid
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		now := time.Now().UTC()
		compID, err := tx.Bid.Query().Where(bid.ID(id)).QueryCompetition().OnlyID(ctx)
		if err != nil {
			return err
		}
		// The competition's row first, as every change to a bid takes it: serialised with the close.
		if _, err := tx.Competition.Update().Where(competition.ID(compID)).SetUpdatedAt(now).Save(authz.AsSystem(ctx, submitPath)); err != nil {
			return err
		}
		b, err := tx.Bid.Get(ctx, id)
		if err != nil {
			return err
		}
		comp, err := tx.Competition.Get(ctx, compID)
		if err != nil {
			return err
		}
		if err := check(b.Status, comp.Status, DeadlineFor(comp, b.OrganisationID), now); err != nil {
			return err
		}
		if out, err = tx.Bid.UpdateOne(b).SetStatus(to).ClearReceipt().ClearSubmittedAt().ClearConfirmedAt().SetContentHash("").Save(ctx); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), action, "bid", b.ID,
			map[string]any{"status": b.Status, "receipt": b.Receipt}, map[string]any{"status": to})
	})
	return out, err
}

// YourBids are the signed-in supplier's organisation's bids in every competition, newest first,
// each with its competition, challenge and contract.
func (s *Service) YourBids(ctx context.Context) ([]*ent.Bid, error) {
	v, _ := authz.FromContext(ctx)
	bids, err := s.DB.Bid.Query().Where(bid.OrganisationID(v.OrganisationID)).
		WithCompetition(func(q *ent.CompetitionQuery) { q.WithChallenge() }).
		WithContract(func(q *ent.ContractQuery) {
			q.WithGateDecision().WithShowAndTell().WithMilestones(func(q *ent.MilestoneQuery) { q.Order(ent.Asc(milestone.FieldNumber)) })
		}).
		WithDocuments().Order(ent.Desc(bid.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	return bids, s.holdBack(ctx, bids...)
}

// BidsReceived is how many bids a competition has received (submitted, whatever happened to
// them since): a public figure, counted whoever asks.
func (s *Service) BidsReceived(ctx context.Context, competitionID int) (int, error) {
	return s.DB.Bid.Query().Where(bid.CompetitionID(competitionID), bid.StatusNotIn(domain.BidDraft, domain.BidWithdrawn)).
		Count(authz.AsSystem(ctx, "public-figures"))
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Due is one thing on a supplier's bid or contract: something the supplier must do (Yours), or
// something it waits on others for, with its date where it has one.
type Due struct {
	What  string
	When  time.Time // zero: no date
	Day   bool      // When is a day (due by its end), not an instant
	Link  string    // the page, and place on it, where it is done; empty when nothing is to do there
	Yours bool      // the supplier does it; otherwise it waits on someone else
}

// Standing is where a bid stands for its supplier: something to do now, waiting on others, or
// finished (history). The supplier's list of bids is grouped by it.
type Standing string

const (
	StandingYours   Standing = "yours"
	StandingWaiting Standing = "waiting"
	StandingDone    Standing = "done"
)

// StandingOf is a bid's standing from what is due on it.
func StandingOf(due []Due) Standing {
	out := StandingDone
	for _, d := range due {
		if d.Yours {
			return StandingYours
		}
		out = StandingWaiting
	}
	return out
}

// DueNext is what a supplier's bid, and its contract, need next, at the instant now, from each
// record's own state: the deadline of a draft, a confirmation an amendment asks for, the outcome
// awaited; then the contract to accept, each milestone's deliverable (its amount including VAT,
// as on the contract's page) or payment, the progress update, the end-of-phase report, the
// show-and-tell and the gate's decision. The contract needs its milestones and show-and-tell
// loaded.
func DueNext(b *ent.Bid, now time.Time) []Due {
	comp := b.Edges.Competition
	if comp == nil {
		return nil
	}
	deadline := DeadlineFor(comp, b.OrganisationID)
	bidPage := fmt.Sprintf("/bids/%d", b.ID)
	open := domain.AcceptsBids(comp.Status, deadline, now)
	var out []Due
	switch b.Status {
	case domain.BidDraft:
		if open {
			out = append(out, Due{What: "Finish and submit your bid", When: deadline, Link: bidPage, Yours: true})
		}
	case domain.BidWithdrawn:
		if open {
			out = append(out, Due{What: "Reopen your bid if you want it assessed", When: deadline, Link: bidPage, Yours: true})
		}
	case domain.BidSubmitted:
		switch {
		case domain.NeedsConfirmation(b.SubmittedAt, b.ConfirmedAt, comp.AmendedAt) && open:
			out = append(out, Due{What: "Confirm your bid: the questions changed after you submitted it", When: deadline, Link: fmt.Sprintf("/competitions/%d", comp.ID), Yours: true})
		case comp.Status == domain.CompetitionOpen:
			out = append(out, Due{What: "Nothing to do: the competition closes, then bids are checked and assessed", When: deadline})
		default:
			out = append(out, Due{What: "Wait for the outcome: your bid is being assessed"})
		}
	case domain.BidFunded, domain.BidNotFunded, domain.BidIneligible:
		if comp.FeedbackReleasedAt == nil && b.Status != domain.BidIneligible {
			out = append(out, Due{What: "Wait for the outcome and feedback to be released"})
		}
	}
	if k := b.Edges.Contract; k != nil {
		out = append(out, contractDue(k, now)...)
	}
	return out
}

// contractDue is what a contract needs next from its supplier, or from others.
func contractDue(k *ent.Contract, now time.Time) []Due {
	page := fmt.Sprintf("/contracts/%d", k.ID)
	var out []Due
	if k.Status == domain.ContractOffered {
		return append(out, Due{What: fmt.Sprintf("Accept your contract, worth %s including VAT", k.Value), Link: page + "#accept", Yours: true})
	}
	started := k.StartsOn != nil && k.EndsOn != nil
	for _, m := range k.Edges.Milestones {
		label := fmt.Sprintf("milestone %d, %s (%s including VAT)", m.Number, m.Deliverable, m.Amount)
		switch {
		case m.Status == domain.MilestoneChangesAsked && k.Status.TakesDeliverables():
			out = append(out, Due{What: "Make the changes asked for and submit " + label + " again", Link: fmt.Sprintf("%s#milestone-%d", page, m.Number), Yours: true})
		case m.Status == domain.MilestonePlanned && k.Status.TakesDeliverables():
			d := Due{What: "Submit the deliverable for " + label, Link: fmt.Sprintf("%s#milestone-%d", page, m.Number), Yours: true}
			if started {
				d.When, d.Day = domain.MilestoneDue(*k.StartsOn, *k.EndsOn, m.Month), true
			}
			out = append(out, d)
		case m.Status == domain.MilestoneSubmitted:
			out = append(out, Due{What: "Wait for the challenge owner to review your deliverable for " + label})
		case m.Status == domain.MilestoneAccepted:
			d := Due{What: "Wait for the payment of " + label}
			if m.PaymentDue != nil {
				d.When, d.Day = *m.PaymentDue, true
			}
			out = append(out, d)
		}
	}
	switch k.Status {
	case domain.ContractActive:
		if k.ProgressAt == nil && started {
			out = append(out, Due{What: "Send your progress update for the midpoint review", When: domain.ContractMidpoint(*k.StartsOn, *k.EndsOn), Day: true, Link: page + "#midpoint", Yours: true})
		}
		d := Due{What: "Write and submit your end-of-phase report", Link: page + "#report", Yours: true}
		if started {
			d.When, d.Day = *k.EndsOn, true
		}
		out = append(out, d)
	case domain.ContractReported:
		out = append(out, Due{What: "Wait for the stage gate's decision on your contract"})
	}
	if st := k.Edges.ShowAndTell; st != nil && st.HeldAt == nil && (k.Status == domain.ContractActive || k.Status == domain.ContractReported) {
		out = append(out, Due{What: "Present your work at the show-and-tell: " + st.Place, When: st.At, Link: page + "#show-and-tell", Yours: true})
	}
	return out
}

// Stage is one step of a bid's way, from written to the stage gate, as its supplier sees it.
type Stage struct {
	Label     string
	Done, Now bool
}

// Stages places a bid on its way: written, submitted, checked, assessed, decided; then, with a
// contract, accepted, worked and reported, and decided at the stage gate.
func Stages(b *ent.Bid) []Stage {
	comp := b.Edges.Competition
	labels := []string{"Written", "Submitted", "Eligibility checked", "Assessed", "Outcome"}
	reached := 0
	switch {
	case b.Status == domain.BidDraft || b.Status == domain.BidWithdrawn:
		reached = 0
	case b.Status == domain.BidIneligible:
		reached = 2
	case comp.Status == domain.CompetitionOpen, comp.Status == domain.CompetitionEligibility:
		reached = 1
	case comp.Status == domain.CompetitionAssessment:
		reached = 2
	case comp.FeedbackReleasedAt != nil && b.Edges.Contract == nil:
		reached = 5 // told the outcome, and no contract follows
	default:
		reached = 4
	}
	if k := b.Edges.Contract; k != nil {
		labels = append(labels, "Contract", "Work and report", "Stage gate")
		switch k.Status {
		case domain.ContractOffered:
			reached = 5
		case domain.ContractActive:
			reached = 6
		case domain.ContractReported:
			reached = 7
		default:
			reached = 8
		}
	}
	out := make([]Stage, len(labels))
	for i, l := range labels {
		out[i] = Stage{Label: l, Done: i < reached, Now: i == reached}
	}
	return out
}

// YourBidIn is the signed-in supplier's organisation's bid in a competition, drafts included;
// nil when it has none.
func (s *Service) YourBidIn(ctx context.Context, competitionID int) (*ent.Bid, error) {
	v, _ := authz.FromContext(ctx)
	if v.OrganisationID == 0 {
		return nil, nil
	}
	b, err := s.DB.Bid.Query().Where(bid.CompetitionID(competitionID), bid.OrganisationID(v.OrganisationID)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return b, s.holdBack(ctx, b)
}
