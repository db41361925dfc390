package service

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/contract"
	"github.com/catalyst-sbri/catalyst/ent/document"
	"github.com/catalyst-sbri/catalyst/ent/milestone"
	"github.com/catalyst-sbri/catalyst/records"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// A contract from award to the gate: offered with the funded bid's milestones made VAT inclusive
// by domain.ContractMilestones, which the programme may change within the value until the
// supplier accepts it and it starts (12 weeks in phase 1, 52 in phase 2); each milestone's
// deliverable submitted by the supplier with a note and documents, accepted by the challenge's
// owner or sent back with a reason, paid by the programme. A payment falls due
// domain.PaymentTermDays after acceptance and is overdue after that, read from the record rather
// than stored; the spend so far is the accepted and paid milestones (domain.SpendSoFar). A stop
// at the gate, in activities.RecordGateDecision's transaction, fixes the value at it and cancels
// every milestone not yet accepted. Each side's check is contractFor.

// contractsName is the identity the service writes contracts and milestones as, once it has
// checked who is asking: the records' own policies let only the system change them.
const contractsName = "contracts"

// ContractView is a contract as its page shows it: the contract with its supplier, competition,
// challenge, documents and gate decision, its milestones with their deliverables, and the money.
type ContractView struct {
	Contract   *ent.Contract
	Milestones []*ent.Milestone
	// Spent is the spend so far (accepted and paid milestones); Paid what has been paid.
	Spent, Paid domain.Money
	// Now is when the view was read, for what is due and overdue.
	Now time.Time
	// Show is the show-and-tell, nil until scheduled; Evidence what the gate has.
	Show     *ent.ShowAndTell
	Evidence domain.GateEvidence
}

// Challenge is the challenge the contract serves.
func (v ContractView) Challenge() *ent.Challenge { return v.Contract.Edges.Competition.Edges.Challenge }

// Due is the day a milestone's deliverable is due, once the contract has started.
func (v ContractView) Due(m *ent.Milestone) *time.Time {
	k := v.Contract
	if k.StartsOn == nil || k.EndsOn == nil {
		return nil
	}
	d := domain.MilestoneDue(*k.StartsOn, *k.EndsOn, m.Month)
	return &d
}

// Overdue says whether a milestone's payment is late.
func (v ContractView) Overdue(m *ent.Milestone) bool {
	return domain.PaymentOverdue(m.Status, m.PaymentDue, v.Now)
}

// OverduePayments counts the milestones whose payment is late.
func (v ContractView) OverduePayments() int {
	n := 0
	for _, m := range v.Milestones {
		if v.Overdue(m) {
			n++
		}
	}
	return n
}

// Planned is what the milestones add up to.
func (v ContractView) Planned() domain.Money {
	var sum domain.Money
	for _, m := range v.Milestones {
		sum += m.Amount
	}
	return sum
}

// Awarded is the contract's value at award (before any stop).
func (v ContractView) Awarded() domain.Money {
	if v.Contract.AwardedValue != 0 {
		return v.Contract.AwardedValue
	}
	return v.Contract.Value
}

// Contract is one contract with its organisation, competition and gate decision.
func (s *Service) Contract(ctx context.Context, id int) (*ent.Contract, error) {
	return s.DB.Contract.Query().Where(contract.ID(id)).WithOrganisation().WithGateDecision().
		WithCompetition(func(q *ent.CompetitionQuery) { q.WithChallenge() }).
		WithDocuments(func(q *ent.DocumentQuery) { q.Order(ent.Asc(document.FieldID)) }).Only(ctx)
}

// ContractView reads a contract as its page shows it.
func (s *Service) ContractView(ctx context.Context, id int) (ContractView, error) {
	k, err := s.Contract(ctx, id)
	if err != nil {
		return ContractView{}, err
	}
	return s.contractView(ctx, k)
}

func (s *Service) contractView(ctx context.Context, k *ent.Contract) (ContractView, error) {
	ms, err := s.DB.Milestone.Query().Where(milestone.ContractID(k.ID)).
		WithDocuments(func(q *ent.DocumentQuery) { q.Order(ent.Asc(document.FieldID)) }).
		Order(ent.Asc(milestone.FieldNumber)).All(ctx)
	if err != nil {
		return ContractView{}, err
	}
	money := records.MilestoneMoney(ms)
	v := ContractView{Contract: k, Milestones: ms, Spent: domain.SpendSoFar(money), Paid: domain.Paid(money), Now: time.Now()}
	if v.Show, err = s.ShowAndTell(ctx, k.ID); err != nil {
		return v, err
	}
	v.Evidence, err = s.GateEvidence(ctx, k)
	return v, err
}

// Contracts lists the contracts the viewer may see, newest first, with their milestones: the
// programme's view of what is due and overdue, an owner's of their challenges', a supplier's of
// its own.
func (s *Service) Contracts(ctx context.Context) ([]ContractView, error) {
	ks, err := s.DB.Contract.Query().WithOrganisation().WithGateDecision().
		WithCompetition(func(q *ent.CompetitionQuery) { q.WithChallenge() }).
		Order(ent.Desc(contract.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ContractView, 0, len(ks))
	for _, k := range ks {
		v, err := s.contractView(ctx, k)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// contractFor reads the contract and checks the viewer acts for the side that may do this: the
// supplier whose contract it is, the challenge's owner (or the programme), or the programme.
func (s *Service) contractFor(ctx context.Context, id int, side string) (*ent.Contract, error) {
	k, err := s.Contract(ctx, id)
	if err != nil {
		return nil, err
	}
	v, _ := authz.FromContext(ctx)
	switch side {
	case "supplier":
		if !v.Has(authz.Supplier) || v.OrganisationID != k.OrganisationID {
			return nil, forbidden("only the supplier whose contract this is can do this")
		}
	case "owner": // the owner's own judgement, or a delegate's: the programme does not give it for them
		acts, err := s.actsForChallenge(ctx, v, k.Edges.Competition.ChallengeID)
		if err != nil {
			return nil, err
		}
		if !acts {
			return nil, forbidden("only the challenge's owner, or a delegate they named, can do this")
		}
	case "finance":
		if !v.Has(authz.Finance) {
			return nil, forbidden("only finance records payments")
		}
	case "programme":
		if !v.Has(authz.ProgrammeOfficer) {
			return nil, forbidden("only the programme team can do this")
		}
	}
	if side != "supplier" {
		if err := noInterest(v, k.OrganisationID, k.Edges.Organisation.Name); err != nil {
			return nil, err
		}
	}
	return k, nil
}

// milestoneFor reads a milestone and its contract for the side that may act on it.
func (s *Service) milestoneFor(ctx context.Context, id int, side string) (*ent.Milestone, *ent.Contract, error) {
	m, err := s.DB.Milestone.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	k, err := s.contractFor(ctx, m.ContractID, side)
	if err != nil {
		return nil, nil, err
	}
	return m, k, nil
}

// ContractTerms are the programme's adjustments to an offered contract: its term and its
// milestones, which may not come to more than its value.
type ContractTerms struct {
	ContractID int
	TermWeeks  int
	Milestones []domain.Milestone // amounts VAT inclusive
}

// AdjustContract changes an offered contract's term and milestones before its supplier signs.
func (s *Service) AdjustContract(ctx context.Context, in ContractTerms) (ContractView, error) {
	k, err := s.contractFor(ctx, in.ContractID, "programme")
	if err != nil {
		return ContractView{}, err
	}
	if err := k.Status.Adjust(); err != nil {
		return ContractView{}, err
	}
	ps := domain.CheckTermWeeks(in.TermWeeks, k.Phase)
	ps = append(ps, domain.CheckMilestonePlan(in.Milestones, k.Value, k.Phase)...)
	if err := ps.Err(); err != nil {
		return ContractView{}, err
	}
	for i := range in.Milestones {
		in.Milestones[i].Deliverable, _ = domain.MilestoneDeliverable.Clean(in.Milestones[i].Deliverable)
		in.Milestones[i].SuccessCriteria, _ = domain.MilestoneSuccess.Clean(in.Milestones[i].SuccessCriteria)
	}
	sys := authz.AsSystem(ctx, contractsName)
	err = s.DB.WithTx(sys, func(tx *ent.Tx) error {
		now, err := tx.Contract.Get(sys, k.ID)
		if err != nil {
			return err
		}
		if err := now.Status.Adjust(); err != nil {
			return err
		}
		before, err := tx.Milestone.Query().Where(milestone.ContractID(k.ID)).Order(ent.Asc(milestone.FieldNumber)).All(sys)
		if err != nil {
			return err
		}
		if _, err := tx.Milestone.Delete().Where(milestone.ContractID(k.ID)).Exec(sys); err != nil {
			return err
		}
		for i, m := range in.Milestones {
			if err := tx.Milestone.Create().SetContractID(k.ID).SetNumber(i + 1).SetDeliverable(m.Deliverable).
				SetSuccessCriteria(m.SuccessCriteria).SetMonth(m.Month).SetAmount(m.Amount).Exec(sys); err != nil {
				return err
			}
		}
		if err := tx.Contract.UpdateOneID(k.ID).SetTermWeeks(in.TermWeeks).Exec(sys); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "contract.terms_changed", "contract", k.ID,
			map[string]any{"term_weeks": now.TermWeeks, "milestones": plan(before)},
			map[string]any{"term_weeks": in.TermWeeks, "milestones": in.Milestones})
	})
	if err != nil {
		return ContractView{}, err
	}
	return s.ContractView(ctx, k.ID)
}

func plan(ms []*ent.Milestone) []domain.Milestone {
	out := make([]domain.Milestone, len(ms))
	for i, m := range ms {
		out[i] = domain.Milestone{Deliverable: m.Deliverable, SuccessCriteria: m.SuccessCriteria, Month: m.Month, Amount: m.Amount}
	}
	return out
}

// AcceptContract is the supplier's acceptance of the contract offered to it: it starts today
// and runs for its term, and its milestones' due dates follow.
func (s *Service) AcceptContract(ctx context.Context, id int) (ContractView, error) {
	k, err := s.contractFor(ctx, id, "supplier")
	if err != nil {
		return ContractView{}, err
	}
	if _, err := k.Status.Accept(); err != nil {
		return ContractView{}, err
	}
	sys := authz.AsSystem(ctx, contractsName)
	err = s.DB.WithTx(sys, func(tx *ent.Tx) error {
		now, err := tx.Contract.Get(sys, k.ID)
		if err != nil {
			return err
		}
		next, err := now.Status.Accept()
		if err != nil {
			return err
		}
		at := time.Now().UTC()
		start := domain.StartOfDay(at)
		end := domain.ContractEnd(start, now.TermWeeks)
		if err := tx.Contract.UpdateOneID(k.ID).SetStatus(next).SetAcceptedAt(at).SetAcceptedBy(authz.ActorOf(ctx, "").Who).
			SetStartsOn(start.UTC()).SetEndsOn(end.UTC()).Exec(sys); err != nil {
			return err
		}
		if err := contractChanged(ctx, tx, k.ID); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "contract.accepted", "contract", k.ID,
			map[string]any{"status": now.Status}, map[string]any{"status": next, "starts_on": start, "ends_on": end})
	})
	if err != nil {
		return ContractView{}, err
	}
	return s.ContractView(ctx, k.ID)
}

// Deliverable is what a supplier submits for a milestone: a note (its documents are uploaded to
// the milestone first).
type Deliverable struct {
	MilestoneID int
	Note        string
}

// SubmitDeliverable submits a milestone's deliverable for the challenge owner to review, and
// tells the owner.
func (s *Service) SubmitDeliverable(ctx context.Context, in Deliverable) (*ent.Milestone, error) {
	m, k, err := s.milestoneFor(ctx, in.MilestoneID, "supplier")
	if err != nil {
		return nil, err
	}
	if _, err := m.Status.Submit(k.Status); err != nil {
		return nil, err
	}
	note, p := domain.DeliverableNote.Clean(in.Note)
	if p != nil {
		return nil, domain.Problems{*p}
	}
	return s.moveMilestone(ctx, m, "milestone.submitted", func(now *ent.Milestone, kNow *ent.Contract) (domain.MilestoneStatus, error) {
		return now.Status.Submit(kNow.Status)
	}, func(u *ent.MilestoneUpdateOne) {
		u.SetNote(note).SetSubmittedAt(time.Now().UTC())
	}, func(tx *ent.Tx) error {
		ch := k.Edges.Competition.Edges.Challenge
		owner, err := ch.QueryOwner().OnlyID(authz.AsSystem(ctx, contractsName))
		if ent.IsNotFound(err) {
			return nil // a challenge without an owner: the programme reviews it from its list
		}
		if err != nil {
			return err
		}
		return records.Notify(ctx, tx, owner, domain.NoticeDeliverableSubmitted, "contract", k.ID, map[string]string{
			"supplier": k.Edges.Organisation.Name, "milestone": fmt.Sprint(m.Number), "deliverable": m.Deliverable, "title": ch.Title})
	})
}

// Review is the challenge owner's acceptance of a deliverable, or a request for changes with the
// reason the supplier reads.
type Review struct {
	MilestoneID int
	Decision    string // "accept" or "changes"
	Reason      string
}

// The owner's two answers to a deliverable.
const (
	ReviewAccept  = "accept"
	ReviewChanges = "changes"
)

// ReviewDeliverable accepts a submitted deliverable, whose payment then falls due in 30 days,
// or asks for changes; the supplier is told either way.
func (s *Service) ReviewDeliverable(ctx context.Context, in Review) (*ent.Milestone, error) {
	m, k, err := s.milestoneFor(ctx, in.MilestoneID, "owner")
	if err != nil {
		return nil, err
	}
	accept := in.Decision == ReviewAccept
	if _, err := m.Status.Review(accept, k.Status); err != nil {
		return nil, err
	}
	if !accept && in.Decision != ReviewChanges {
		return nil, domain.Problems{{Field: "decision", Message: "Choose whether you accept the deliverable or ask for changes"}}
	}
	reason, p := domain.ReviewNote.Clean(in.Reason)
	if p != nil {
		return nil, domain.Problems{*p}
	}
	if !accept && reason == "" {
		return nil, domain.Problems{{Field: "reason", Message: "Say what needs to change: the supplier will read it"}}
	}
	at := time.Now().UTC()
	due := domain.PaymentDue(at)
	action, notice := "milestone.changes_requested", domain.NoticeChangesRequested
	if accept {
		action, notice = "milestone.accepted", domain.NoticeDeliverableAccepted
	}
	return s.moveMilestone(ctx, m, action, func(now *ent.Milestone, kNow *ent.Contract) (domain.MilestoneStatus, error) {
		return now.Status.Review(accept, kNow.Status)
	}, func(u *ent.MilestoneUpdateOne) {
		u.SetReviewNote(reason).SetReviewedBy(authz.ActorOf(ctx, "").Who)
		if accept {
			u.SetAcceptedAt(at).SetPaymentDue(due.UTC())
		}
	}, func(tx *ent.Tx) error {
		if accept {
			if err := contractChanged(ctx, tx, k.ID); err != nil { // its payment's timer
				return err
			}
		}
		return records.NotifyOrganisation(ctx, tx, k.OrganisationID, notice, "contract", k.ID, map[string]string{
			"milestone": fmt.Sprint(m.Number), "deliverable": m.Deliverable, "title": k.Edges.Competition.Edges.Challenge.Title,
			"reason": reason, "due": domain.FormatDate(due), "amount": m.Amount.String()})
	})
}

// RecordPayment records that the programme has paid an accepted milestone; the supplier is told.
func (s *Service) RecordPayment(ctx context.Context, milestoneID int) (*ent.Milestone, error) {
	m, k, err := s.milestoneFor(ctx, milestoneID, "finance")
	if err != nil {
		return nil, err
	}
	payer := authz.ActorOf(ctx, "").Who
	if err := mayPay(m, payer); err != nil {
		return nil, err
	}
	return s.moveMilestone(ctx, m, "milestone.paid", func(now *ent.Milestone, _ *ent.Contract) (domain.MilestoneStatus, error) {
		if err := mayPay(now, payer); err != nil {
			return now.Status, err
		}
		return now.Status.Pay()
	}, func(u *ent.MilestoneUpdateOne) {
		u.SetPaidAt(time.Now().UTC()).SetPaidBy(authz.ActorOf(ctx, "").Who)
	}, func(tx *ent.Tx) error {
		return records.NotifyOrganisation(ctx, tx, k.OrganisationID, domain.NoticePaymentMade, "contract", k.ID, map[string]string{
			"milestone": fmt.Sprint(m.Number), "amount": m.Amount.String(), "title": k.Edges.Competition.Edges.Challenge.Title})
	})
}

// mayPay is the rule for recording a milestone's payment, which RecordPayment applies and the
// contract's page offers by: an accepted milestone, paid by someone other than who accepted it.
func mayPay(m *ent.Milestone, payer string) error {
	if _, err := m.Status.Pay(); err != nil {
		return err
	}
	return domain.CheckPayer(m.ReviewedBy, payer)
}

// moveMilestone moves a milestone on in one transaction, judging the move again against the
// milestone and contract as they are inside it, with its audit event and what else goes with it.
func (s *Service) moveMilestone(ctx context.Context, m *ent.Milestone, action string,
	step func(*ent.Milestone, *ent.Contract) (domain.MilestoneStatus, error), change func(*ent.MilestoneUpdateOne), also func(*ent.Tx) error) (*ent.Milestone, error) {
	sys := authz.AsSystem(ctx, contractsName)
	var out *ent.Milestone
	err := s.DB.WithTx(sys, func(tx *ent.Tx) error {
		now, err := tx.Milestone.Get(sys, m.ID)
		if err != nil {
			return err
		}
		k, err := tx.Contract.Get(sys, now.ContractID)
		if err != nil {
			return err
		}
		next, err := step(now, k)
		if err != nil {
			return err
		}
		u := tx.Milestone.UpdateOne(now).SetStatus(next)
		change(u)
		if out, err = u.Save(sys); err != nil {
			return err
		}
		if err := also(tx); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), action, "contract", k.ID,
			map[string]any{"milestone": m.Number, "status": now.Status}, map[string]any{"milestone": m.Number, "status": next})
	})
	return out, err
}

// ContractDocument is a document added to a contract (the signed contract, by the programme) or
// to a milestone's deliverable (by the supplier, before submitting it).
type ContractDocument struct {
	ContractID  int  // set for the contract's own document, or a report's
	MilestoneID int  // set for a deliverable's document
	Report      bool // a document of the supplier's end-of-phase report
	Filename    string
	Content     io.Reader
}

// MayAddContractDocument says at once whether the viewer may add this document now, so an
// upload is refused before it is streamed.
func (s *Service) MayAddContractDocument(ctx context.Context, in ContractDocument) error {
	if in.Report {
		k, err := s.contractFor(ctx, in.ContractID, "supplier")
		if err != nil {
			return err
		}
		_, err = k.Status.Report()
		return err
	}
	if in.MilestoneID == 0 {
		_, err := s.contractFor(ctx, in.ContractID, "programme")
		return err
	}
	m, k, err := s.milestoneFor(ctx, in.MilestoneID, "supplier")
	if err != nil {
		return err
	}
	_, err = m.Status.Submit(k.Status)
	return err
}

// AddContractDocument stores a contract's or a deliverable's document.
func (s *Service) AddContractDocument(ctx context.Context, in ContractDocument) (*ent.Document, error) {
	var m *ent.Milestone
	var k *ent.Contract
	var err error
	if err := s.MayAddContractDocument(ctx, in); err != nil {
		return nil, err
	}
	if in.Report {
		if k, err = s.contractFor(ctx, in.ContractID, "supplier"); err != nil {
			return nil, err
		}
	} else if in.MilestoneID != 0 {
		if m, k, err = s.milestoneFor(ctx, in.MilestoneID, "supplier"); err != nil {
			return nil, err
		}
		if _, err := m.Status.Submit(k.Status); err != nil {
			return nil, err
		}
	} else if k, err = s.contractFor(ctx, in.ContractID, "programme"); err != nil {
		return nil, err
	}
	filename, err := domain.DocumentName(in.Filename)
	if err != nil {
		return nil, err
	}
	stored, err := s.storeUpload(ctx, fmt.Sprintf("contracts/%d", k.ID), filename, in.Content, "contract", k.ID)
	if err != nil {
		return nil, err
	}
	sys := authz.AsSystem(ctx, contractsName)
	var doc *ent.Document
	err = s.DB.WithTx(sys, func(tx *ent.Tx) error {
		create := stored.record(ctx, tx.Document.Create()).SetFilename(filename)
		if m != nil {
			now, err := tx.Milestone.Get(sys, m.ID)
			if err != nil {
				return err
			}
			kNow, err := tx.Contract.Get(sys, k.ID)
			if err != nil {
				return err
			}
			if _, err := now.Status.Submit(kNow.Status); err != nil {
				return err
			}
			create.SetMilestoneID(m.ID)
		} else if in.Report {
			kNow, err := tx.Contract.Get(sys, k.ID)
			if err != nil {
				return err
			}
			if _, err := kNow.Status.Report(); err != nil {
				return err
			}
			create.SetContractID(k.ID).SetPart("report")
		} else {
			create.SetContractID(k.ID).SetPart("contract")
		}
		if doc, err = create.Save(sys); err != nil {
			return err
		}
		after := map[string]any{"document": doc.ID, "filename": filename, "sha256": stored.SHA256, "size": stored.Size}
		if m != nil {
			after["milestone"] = m.Number
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "contract.document_added", "contract", k.ID, nil, after)
	})
	if err != nil {
		_ = s.Docs.Delete(context.WithoutCancel(ctx), stored.Key) // nothing half-written
		return nil, err
	}
	return doc, nil
}

// contractChanged writes the outbox row that wakes the contract workflow's timers, in the
// transaction of the change.
func contractChanged(ctx context.Context, tx *ent.Tx, contractID int) error {
	return workflows.Outbox{Tx: tx}.ContractChanged(authz.AsSystem(ctx, contractsName), contractID)
}
