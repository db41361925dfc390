// Package rule holds Catalyst's privacy rules: who may read and change which records. It is the
// one place access is decided at the data layer. Every policy allows named system identities,
// applies the viewer's scope as a filter (so a list, a count and an eager-loaded edge show only
// what a direct read would), and denies everything else.
package rule

import (
	"context"
	"slices"

	"entgo.io/ent/dialect/sql"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/apitoken"
	"github.com/catalyst-sbri/catalyst/ent/assessment"
	"github.com/catalyst-sbri/catalyst/ent/assignment"
	"github.com/catalyst-sbri/catalyst/ent/auditevent"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/challenge"
	"github.com/catalyst-sbri/catalyst/ent/clarification"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/ent/contract"
	"github.com/catalyst-sbri/catalyst/ent/correctionrequest"
	"github.com/catalyst-sbri/catalyst/ent/document"
	"github.com/catalyst-sbri/catalyst/ent/gatedecision"
	"github.com/catalyst-sbri/catalyst/ent/interest"
	"github.com/catalyst-sbri/catalyst/ent/joinrequest"
	"github.com/catalyst-sbri/catalyst/ent/milestone"
	"github.com/catalyst-sbri/catalyst/ent/notice"
	"github.com/catalyst-sbri/catalyst/ent/organisation"
	"github.com/catalyst-sbri/catalyst/ent/person"
	"github.com/catalyst-sbri/catalyst/ent/predicate"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/showandtell"
)

// AllowSystem allows a named system identity; people fall through to the next rule.
func AllowSystem() privacy.QueryMutationRule {
	return privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		if v, ok := authz.FromContext(ctx); ok && v.IsSystem() {
			return privacy.Allow
		}
		return privacy.Skip
	})
}

// AllowRole allows any person holding one of the roles.
func AllowRole(roles ...authz.Role) privacy.QueryMutationRule {
	return privacy.ContextQueryMutationRule(func(ctx context.Context) error {
		if v, ok := authz.FromContext(ctx); ok && slices.ContainsFunc(roles, v.Has) {
			return privacy.Allow
		}
		return privacy.Skip
	})
}

// AllowAnyone allows every query, signed in or not: for records that are public by nature.
func AllowAnyone() privacy.QueryRule {
	return privacy.QueryRuleFunc(func(context.Context, ent.Query) error { return privacy.Allow })
}

// DenyChange refuses updates and deletes, whoever asks: for append-only records.
func DenyChange() privacy.MutationRule {
	return privacy.MutationRuleFunc(func(_ context.Context, m ent.Mutation) error {
		if m.Op().Is(ent.OpCreate) {
			return privacy.Skip
		}
		return privacy.Denyf("%s records are never changed or deleted", m.Type())
	})
}

// OnlySequencing keeps the audit trail append-only with one exception: the sequencer sets a
// pending event's place and chain hashes, and nothing else of it. Nobody deletes an event.
func OnlySequencing() privacy.MutationRule {
	return privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
		switch {
		case m.Op().Is(ent.OpCreate):
			return privacy.Skip
		case m.Op().Is(ent.OpUpdateOne) || m.Op().Is(ent.OpUpdate):
			v, ok := authz.FromContext(ctx)
			placing := ok && v.System == authz.Sequencer && len(m.ClearedFields()) == 0
			for _, f := range m.Fields() {
				placing = placing && slices.Contains([]string{auditevent.FieldSeq, auditevent.FieldPrevHash, auditevent.FieldHash}, f)
			}
			if placing {
				return privacy.Skip
			}
		}
		return privacy.Denyf("%s records are never changed or deleted", m.Type())
	})
}

// person returns the signed-in person acting, if any.
func personViewer(ctx context.Context) (authz.Viewer, bool) {
	v, ok := authz.FromContext(ctx)
	return v, ok && !v.IsSystem() && v.PersonID != 0
}

// scope combines the predicates a viewer's roles reach. all means no filter is needed; an
// empty, not-all scope reaches nothing.
type scope[P ~func(*sql.Selector)] struct {
	all   bool
	preds []P
}

func (s *scope[P]) add(p ...P) { s.preds = append(s.preds, p...) }

// apply filters with the scope. A scope that reaches nothing filters everything out, so a list
// or an eager-loaded edge is empty (and a direct read "not found") rather than an error.
func apply[P ~func(*sql.Selector)](s scope[P], where func(...P), or func(...P) P) error {
	switch {
	case s.all:
		return privacy.Allow
	case len(s.preds) == 0:
		where(func(sel *sql.Selector) { sel.Where(sql.False()) })
	case len(s.preds) == 1:
		where(s.preds[0])
	default:
		where(or(s.preds...))
	}
	return privacy.Allow
}

// ownsChallenge: the viewer is the challenge's owner, who alone changes it.
func ownsChallenge(v authz.Viewer) predicate.Challenge {
	return challenge.HasOwnerWith(person.ID(v.PersonID))
}

// actsForChallenge: the viewer owns the challenge or is a delegate its owner named, and so
// reads what the owner reads of it.
func actsForChallenge(v authz.Viewer) predicate.Challenge {
	return challenge.Or(ownsChallenge(v), challenge.HasDelegatesWith(person.ID(v.PersonID)))
}

// published challenges have opened a competition: their problem statement is public.
var published = challenge.HasCompetitionsWith(competition.StatusNEQ(domain.CompetitionDraft))

// ChallengeScope is what a viewer may see of challenges; anonymous sees the published ones.
func ChallengeScope(ctx context.Context) scope[predicate.Challenge] {
	v, _ := personViewer(ctx)
	s := scope[predicate.Challenge]{all: v.Has(authz.ProgrammeOfficer)}
	s.add(published)
	if v.Has(authz.ChallengeOwner) {
		s.add(actsForChallenge(v))
	}
	return s
}

// FilterChallenges applies ChallengeScope.
func FilterChallenges() privacy.ChallengeQueryRuleFunc {
	return func(ctx context.Context, q *ent.ChallengeQuery) error {
		return apply(ChallengeScope(ctx), func(p ...predicate.Challenge) { q.Where(p...) }, challenge.Or)
	}
}

// FilterCompetitions shows competitions of the challenges the viewer may see.
func FilterCompetitions() privacy.CompetitionQueryRuleFunc {
	return func(ctx context.Context, q *ent.CompetitionQuery) error {
		cs := ChallengeScope(ctx)
		if cs.all {
			return privacy.Allow
		}
		q.Where(competition.HasChallengeWith(challenge.Or(cs.preds...)))
		// A competition being set up is the programme's and the challenge owner's alone.
		v, _ := personViewer(ctx)
		if v.Has(authz.ChallengeOwner) {
			q.Where(competition.Or(competition.StatusNEQ(domain.CompetitionDraft), competition.HasChallengeWith(actsForChallenge(v))))
		} else {
			q.Where(competition.StatusNEQ(domain.CompetitionDraft))
		}
		return privacy.Allow
	}
}

// closed is a competition past its deadline: until then every bid is sealed.
var closed = bid.HasCompetitionWith(competition.StatusNEQ(domain.CompetitionOpen))

var submitted = bid.StatusNEQ(domain.BidDraft)

// released is a bid whose competition's assignments the programme has released: assessors see
// nothing of their bids before then.
var released = bid.HasCompetitionWith(competition.AssignmentsReleasedAtNotNil())

// BidScope: a bid is sealed to everyone but its own organisation until its competition closes;
// after that the programme sees submitted bids, an owner those in their challenges, and an
// assessor only those assigned to them and not declined.
func BidScope(ctx context.Context) scope[predicate.Bid] {
	var s scope[predicate.Bid]
	v, ok := personViewer(ctx)
	if !ok {
		return s
	}
	if v.ReadsPanelSheet() { // the programme, the panel and those who approve its decision
		s.add(bid.And(submitted, closed))
	}
	if v.Has(authz.ChallengeOwner) {
		s.add(bid.And(submitted, closed, bid.HasCompetitionWith(competition.HasChallengeWith(actsForChallenge(v)))))
	}
	if v.Has(authz.Assessor) {
		s.add(bid.And(submitted, closed, released, bid.HasAssignmentsWith(assignment.AssessorID(v.PersonID), assignment.StatusEQ(assignment.StatusAssigned))))
	}
	if v.Has(authz.Supplier) && v.OrganisationID != 0 {
		s.add(bid.OrganisationID(v.OrganisationID))
	}
	return s
}

// FilterBids applies BidScope.
func FilterBids() privacy.BidQueryRuleFunc {
	return func(ctx context.Context, q *ent.BidQuery) error {
		return apply(BidScope(ctx), func(p ...predicate.Bid) { q.Where(p...) }, bid.Or)
	}
}

// ContractScope: the programme and finance see every contract, an owner those of their
// challenges, a supplier its own organisation's.
func ContractScope(ctx context.Context) scope[predicate.Contract] {
	var s scope[predicate.Contract]
	v, ok := personViewer(ctx)
	if !ok {
		return s
	}
	s.all = v.Has(authz.ProgrammeOfficer) || v.Has(authz.Finance) // finance pays what contracts make due
	if v.Has(authz.ChallengeOwner) {
		s.add(contract.HasCompetitionWith(competition.HasChallengeWith(actsForChallenge(v))))
	}
	if v.Has(authz.Supplier) && v.OrganisationID != 0 {
		// A supplier learns of its contract with its outcome, when the programme releases it.
		s.add(contract.And(contract.OrganisationID(v.OrganisationID), contract.HasCompetitionWith(competition.FeedbackReleasedAtNotNil())))
	}
	return s
}

// FilterContracts applies ContractScope.
func FilterContracts() privacy.ContractQueryRuleFunc {
	return func(ctx context.Context, q *ent.ContractQuery) error {
		return apply(ContractScope(ctx), func(p ...predicate.Contract) { q.Where(p...) }, contract.Or)
	}
}

// FilterGateDecisions shows the gate decisions of contracts the viewer may see.
func FilterGateDecisions() privacy.GateDecisionQueryRuleFunc {
	return func(ctx context.Context, q *ent.GateDecisionQuery) error {
		cs := ContractScope(ctx)
		var s scope[predicate.GateDecision]
		s.all = cs.all
		if len(cs.preds) > 0 {
			s.add(gatedecision.HasContractWith(contract.Or(cs.preds...)))
		}
		return apply(s, func(p ...predicate.GateDecision) { q.Where(p...) }, gatedecision.Or)
	}
}

// FilterMilestones shows the milestones of contracts the viewer may see.
func FilterMilestones() privacy.MilestoneQueryRuleFunc {
	return func(ctx context.Context, q *ent.MilestoneQuery) error {
		cs := ContractScope(ctx)
		var s scope[predicate.Milestone]
		s.all = cs.all
		if len(cs.preds) > 0 {
			s.add(milestone.HasContractWith(contract.Or(cs.preds...)))
		}
		return apply(s, func(p ...predicate.Milestone) { q.Where(p...) }, milestone.Or)
	}
}

// FilterShowAndTells shows the show-and-tells of contracts the viewer may see.
func FilterShowAndTells() privacy.ShowAndTellQueryRuleFunc {
	return func(ctx context.Context, q *ent.ShowAndTellQuery) error {
		cs := ContractScope(ctx)
		var s scope[predicate.ShowAndTell]
		s.all = cs.all
		if len(cs.preds) > 0 {
			s.add(showandtell.HasContractWith(contract.Or(cs.preds...)))
		}
		return apply(s, func(p ...predicate.ShowAndTell) { q.Where(p...) }, showandtell.Or)
	}
}

// documentScope: a document is readable with the bid or contract it belongs to.
func documentScope(ctx context.Context) scope[predicate.Document] {
	var s scope[predicate.Document]
	if bs := BidScope(ctx); len(bs.preds) > 0 {
		s.add(document.HasBidWith(bid.Or(bs.preds...)))
	}
	cs := ContractScope(ctx)
	if cs.all {
		s.add(document.HasContract(), document.HasMilestone())
	} else if len(cs.preds) > 0 {
		s.add(document.HasContractWith(contract.Or(cs.preds...)), document.HasMilestoneWith(milestone.HasContractWith(contract.Or(cs.preds...))))
	}
	// A challenge's evidence: its owner and the programme read it.
	if v, ok := personViewer(ctx); ok {
		if v.Has(authz.ProgrammeOfficer) {
			s.add(document.HasChallenge())
		} else if v.Has(authz.ChallengeOwner) {
			s.add(document.HasChallengeWith(actsForChallenge(v)))
		}
	}
	return s
}

// FilterDocuments shows a document only with the bid or contract it belongs to.
func FilterDocuments() privacy.DocumentQueryRuleFunc {
	return func(ctx context.Context, q *ent.DocumentQuery) error {
		return apply(documentScope(ctx), func(p ...predicate.Document) { q.Where(p...) }, document.Or)
	}
}

func ownerOfBid(v authz.Viewer) predicate.Bid {
	return bid.HasCompetitionWith(competition.HasChallengeWith(actsForChallenge(v)))
}

// FilterAssessments: an assessor sees only their own scores, never another's; the programme,
// those who approve its funding decisions and the challenge's owner see all of a bid's; a supplier sees its own bids' assessments only
// once feedback is released (and the API never shows them who wrote them).
func FilterAssessments() privacy.AssessmentQueryRuleFunc {
	return func(ctx context.Context, q *ent.AssessmentQuery) error {
		var s scope[predicate.Assessment]
		if v, ok := personViewer(ctx); ok {
			s.all = v.ReadsPanelSheet()
			if v.Has(authz.ChallengeOwner) {
				s.add(assessment.HasBidWith(ownerOfBid(v)))
			}
			if v.Has(authz.Assessor) {
				s.add(assessment.AssessorID(v.PersonID))
			}
			if v.Has(authz.Supplier) && v.OrganisationID != 0 {
				s.add(assessment.HasBidWith(bid.OrganisationID(v.OrganisationID),
					bid.HasCompetitionWith(competition.FeedbackReleasedAtNotNil())))
			}
		}
		return apply(s, func(p ...predicate.Assessment) { q.Where(p...) }, assessment.Or)
	}
}

// FilterAssignments: an assessor sees their own once released; the programme all; an owner
// their challenges'.
func FilterAssignments() privacy.AssignmentQueryRuleFunc {
	return func(ctx context.Context, q *ent.AssignmentQuery) error {
		var s scope[predicate.Assignment]
		if v, ok := personViewer(ctx); ok {
			s.all = v.Has(authz.ProgrammeOfficer)
			if v.Has(authz.ChallengeOwner) {
				s.add(assignment.HasBidWith(ownerOfBid(v)))
			}
			if v.Has(authz.Assessor) {
				// Their own, once the programme has released the competition's assignments.
				s.add(assignment.And(assignment.AssessorID(v.PersonID), assignment.HasBidWith(released)))
			}
		}
		return apply(s, func(p ...predicate.Assignment) { q.Where(p...) }, assignment.Or)
	}
}

// FilterPeople: the programme sees everyone; others see themselves and their organisation's
// members. Suppliers never see an assessor.
func FilterPeople() privacy.PersonQueryRuleFunc {
	return func(ctx context.Context, q *ent.PersonQuery) error {
		var s scope[predicate.Person]
		if v, ok := personViewer(ctx); ok {
			s.all = v.InProgrammeTeam()
			s.add(person.ID(v.PersonID))
			if v.OrganisationID != 0 {
				s.add(person.HasOrganisationWith(organisation.ID(v.OrganisationID)))
			}
		}
		return apply(s, func(p ...predicate.Person) { q.Where(p...) }, person.Or)
	}
}

// FilterAuditEvents: the programme reads the whole trail, an owner their challenges' trail,
// everyone what they did themselves; and nobody reads an event about a bid or a document they
// may not read themselves. So while a
// competition is open its trail shows no one who is bidding, and a draft that was never
// submitted never shows at all: the trail is sealed exactly as the records are.
func FilterAuditEvents() privacy.AuditEventQueryRuleFunc {
	return func(ctx context.Context, q *ent.AuditEventQuery) error {
		var s scope[predicate.AuditEvent]
		if v, ok := personViewer(ctx); ok {
			readable := auditOfReadableRecords(ctx)
			if v.InProgrammeTeam() {
				s.add(readable)
			}
			if v.Has(authz.ChallengeOwner) {
				s.add(auditevent.And(auditOfOwnedChallenges(v.PersonID), readable))
			}
			if v.Email != "" {
				s.add(auditevent.And(auditevent.ActorEqualFold(v.Email), readable))
			}
		}
		return apply(s, func(p ...predicate.AuditEvent) { q.Where(p...) }, auditevent.Or)
	}
}

// auditOfReadableRecords matches events whose record, if it is a bid or a document, is one the
// viewer may read by the bid and document rules themselves.
func auditOfReadableRecords(ctx context.Context) predicate.AuditEvent {
	bids := sql.Table(bid.Table)
	visibleBids := sql.Select(bids.C(bid.FieldID)).From(bids)
	restrict(visibleBids, BidScope(ctx).preds, bid.Or)
	docs := sql.Table(document.Table)
	visibleDocs := sql.Select(docs.C(document.FieldID)).From(docs)
	restrict(visibleDocs, documentScope(ctx).preds, document.Or)
	return func(s *sql.Selector) {
		s.Where(sql.And(
			sql.Or(sql.NEQ(s.C(auditevent.FieldRecordType), "bid"), sql.In(s.C(auditevent.FieldRecordID), visibleBids)),
			sql.Or(sql.NEQ(s.C(auditevent.FieldRecordType), "document"), sql.In(s.C(auditevent.FieldRecordID), visibleDocs)),
		))
	}
}

// restrict limits a subquery over a record's table to the rows a scope reaches.
func restrict[P ~func(*sql.Selector)](sel *sql.Selector, preds []P, or func(...P) P) {
	switch len(preds) {
	case 0:
		sel.Where(sql.False())
	case 1:
		preds[0](sel)
	default:
		or(preds...)(sel)
	}
}

// FilterAPITokens: the programme sees every token; a person sees their own.
func FilterAPITokens() privacy.APITokenQueryRuleFunc {
	return func(ctx context.Context, q *ent.APITokenQuery) error {
		var s scope[predicate.APIToken]
		if v, ok := personViewer(ctx); ok {
			s.all = v.Has(authz.Admin)
			s.add(apitoken.PersonID(v.PersonID))
		}
		return apply(s, func(p ...predicate.APIToken) { q.Where(p...) }, apitoken.Or)
	}
}

// FilterInterests: an assessor sees the interests they declared; the programme sees all, to
// check assignments. Nobody else does: a supplier must not learn who might assess them.
func FilterInterests() privacy.InterestQueryRuleFunc {
	return func(ctx context.Context, q *ent.InterestQuery) error {
		var s scope[predicate.Interest]
		if v, ok := personViewer(ctx); ok {
			s.all = v.Has(authz.ProgrammeOfficer)
			s.add(interest.AssessorID(v.PersonID)) // anyone's own declarations
		}
		return apply(s, func(p ...predicate.Interest) { q.Where(p...) }, interest.Or)
	}
}

// FilterNotices: a person reads the notices sent to them; the programme reads all but those
// about a competition still sealed, whose recipients would say who is bidding.
func FilterNotices() privacy.NoticeQueryRuleFunc {
	return func(ctx context.Context, q *ent.NoticeQuery) error {
		var s scope[predicate.Notice]
		if v, ok := personViewer(ctx); ok {
			if v.InProgrammeTeam() {
				s.add(noticeNotAboutSealedCompetition)
			}
			s.add(notice.RecipientID(v.PersonID))
		}
		return apply(s, func(p ...predicate.Notice) { q.Where(p...) }, notice.Or)
	}
}

// OwnerChallenges lets a challenge owner create challenges they own, and change only those.
func OwnerChallenges() privacy.ChallengeMutationRuleFunc {
	return func(ctx context.Context, m *ent.ChallengeMutation) error {
		v, ok := personViewer(ctx)
		if !ok || !v.Has(authz.ChallengeOwner) {
			return privacy.Skip
		}
		if m.Op().Is(ent.OpCreate) {
			if id, set := m.OwnerID(); set && id == v.PersonID {
				return privacy.Allow
			}
			return privacy.Denyf("a challenge owner may only create challenges they own")
		}
		m.Where(ownsChallenge(v))
		return privacy.Allow
	}
}

// SupplierBids lets a supplier start its own organisation's bids and change them while drafts.
func SupplierBids() privacy.BidMutationRuleFunc {
	return func(ctx context.Context, m *ent.BidMutation) error {
		v, ok := personViewer(ctx)
		if !ok || !v.Has(authz.Supplier) || v.OrganisationID == 0 {
			return privacy.Skip
		}
		if m.Op().Is(ent.OpCreate) {
			if org, set := m.OrganisationID(); set && org == v.OrganisationID {
				return privacy.Allow
			}
			return privacy.Denyf("a supplier may only bid for its own organisation")
		}
		m.Where(bid.OrganisationID(v.OrganisationID))
		return privacy.Allow
	}
}

// SupplierDocuments lets a supplier attach documents to its own organisation's bids.
func SupplierDocuments() privacy.DocumentMutationRuleFunc {
	return func(ctx context.Context, m *ent.DocumentMutation) error {
		v, ok := personViewer(ctx)
		if !ok || !v.Has(authz.Supplier) || v.OrganisationID == 0 || !m.Op().Is(ent.OpCreate) {
			return privacy.Skip
		}
		bidID, set := m.BidID()
		if !set {
			return privacy.Denyf("a supplier's document must belong to a bid")
		}
		own, err := m.Client().Bid.Query().Where(bid.ID(bidID), bid.OrganisationID(v.OrganisationID)).Exist(ctx)
		if err != nil {
			return err
		}
		if !own {
			return privacy.Denyf("a supplier may only add documents to its own bids")
		}
		return privacy.Allow
	}
}

// AssessorAssignments lets an assessor decline their own assignments.
func AssessorAssignments() privacy.AssignmentMutationRuleFunc {
	return func(ctx context.Context, m *ent.AssignmentMutation) error {
		v, ok := personViewer(ctx)
		if !ok || !v.Has(authz.Assessor) || !m.Op().Is(ent.OpUpdateOne|ent.OpUpdate) {
			return privacy.Skip
		}
		m.Where(assignment.AssessorID(v.PersonID))
		return privacy.Allow
	}
}

// auditOfOwnedChallenges matches events whose challenge the person owns or is a delegate for. The trail holds the
// challenge's number without a foreign key, so this is a subquery rather than an edge.
func auditOfOwnedChallenges(personID int) predicate.AuditEvent {
	return func(s *sql.Selector) {
		t := sql.Table(challenge.Table)
		owned := sql.Select(t.C(challenge.FieldID)).From(t).Where(sql.EQ(t.C(challenge.OwnerColumn), personID))
		d := sql.Table(challenge.DelegatesTable)
		delegated := sql.Select(d.C(challenge.DelegatesPrimaryKey[0])).From(d).Where(sql.EQ(d.C(challenge.DelegatesPrimaryKey[1]), personID))
		s.Where(sql.Or(sql.In(s.C(auditevent.FieldChallengeID), owned), sql.In(s.C(auditevent.FieldChallengeID), delegated)))
	}
}

// FilterClarifications: a published answer is public; before that a question is read by the
// programme and by the organisation that asked it, nobody else.
func FilterClarifications() privacy.ClarificationQueryRuleFunc {
	return func(ctx context.Context, q *ent.ClarificationQuery) error {
		s := scope[predicate.Clarification]{}
		s.add(clarification.PublishedAtNotNil())
		if v, ok := personViewer(ctx); ok {
			s.all = v.Has(authz.ProgrammeOfficer)
			if v.Has(authz.Supplier) && v.OrganisationID != 0 {
				s.add(clarification.OrganisationID(v.OrganisationID))
			}
		}
		return apply(s, func(p ...predicate.Clarification) { q.Where(p...) }, clarification.Or)
	}
}

// SupplierClarifications lets a supplier ask questions for its own organisation, as itself.
func SupplierClarifications() privacy.ClarificationMutationRuleFunc {
	return func(ctx context.Context, m *ent.ClarificationMutation) error {
		v, ok := personViewer(ctx)
		if !ok || !v.Has(authz.Supplier) || v.OrganisationID == 0 || !m.Op().Is(ent.OpCreate) {
			return privacy.Skip
		}
		org, _ := m.OrganisationID()
		by, _ := m.AskedByID()
		if org != v.OrganisationID || by != v.PersonID {
			return privacy.Denyf("a supplier asks questions only for its own organisation, as itself")
		}
		return privacy.Allow
	}
}

// noticeNotAboutSealedCompetition matches notices whose record is not an open competition.
func noticeNotAboutSealedCompetition(s *sql.Selector) {
	t := sql.Table(competition.Table)
	open := sql.Select(t.C(competition.FieldID)).From(t).Where(sql.EQ(t.C(competition.FieldStatus), string(domain.CompetitionOpen)))
	s.Where(sql.Or(
		sql.IsNull(s.C(notice.FieldRecordType)),
		sql.NEQ(s.C(notice.FieldRecordType), "competition"),
		sql.NotIn(s.C(notice.FieldRecordID), open),
	))
}

// ProgrammeEligibility lets the programme record its eligibility decision on a bid (the bid's
// status and the reason) and its interview, nothing else about it.
func ProgrammeEligibility() privacy.BidMutationRuleFunc {
	return func(ctx context.Context, m *ent.BidMutation) error {
		v, ok := personViewer(ctx)
		if !ok || !v.Has(authz.ProgrammeOfficer) || !m.Op().Is(ent.OpUpdateOne) {
			return privacy.Skip
		}
		for _, f := range m.Fields() {
			switch f {
			case bid.FieldStatus, bid.FieldEligibilityNote, bid.FieldUpdatedAt,
				bid.FieldInterviewAt, bid.FieldInterviewPlace, bid.FieldInterviewScore, bid.FieldInterviewNote:
			default:
				return privacy.Denyf("the programme records only a bid's eligibility and interview, not its %s", f)
			}
		}
		return privacy.Allow
	}
}

// FilterJoinRequests: a person reads their own requests; a supplier reads those to join its
// organisation; the programme reads all.
func FilterJoinRequests() privacy.JoinRequestQueryRuleFunc {
	return func(ctx context.Context, q *ent.JoinRequestQuery) error {
		var s scope[predicate.JoinRequest]
		if v, ok := personViewer(ctx); ok {
			s.all = v.InProgrammeTeam()
			s.add(joinrequest.PersonID(v.PersonID))
			if v.Has(authz.Supplier) && v.OrganisationID != 0 {
				s.add(joinrequest.OrganisationID(v.OrganisationID))
			}
		}
		return apply(s, func(p ...predicate.JoinRequest) { q.Where(p...) }, joinrequest.Or)
	}
}

// ChallengeEvidence lets a challenge's owner, or the programme, attach evidence documents to
// the challenge.
func ChallengeEvidence() privacy.DocumentMutationRuleFunc {
	return func(ctx context.Context, m *ent.DocumentMutation) error {
		v, ok := personViewer(ctx)
		id, set := m.ChallengeID()
		if !ok || !set || !m.Op().Is(ent.OpCreate) {
			return privacy.Skip
		}
		if v.Has(authz.ProgrammeOfficer) {
			return privacy.Allow
		}
		if !v.Has(authz.ChallengeOwner) {
			return privacy.Skip
		}
		own, err := m.Client().Challenge.Query().Where(challenge.ID(id), ownsChallenge(v)).Exist(ctx)
		if err != nil {
			return err
		}
		if !own {
			return privacy.Denyf("a challenge owner adds evidence only to their own challenges")
		}
		return privacy.Allow
	}
}

// FilterCorrectionRequests: a person reads what they asked to be corrected; the programme reads
// all.
func FilterCorrectionRequests() privacy.CorrectionRequestQueryRuleFunc {
	return func(ctx context.Context, q *ent.CorrectionRequestQuery) error {
		var s scope[predicate.CorrectionRequest]
		if v, ok := personViewer(ctx); ok {
			s.all = v.InProgrammeTeam()
			s.add(correctionrequest.PersonID(v.PersonID))
		}
		return apply(s, func(p ...predicate.CorrectionRequest) { q.Where(p...) }, correctionrequest.Or)
	}
}
