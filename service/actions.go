package service

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/ent/contract"
)

// Action is something a person might do to a record: whether they may do it now, and if not,
// the domain's reason, the same words the command's refusal would use. Each action's rule is
// one function that its command calls too (the may… functions below, or a domain check), so
// a page that offers an action and the command it sends cannot disagree.
type Action struct {
	Name    string // the command, as the pages and the API name it: "submit", "start-bid"
	Label   string // what a button says
	Allowed bool
	Reason  string // why not now, when not allowed
}

// Actions are what a person may do to one record now, and what not yet and why.
type Actions []Action

// Find is the named action; ok is false when it is not the viewer's to take at all.
func (as Actions) Find(name string) (Action, bool) {
	for _, a := range as {
		if a.Name == name {
			return a, true
		}
	}
	return Action{}, false
}

// Get is the named action, or none (an empty Name) when it is not the viewer's to take: for
// templates, which take one value.
func (as Actions) Get(name string) Action {
	a, _ := as.Find(name)
	return a
}

// Allows reports whether the named action is the viewer's and allowed now.
func (as Actions) Allows(name string) bool {
	a, ok := as.Find(name)
	return ok && a.Allowed
}

func (as *Actions) add(name, label string, err error) {
	a := Action{Name: name, Label: label, Allowed: err == nil}
	if err != nil {
		a.Reason = reason(err)
	}
	*as = append(*as, a)
}

// ChallengeActions lists what the viewer may do to a challenge now, and what not yet and why.
// Only the actions that belong to the viewer's roles are listed.
func (s *Service) ChallengeActions(ctx context.Context, ch *ent.Challenge) (Actions, error) {
	v, _ := authz.FromContext(ctx)
	admin := v.Has(authz.ProgrammeOfficer)
	owner := admin || (v.Has(authz.ChallengeOwner) && s.MayChangeChallenge(ctx, ch.ID) == nil)
	var out Actions
	if owner && ch.Stage == domain.ChallengeSubmitted {
		out.add("edit", "Change your answers", ch.Stage.Edit())
	}
	if owner && ch.Stage == domain.ChallengeDraft {
		out.add("edit", "Change your answers", ch.Stage.Edit())
		err := MissingAnswers(ch).Err()
		if _, serr := ch.Stage.Submit(); serr != nil {
			err = serr
		}
		out.add("submit", "Submit challenge", err)
	}
	// Naming delegates belongs to those who act for the challenge: its owner, and (refused,
	// with why) its delegates. Other owners are not told even that it has any.
	acts, err := s.actsForChallenge(ctx, v, ch.ID)
	if err != nil {
		return nil, err
	}
	if acts {
		err := s.mayManageDelegates(ctx, ch.ID)
		if err != nil && !isRefusal(err) {
			return nil, err
		}
		out.add("delegates", "Name or remove delegates", err)
	}
	if admin && (ch.Stage == domain.ChallengeSubmitted || ch.Stage == domain.ChallengeDraft) {
		_, err := ch.Stage.Select()
		criteria, cerr := s.ScreeningCriteria(ctx, false)
		if cerr != nil {
			return nil, cerr
		}
		if len(criteria) > 0 { // with none in force, screening is no part of the programme's work
			out.add("screen", "Screen this challenge", err)
		}
		out.add("select", "Select or reject this challenge", err)
		if err == nil {
			if serr := s.checkScreened(ctx, ch.ID); serr != nil {
				out.add("select-only", "Select this challenge", serr)
			}
		}
	}
	if admin && (ch.Stage == domain.ChallengeSelected || ch.Stage == domain.ChallengePhase1Contracts) {
		phase := phaseToOpen(ch.Stage)
		label := fmt.Sprintf("Set up the phase %d competition", phase)
		for _, c := range ch.Edges.Competitions {
			if c.Phase == phase && c.Status == domain.CompetitionDraft {
				label = fmt.Sprintf("Continue setting up the phase %d competition", phase)
			}
		}
		_, err := s.maySetUpCompetition(ctx, ch)
		if err != nil && !isRefusal(err) {
			return nil, err
		}
		out.add("setup", label, err)
	}
	if admin && ch.Stage == domain.ChallengePhase1Contracts && (ch.GateGo == nil || *ch.GateGo == domain.GateNoGo) {
		err := domain.CheckChallengeGate(ch.Stage, ch.GateGo, domain.GateNoGo)
		if err == nil {
			if err = s.noInterestInContractors(ctx, ch.ID); err != nil && !isRefusal(err) {
				return nil, err
			}
		}
		out.add("gate", "Decide the challenge-level gate", err)
	}
	if admin && ch.Stage == domain.ChallengePhase2Contracts {
		err := s.mayComplete(ctx, ch)
		if err != nil && !isRefusal(err) {
			return nil, err
		}
		out.add("complete", "Record the outcome", err)
	}
	return out, nil
}

// maySetUpCompetition is the rule for setting up a challenge's next competition, which
// StartCompetitionSetup applies and the challenge's page offers: the challenge is selected
// (phase 1), or the stage gate has decided every phase 1 contract and continued someone.
func (s *Service) maySetUpCompetition(ctx context.Context, ch *ent.Challenge) (int, error) {
	phase := phaseToOpen(ch.Stage)
	if _, err := ch.Stage.OpenCompetition(phase); err != nil {
		return phase, err
	}
	if phase == 1 {
		return phase, nil
	}
	undecided, continued, err := s.undecidedContracts(ctx, ch.ID, 1)
	if err != nil {
		return phase, err
	}
	return phase, domain.CheckPhaseTwoSetUp(undecided, continued)
}

// mayComplete is the rule for recording a challenge's outcome, which CompleteChallenge applies
// and the challenge's page offers: after phase 2, once the final gate has decided every contract.
func (s *Service) mayComplete(ctx context.Context, ch *ent.Challenge) error {
	undecided, _, err := s.undecidedContracts(ctx, ch.ID, 2)
	if err != nil {
		return err
	}
	return domain.CheckComplete(ch.Stage, undecided)
}

// undecidedContracts names each of a challenge's phase contracts the gate has still to decide,
// as a person reads it, and counts those it continued.
func (s *Service) undecidedContracts(ctx context.Context, challengeID, phase int) ([]string, int, error) {
	ks, err := s.DB.Contract.Query().Where(contract.HasCompetitionWith(competition.ChallengeID(challengeID), competition.Phase(phase))).
		WithOrganisation().Order(ent.Asc(contract.FieldID)).All(authz.AsSystem(ctx, contractsName))
	if err != nil {
		return nil, 0, err
	}
	var undecided []string
	continued := 0
	for _, k := range ks {
		switch k.Status {
		case domain.ContractOffered, domain.ContractActive, domain.ContractReported:
			undecided = append(undecided, fmt.Sprintf("%s's phase %d contract (%s: decide it at the gate on that contract's page)",
				k.Edges.Organisation.Name, phase, strings.ToLower(k.Status.Label()[:1])+k.Status.Label()[1:]))
		case domain.ContractContinued:
			continued++
		}
	}
	return undecided, continued, nil
}

// CompetitionActions lists what the viewer may do to a competition now, and what not yet and
// why: a supplier starts a bid or asks a question; the programme extends the deadline,
// finishes the eligibility check, makes the decision from the panel sheet and releases it.
func (s *Service) CompetitionActions(ctx context.Context, comp *ent.Competition) (Actions, error) {
	v, _ := authz.FromContext(ctx)
	now := time.Now()
	var out Actions
	if v.Has(authz.Supplier) && v.OrganisationID != 0 {
		org, err := s.DB.Organisation.Get(ctx, v.OrganisationID)
		if err != nil {
			return nil, err
		}
		yours, err := s.YourBidIn(ctx, comp.ID)
		if err != nil {
			return nil, err
		}
		if yours == nil {
			out.add("start-bid", "Start a bid", mayStartBid(comp, org, now))
		}
		out.add("ask", "Ask a question", domain.CheckClarification(comp.Status, comp.ClarificationClosesAt, now))
	}
	if v.Has(authz.ProgrammeOfficer) {
		if comp.Status.CheckSetUp() == nil {
			out.add("set-up", "Continue setting it up", nil)
		}
		if comp.Status.CheckAmend() == nil && len(comp.Scheme.Criteria) > 0 {
			out.add("amend", "Amend the questions", domain.CheckAmendmentTime(comp.ClosesAt, now))
		}
		if comp.Status.CheckEligibility() == nil {
			out.add("decide-eligibility", "Decide a bid's eligibility", nil)
		}
		out.add("extend", "Extend the deadline", domain.CheckExtension(comp.Status, comp.ClosesAt, comp.ClosesAt.Add(time.Minute), now))
		if comp.Status == domain.CompetitionEligibility {
			err := s.EligibilityReadiness(ctx, comp)
			if err != nil && !isRefusal(err) {
				return nil, err
			}
			out.add("finish-eligibility", "Finish the eligibility check", err)
		}
		err := s.mayDecide(ctx, comp)
		if err != nil && !isRefusal(err) {
			return nil, err
		}
		out.add("decide", "Propose the decision", err)
		if comp.FundingProposal != nil && comp.Status == domain.CompetitionAssessment { // once decided, its proposal is history
			out.add("withdraw-proposal", "Withdraw the proposed decision", domain.CheckWithdrawal(comp.FundingProposal, comp.Status))
		}
		if comp.FeedbackReleasedAt == nil { // releasing again changes nothing, so is not offered
			out.add("release", "Release outcomes and feedback", comp.Status.ReleaseFeedback())
		}
	}
	if v.Approves() && comp.Status == domain.CompetitionAssessment {
		_, approve := s.mayApprove(ctx, comp)
		_, answer := s.mayAnswer(ctx, comp)
		for _, err := range []error{approve, answer} {
			if err != nil && !isRefusal(err) {
				return nil, err
			}
		}
		out.add("approve-decision", "Approve the decision", approve)
		out.add("refuse-decision", "Refuse the decision", answer)
	}
	return out, nil
}

// mayStartBid is the rule for starting a bid, which CreateBid applies and the competition's
// page offers: the competition takes bids, a supplier (not a public body) bids, and in phase 2
// only the suppliers the stage gate continued.
func mayStartBid(comp *ent.Competition, org *ent.Organisation, now time.Time) error {
	if err := domain.BidDraft.CheckChange(comp.Status, DeadlineFor(comp, org.ID), now); err != nil {
		return err
	}
	if org.PublicBody {
		return domain.Problems{{Field: "organisation_id", Message: fmt.Sprintf("%s is a public body: only suppliers bid", org.Name)}}
	}
	if comp.Phase == 2 && !slices.Contains(comp.EligibleOrganisations, org.ID) {
		return &Refusal{Kind: Forbidden, Code: "not-eligible", Title: "Not eligible",
			Detail: fmt.Sprintf("%s cannot bid: phase 2 is open only to the phase 1 suppliers the stage gate continued", org.Name)}
	}
	return nil
}

// isRefusal tells a rule's refusal (which an action shows as its reason) from a failure to
// read the records (which the page reports as an error).
func isRefusal(err error) bool {
	var te *domain.TransitionError
	var ps domain.Problems
	var r *Refusal
	return errors.As(err, &te) || errors.As(err, &ps) || errors.As(err, &r)
}

// reason is a refusal in words a page shows after "You cannot … yet:".
func reason(err error) string {
	var msg string
	switch e := err.(type) {
	case *domain.TransitionError:
		msg = e.Reason
	case *Refusal:
		msg = e.Detail
	case domain.Problems:
		parts := make([]string, len(e))
		for i, p := range e {
			parts[i] = strings.ToLower(p.Message[:1]) + p.Message[1:]
		}
		msg = strings.Join(parts, "; ")
	default:
		msg = err.Error()
	}
	return msg
}

// orgName is the contract's supplier as a person reads it.
func orgName(k *ent.Contract) string {
	if o := k.Edges.Organisation; o != nil {
		return o.Name
	}
	return "the supplier"
}

// ContractActions lists what the viewer may do to a contract now, and what not yet and why: the
// supplier accepts it and reports; the programme schedules and records the show-and-tell and
// decides the gate; the challenge owner recommends. Each rule is the one its command applies.
func (s *Service) ContractActions(ctx context.Context, v ContractView) Actions {
	viewer, _ := authz.FromContext(ctx)
	k, st := v.Contract, v.Show
	supplier := viewer.Has(authz.Supplier) && viewer.OrganisationID == k.OrganisationID
	programme := viewer.Has(authz.ProgrammeOfficer)
	owner := viewer.Has(authz.ChallengeOwner) // the contract is in their scope only if theirs; their judgement is their own
	held := st != nil && st.HeldAt != nil
	// Whoever declared an interest in the supplier acts on none of this: each of their actions is
	// refused with that reason, before any other.
	conflicted := noInterest(viewer, k.OrganisationID, orgName(k))
	var out Actions
	if supplier && k.Status == domain.ContractOffered {
		_, err := k.Status.Accept()
		out.add("accept", "Accept the contract", err)
	}
	if supplier && (k.Status == domain.ContractOffered || k.Status == domain.ContractActive) {
		_, err := k.Status.Report()
		out.add("report", "Send your end-of-phase report", err)
	}
	running := gateOpen(k, "schedule the show-and-tell of") == nil
	if programme && running && !held {
		out.add("schedule-show-and-tell", "Schedule the show-and-tell", nil)
		var err error
		if st == nil {
			err = noShowAndTell()
		}
		out.add("record-show-and-tell", "Record the show-and-tell", err)
	}
	if owner && running {
		out.add("recommend", "Recommend at the gate", heldForRecommendation(st))
	}
	if programme && running {
		out.add("gate", "Record the gate's decision", mayDecideGate(k, v.Evidence))
	}
	if programme && k.Status == domain.ContractOffered {
		out.add("adjust-terms", "Change the term and milestones", k.Status.Adjust())
	}
	if supplier && k.Status.CheckProgress() == nil {
		out.add("progress", "Send your progress update", nil)
	}
	if owner && running {
		out.add("review-midpoint", "Review the midpoint", mayReviewMidpoint(k))
	}
	if conflicted != nil && !supplier {
		for i := range out {
			out[i].Allowed, out[i].Reason = false, reason(conflicted)
		}
	}
	return out
}

// MilestoneActions lists what the viewer may do to one of the contract's milestones now: the
// supplier submits its deliverable, the challenge owner reviews it, finance records its payment
// (never the person who accepted it). Each rule is the one its command applies; a milestone whose
// state offers this person nothing has no actions.
func (s *Service) MilestoneActions(ctx context.Context, k *ent.Contract, m *ent.Milestone) Actions {
	viewer, _ := authz.FromContext(ctx)
	conflicted := noInterest(viewer, k.OrganisationID, orgName(k))
	var out Actions
	if viewer.Has(authz.Supplier) && viewer.OrganisationID == k.OrganisationID && (m.Status == domain.MilestonePlanned || m.Status == domain.MilestoneChangesAsked) {
		_, err := m.Status.Submit(k.Status)
		out.add("submit-deliverable", "Submit the deliverable", err)
	}
	if viewer.Has(authz.ChallengeOwner) && m.Status == domain.MilestoneSubmitted {
		_, err := m.Status.Review(true, k.Status)
		out.add("review", "Review the deliverable", cmp.Or(conflicted, err))
	}
	if viewer.Has(authz.Finance) && m.Status == domain.MilestoneAccepted {
		out.add("pay", "Record the payment", cmp.Or(conflicted, mayPay(m, viewer.Name())))
	}
	return out
}

// BidActions lists what a bid's supplier may do to it now, and what not yet and why: change
// and submit its draft; confirm it again after the questions changed; reopen or withdraw it
// before the deadline. Each rule is the domain's, as its command applies it.
func BidActions(b *ent.Bid, comp *ent.Competition, now time.Time) Actions {
	deadline := DeadlineFor(comp, b.OrganisationID)
	var out Actions
	switch b.Status {
	case domain.BidDraft:
		change := b.Status.CheckChange(comp.Status, deadline, now)
		out.add("edit", "Change your bid", change)
		submit := change
		if submit == nil {
			submit = ContentOf(b).Missing(RulesOf(comp)).Err()
		}
		out.add("submit", "Submit your bid", submit)
	case domain.BidSubmitted:
		if domain.NeedsConfirmation(b.SubmittedAt, b.ConfirmedAt, comp.AmendedAt) {
			out.add("confirm", "Confirm your bid", b.Status.CheckConfirm(comp.Status, deadline, now))
		}
		out.add("reopen", "Reopen your bid to change it", b.Status.CheckReopen(comp.Status, deadline, now))
		out.add("withdraw", "Withdraw your bid", b.Status.CheckWithdraw(comp.Status, deadline, now))
	}
	return out
}

// AssignmentActions are what an assessor may do with a bid given to them now: say they will
// assess it (until they have answered), decline it (until they have), and score it.
func AssignmentActions(y YourAssessment) Actions {
	var as Actions
	answer := answerOf(y.Assignment, y.Mine != nil)
	if answer == domain.AnswerNotAnswered {
		as.add("accept", "Yes, I have no conflict and will assess it", y.MayAccept())
	}
	if answer != domain.AnswerDeclined {
		as.add("decline", "Decline the bid", y.MayDecline())
	}
	as.add("score", "Score the bid", y.MayScore())
	return as
}

// PersonActions are what an admin may do to a person's record now: change their roles (while
// they may sign in), and deactivate them (never their own of either). Others have none.
func PersonActions(ctx context.Context, p *ent.Person) Actions {
	v, _ := authz.FromContext(ctx)
	if !v.Has(authz.Admin) {
		return nil
	}
	var as Actions
	as.add("change", "Save changes", mayChangePerson(v, p))
	as.add("end-sessions", "End their sessions", mayEndSessions(v, p))
	if p.DeactivatedAt == nil {
		as.add("deactivate", "Deactivate "+p.Name, mayDeactivate(v, p.ID))
	}
	return as
}

// PeopleActions are what the viewer may do to the list of people now: add a person (an admin),
// and import suppliers (the programme team).
func PeopleActions(ctx context.Context) Actions {
	v, _ := authz.FromContext(ctx)
	var as Actions
	as.add("add", "Add person", mayManagePeople(v))
	as.add("import", "Import suppliers", mayImportSuppliers(v))
	return as
}

// mayManagePeople is the rule every change to people applies: an admin's, never a programme
// officer's, so that who holds which power is decided apart from its use.
func mayManagePeople(v authz.Viewer) error {
	if !v.Has(authz.Admin) {
		return forbidden("only an admin adds people and changes their roles")
	}
	return nil
}

// mayChangePerson is the rule ChangePerson applies: a deactivated person's roles stay as they
// were, and nobody changes their own (another administrator must).
func mayChangePerson(v authz.Viewer, p *ent.Person) error {
	if err := mayManagePeople(v); err != nil {
		return err
	}
	if p.ID == v.PersonID {
		return conflict("self-change", "you cannot change your own roles: ask another admin")
	}
	if p.DeactivatedAt != nil {
		return conflict("person-deactivated", "%s is deactivated and cannot sign in, so their roles and organisation stay as they were", p.Name)
	}
	return nil
}

// mayDeactivate is the rule DeactivatePerson applies: nobody deactivates themselves.
func mayDeactivate(v authz.Viewer, id int) error {
	if err := mayManagePeople(v); err != nil {
		return err
	}
	if v.PersonID == id {
		return conflict("self-deactivation", "you cannot deactivate yourself: ask another admin")
	}
	return nil
}
