package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/auditevent"
	"github.com/catalyst-sbri/catalyst/ent/challenge"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/ent/contract"
)

// WorkItem is one thing a person can do now: an action the model allows them, on which record,
// and where it is done.
type WorkItem struct {
	Action string     // the action's name, as the record's actions name it
	What   string     // what to do, as its button says
	Kind   string     // the kind of record, one of WorkKinds
	Record string     // the record as a person names it
	Link   string     // the page where it is done
	Due    *time.Time // when it is due, if it has a due date
}

// WorkKinds are the kinds of record work is on.
var WorkKinds = []string{"challenge", "competition", "contract", "milestone", "bid", "assignment", "correction"}

// workParties are the actions that are a person's work, as against options they have
// (editing, withdrawing, asking a question), keyed "kind action", and whose work each is: what
// one party may do is what the others wait on.
var workParties = map[string]string{
	"challenge submit": domain.ByOwner, "challenge select": domain.ByProgramme, "challenge setup": domain.ByProgramme,
	"challenge gate": domain.ByProgramme, "challenge complete": domain.ByProgramme,
	"competition finish-eligibility": domain.ByProgramme, "competition approve-decision": domain.ByApprover,
	"contract accept": domain.BySupplier, "contract report": domain.BySupplier,
	"contract record-show-and-tell": domain.ByProgramme, "contract gate": domain.ByProgramme,
	"contract recommend":           domain.ByOwner,
	"milestone submit-deliverable": domain.BySupplier, "milestone review": domain.ByOwner, "milestone pay": domain.ByFinance,
	"bid submit": domain.BySupplier, "bid confirm": domain.BySupplier,
	"correction answer":            domain.ByProgramme,
	"interview schedule-interview": domain.ByProgramme, "interview score-interview": domain.ByPanel,
}

// workPlaces are where on its record's page each action is done.
var workPlaces = map[string]string{
	"challenge submit": "#actions", "challenge select": "#actions", "challenge setup": "#actions", "challenge gate": "#gate",
	"challenge complete": "#outcome", "competition finish-eligibility": "#finish", "competition approve-decision": "/panel#proposal", "contract accept": "#accept",
	"contract report": "#report", "contract record-show-and-tell": "#show-and-tell", "contract recommend": "#show-and-tell",
	"contract gate": "#gate", "correction answer": "#corrections",
}

// interviewing are the competitions whose interviews are to be held and scored.
func (s *Service) interviewing(ctx context.Context) ([]*ent.Competition, error) {
	comps, err := s.DB.Competition.Query().Where(competition.StatusEQ(domain.CompetitionAssessment)).WithChallenge().
		Order(ent.Asc(competition.FieldID)).All(ctx)
	return slices.DeleteFunc(comps, func(c *ent.Competition) bool { return c.Scheme.InterviewWeight == 0 }), err
}

// Work is what the viewer may do now across every record in their scope: each item an action
// the same model allows on that record's page (so the list and the pages cannot disagree),
// those with a due date first, soonest first.
func (s *Service) Work(ctx context.Context) ([]WorkItem, error) {
	v, _ := authz.FromContext(ctx)
	var out []WorkItem
	add := func(kind, record, link string, due *time.Time, as Actions) {
		for _, a := range as {
			if _, work := workParties[kind+" "+a.Name]; a.Allowed && work {
				out = append(out, WorkItem{Action: a.Name, What: a.Label, Kind: kind, Record: record, Link: link + workPlaces[kind+" "+a.Name], Due: due})
			}
		}
	}
	if v.Has(authz.ProgrammeOfficer) || v.Has(authz.ChallengeOwner) {
		// The privacy rules leave an owner their own challenges.
		chs, err := s.DB.Challenge.Query().Where(challenge.StageNotIn(domain.ChallengeComplete, domain.ChallengeRejected, domain.ChallengeClosed)).
			WithCompetitions(func(q *ent.CompetitionQuery) { q.Order(ent.Asc(competition.FieldPhase)) }).
			Order(ent.Asc(challenge.FieldID)).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, ch := range chs {
			as, err := s.ChallengeActions(ctx, ch)
			if err != nil {
				return nil, err
			}
			add("challenge", ch.Title, fmt.Sprintf("/challenges/%d", ch.ID), nil, as)
		}
	}
	if v.Has(authz.ProgrammeOfficer) || v.Approves() {
		comps, err := s.DB.Competition.Query().Where(competition.Or(competition.StatusEQ(domain.CompetitionEligibility),
			competition.And(competition.StatusEQ(domain.CompetitionAssessment), competition.FundingProposalNotNil()))).WithChallenge().
			Order(ent.Asc(competition.FieldID)).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, c := range comps {
			as, err := s.CompetitionActions(ctx, c)
			if err != nil {
				return nil, err
			}
			add("competition", fmt.Sprintf("%s: phase %d competition", c.Edges.Challenge.Title, c.Phase), fmt.Sprintf("/competitions/%d", c.ID), nil, as)
		}
	}
	if v.Has(authz.ProgrammeOfficer) || v.Has(authz.PanelMember) {
		comps, err := s.interviewing(ctx)
		if err != nil {
			return nil, err
		}
		for _, c := range comps {
			iv, err := s.interviews(ctx, c.ID)
			if err != nil {
				return nil, err
			}
			for _, r := range iv.Shortlist {
				add("interview", fmt.Sprintf("The interview of %s for %s", r.Bid.Edges.Organisation.Name, c.Edges.Challenge.Title),
					fmt.Sprintf("/competitions/%d/interviews#bid-%d", c.ID, r.Bid.ID), r.Bid.InterviewAt, iv.Actions[r.Bid.ID])
			}
		}
	}
	if v.InProgrammeTeam() {
		rs, err := s.CorrectionRequests(ctx, true)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			add("correction", fmt.Sprintf("%s asked for a correction of their data", r.Edges.Person.Name), fmt.Sprintf("/people/%d", r.PersonID), nil, CorrectionActions(ctx, r))
		}
	}
	err := s.eachRunningContract(ctx, func(cv ContractView, name string) {
		add("contract", name, contractLink(cv.Contract), nil, s.ContractActions(ctx, cv))
		for _, m := range cv.Milestones {
			add("milestone", milestoneName(m, name), milestoneLink(cv.Contract, m), m.PaymentDue, s.MilestoneActions(ctx, cv.Contract, m))
		}
	})
	if err != nil {
		return nil, err
	}
	if v.Has(authz.Supplier) && v.OrganisationID != 0 {
		bids, err := s.YourBids(ctx)
		if err != nil {
			return nil, err
		}
		now := time.Now()
		for _, b := range bids {
			comp := b.Edges.Competition
			due := DeadlineFor(comp, b.OrganisationID)
			record, link := fmt.Sprintf("Your bid for %s", comp.Edges.Challenge.Title), fmt.Sprintf("/bids/%d", b.ID)
			as := BidActions(b, comp, now)
			if as.Allows("edit") && !as.Allows("submit") {
				// A draft with something still to write is work too, before its deadline.
				out = append(out, WorkItem{Action: "edit", What: "Finish your bid", Kind: "bid", Record: record, Link: link, Due: &due})
			}
			add("bid", record, link, &due, as)
		}
	}
	if v.Has(authz.Assessor) {
		mine, err := s.YourAssessments(ctx)
		if err != nil {
			return nil, err
		}
		for _, y := range mine {
			item := WorkItem{Kind: "assignment", Record: fmt.Sprintf("%q from %s", y.Bid.Title, y.Bid.Edges.Competition.Edges.Challenge.Title),
				Link: fmt.Sprintf("/assignments/%d", y.Assignment.ID)}
			if !y.Due.IsZero() {
				due := y.Due
				item.Due = &due
			}
			switch as := AssignmentActions(y); {
			case as.Allows("accept"):
				item.Action, item.What = "accept", "Say whether you will assess this bid"
			case as.Allows("score") && y.Mine == nil:
				item.Action, item.What = "score", "Score this bid"
			default:
				continue
			}
			out = append(out, item)
		}
	}
	slices.SortStableFunc(out, func(a, b WorkItem) int {
		switch {
		case a.Due != nil && b.Due != nil:
			return a.Due.Compare(*b.Due)
		case a.Due != nil:
			return -1
		case b.Due != nil:
			return 1
		}
		return 0
	})
	return out, nil
}

// Waiting is what another person must do next on a record the viewer works on.
type Waiting struct {
	On     string // who: the supplier's name, "the challenge owner" or "the programme team"
	What   string // what they must do, as their button says
	Kind   string // the kind of record, one of WorkKinds
	Record string
	Link   string
}

// WaitingOnOthers is what others must do next on the contracts the viewer works on, and their
// milestones: the work the same action model gives each other party, so what waits on them is
// exactly what their own queue asks of them.
func (s *Service) WaitingOnOthers(ctx context.Context) ([]Waiting, error) {
	v, _ := authz.FromContext(ctx)
	var out []Waiting
	err := s.eachRunningContract(ctx, func(cv ContractView, name string) {
		k := cv.Contract
		mine := map[string]bool{
			domain.BySupplier:  v.Has(authz.Supplier) && v.OrganisationID == k.OrganisationID,
			domain.ByOwner:     v.Has(authz.ChallengeOwner), // the privacy rules leave an owner only their own
			domain.ByProgramme: v.Has(authz.ProgrammeOfficer),
			domain.ByFinance:   v.Has(authz.Finance),
		}
		on := map[string]string{domain.BySupplier: k.Edges.Organisation.Name, domain.ByOwner: "the challenge owner", domain.ByProgramme: "the programme team",
			domain.ByFinance: "finance"}
		// Every party's actions at once: a viewer holding every role, of the supplier's
		// organisation. ContractActions and MilestoneActions judge the records already read and
		// never read the store, so this viewer reaches nothing.
		everyone := authz.NewContext(ctx, authz.Viewer{Roles: authz.Roles, OrganisationID: k.OrganisationID})
		add := func(kind, record, link string, as Actions) {
			for _, a := range as {
				party, ok := workParties[kind+" "+a.Name]
				if a.Allowed && ok && !mine[party] {
					out = append(out, Waiting{On: on[party], What: a.Label, Kind: kind, Record: record, Link: link})
				}
			}
		}
		add("contract", name, contractLink(k), s.ContractActions(everyone, cv))
		for _, m := range cv.Milestones {
			add("milestone", milestoneName(m, name), milestoneLink(k, m), s.MilestoneActions(everyone, k, m))
		}
	})
	return out, err
}

// eachRunningContract calls f with each contract in the viewer's scope that is offered or
// running, and its name as a person reads it.
func (s *Service) eachRunningContract(ctx context.Context, f func(cv ContractView, name string)) error {
	v, _ := authz.FromContext(ctx)
	if !v.Has(authz.ProgrammeOfficer) && !v.Has(authz.ChallengeOwner) && !v.Has(authz.Supplier) && !v.Has(authz.Finance) {
		return nil
	}
	ks, err := s.DB.Contract.Query().Where(contract.StatusIn(domain.ContractOffered, domain.ContractActive, domain.ContractReported)).
		WithOrganisation().WithGateDecision().WithCompetition(func(q *ent.CompetitionQuery) { q.WithChallenge() }).
		Order(ent.Asc(contract.FieldID)).All(ctx)
	if err != nil {
		return err
	}
	for _, k := range ks {
		cv, err := s.contractView(ctx, k)
		if err != nil {
			return err
		}
		f(cv, fmt.Sprintf("%s's phase %d contract for %s", k.Edges.Organisation.Name, k.Phase, cv.Challenge().Title))
	}
	return nil
}

func contractLink(k *ent.Contract) string { return fmt.Sprintf("/contracts/%d", k.ID) }

func milestoneLink(k *ent.Contract, m *ent.Milestone) string {
	return fmt.Sprintf("/contracts/%d#milestone-%d", k.ID, m.Number)
}

func milestoneName(m *ent.Milestone, of string) string {
	return fmt.Sprintf("Milestone %d, %s, of %s", m.Number, m.Deliverable, of)
}

// Done is something the person did, as their history lists it.
type Done struct {
	At   time.Time
	What string // the record and what was done to it: "Bid 12: submitted"
	Link string // the record's page, where it has one
}

// quietActions are recorded but are not work a person looks back on.
var quietActions = []string{"person.signed_in", "person.sign_in_linked", "bid.saved"}

// donePages are the record kinds with a page of their own.
var donePages = map[string]string{"challenge": "/challenges/%d", "competition": "/competitions/%d", "bid": "/bids/%d", "contract": "/contracts/%d"}

// DoneRecently is the viewer's own latest actions, newest first, from the audit trail: the work
// queue's history. The trail's privacy rule lets each person read what they did.
func (s *Service) DoneRecently(ctx context.Context, limit int) ([]Done, error) {
	v, _ := authz.FromContext(ctx)
	if v.Email == "" {
		return nil, nil
	}
	rows, err := s.DB.AuditEvent.Query().Where(auditevent.ActorEqualFold(v.Email), auditevent.ActionNotIn(quietActions...)).
		Order(ent.Desc(auditevent.FieldID)).Limit(limit).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Done, 0, len(rows))
	for _, e := range rows {
		// "bid.submitted" on bid 12 is "Bid 12: submitted"; "milestone.paid" on contract 3 is
		// "Contract 3: milestone paid".
		of, did, _ := strings.Cut(e.Action, ".")
		if did == "" || of != e.RecordType {
			did = strings.TrimSpace(of + " " + did)
		}
		d := Done{At: e.At, What: fmt.Sprintf("%s %d: %s", domain.UpperFirst(strings.ReplaceAll(e.RecordType, "_", " ")), e.RecordID,
			strings.ReplaceAll(did, "_", " "))}
		if page, ok := donePages[e.RecordType]; ok {
			d.Link = fmt.Sprintf(page, e.RecordID)
		}
		out = append(out, d)
	}
	return out, nil
}
