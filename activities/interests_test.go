package activities

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/assignment"
	"github.com/catalyst-sbri/catalyst/ent/auditevent"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/records"
)

// panel is a competition being assessed: Acme's and Binsight's bids, three assessors from a
// panel firm, two per bid, assigned by the rules.
type panel struct {
	db                *ent.Client
	comp              *ent.Competition
	acme, binsight    *ent.Organisation
	bidAcme, bidBin   *ent.Bid
	assessors         []*ent.Person
	supplier          *ent.Person
	acmeAssessorIDs   []int // who the rules gave Acme's bid, in assessor order
	unassignedForAcme *ent.Person
}

func newPanel(t *testing.T) *panel {
	t.Helper()
	ctx := testdb.Fixture()
	p := &panel{db: testdb.Open(t)}
	db := p.db
	p.acme = db.Organisation.Create().SetName("Acme").SetEmailDomain("acme.example").SaveX(ctx)
	p.binsight = db.Organisation.Create().SetName("Binsight").SetEmailDomain("binsight.example").SaveX(ctx)
	firm := db.Organisation.Create().SetName("Panel").SetEmailDomain("panel.example").SaveX(ctx)
	for _, name := range []string{"ann", "otto", "pat"} {
		p.assessors = append(p.assessors, db.Person.Create().SetName(name).SetEmail(name+"@panel.example").
			SetRoles([]string{string(authz.Assessor)}).SetOrganisationID(firm.ID).SaveX(ctx))
	}
	p.supplier = db.Person.Create().SetName("dana").SetEmail("dana@acme.example").SetRoles([]string{string(authz.Supplier)}).
		SetOrganisationID(p.acme.ID).SaveX(ctx)
	ch := db.Challenge.Create().SetTitle("Missed bins").SetPublicBody("Anytown").SetProblem("P").
		SetStage(domain.ChallengePhase1Assessment).SaveX(ctx)
	p.comp = db.Competition.Create().SetChallengeID(ch.ID).SetPhase(1).SetStatus(domain.CompetitionAssessment).
		SetOpenedAt(time.Now().Add(-time.Hour)).SetClosesAt(time.Now().Add(-time.Minute)).SetPot(domain.Pounds(250_000)).
		SetMaxContract(domain.Pounds(50_000)).SetScheme(domain.DefaultScheme()).SetAssessorsPerBid(2).SaveX(ctx)
	bid := func(org *ent.Organisation) *ent.Bid {
		return db.Bid.Create().SetCompetitionID(p.comp.ID).SetOrganisationID(org.ID).SetTitle(org.Name + " bid").
			SetAmount(domain.Pounds(40_000)).SetStatus(domain.BidSubmitted).SetSubmittedAt(time.Now()).SaveX(ctx)
	}
	p.bidAcme, p.bidBin = bid(p.acme), bid(p.binsight)
	if err := db.WithTx(ctx, func(tx *ent.Tx) error {
		_, err := records.AssignAssessors(ctx, tx, p.comp.ID, authz.Actor{})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	p.acmeAssessorIDs = p.standing(t, p.bidAcme)
	if len(p.acmeAssessorIDs) != 2 {
		t.Fatalf("Acme's bid has assessors %v, want two", p.acmeAssessorIDs)
	}
	for _, a := range p.assessors {
		if a.ID != p.acmeAssessorIDs[0] && a.ID != p.acmeAssessorIDs[1] {
			p.unassignedForAcme = a
		}
	}
	return p
}

// standing lists the assessors whose assignment to b stands.
func (p *panel) standing(t *testing.T, b *ent.Bid) []int {
	t.Helper()
	ids, err := p.db.Assignment.Query().Where(assignment.BidID(b.ID), assignment.StatusEQ(assignment.StatusAssigned)).
		Order(ent.Asc(assignment.FieldAssessorID)).Select(assignment.FieldAssessorID).Ints(testdb.Fixture())
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func (p *panel) declare(in records.DeclareInterestInput) (*ent.Interest, error) {
	ctx := testdb.Fixture()
	var d *ent.Interest
	err := p.db.WithTx(ctx, func(tx *ent.Tx) error {
		var err error
		d, err = records.DeclareInterest(ctx, tx, in)
		return err
	})
	return d, err
}

// TestDeclaringAnInterestHandsTheBidToAnotherAssessor: an assessor on Acme's bid declares an
// interest in Acme; at once the bid is theirs no more, it has its two assessors again, and the
// trail says why.
func TestDeclaringAnInterestHandsTheBidToAnotherAssessor(t *testing.T) {
	p := newPanel(t)
	ctx := testdb.Fixture()
	ann := p.acmeAssessorIDs[0]
	d, err := p.declare(records.DeclareInterestInput{AssessorID: ann, OrganisationID: p.acme.ID, Kind: domain.InterestEmployer,
		Description: "  Worked at Acme until March  ", Actor: authz.Actor{Who: "ann@panel.example"}})
	if err != nil {
		t.Fatal(err)
	}
	if d.Description != "Worked at Acme until March" || d.WithdrawnAt != nil {
		t.Errorf("declared %+v", d)
	}
	got := p.standing(t, p.bidAcme)
	want := []int{p.acmeAssessorIDs[1], p.unassignedForAcme.ID}
	if len(got) != 2 || !(got[0] == want[0] && got[1] == want[1] || got[0] == want[1] && got[1] == want[0]) {
		t.Errorf("Acme's bid now has assessors %v, want %v", got, want)
	}
	old := p.db.Assignment.Query().Where(assignment.BidID(p.bidAcme.ID), assignment.AssessorID(ann)).OnlyX(ctx)
	if old.Status != assignment.StatusDeclined || !strings.Contains(old.DeclinedReason, "declared an interest in Acme") {
		t.Errorf("the old assignment is %s (%q)", old.Status, old.DeclinedReason)
	}
	for _, action := range []string{"interest.declared", "assignment.withdrawn"} {
		if n := p.db.AuditEvent.Query().Where(auditevent.Action(action)).CountX(ctx); n != 1 {
			t.Errorf("%d %s events, want 1", n, action)
		}
	}
	if _, err := ChainPending(ctx, p.db); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyAudit(ctx, p.db); err != nil {
		t.Errorf("the trail does not verify: %v", err)
	}

	// The same declaration again is refused; another kind in the same supplier is not.
	_, err = p.declare(records.DeclareInterestInput{AssessorID: ann, OrganisationID: p.acme.ID, Kind: domain.InterestEmployer, Description: "again"})
	if !errors.Is(err, domain.ErrInvalidInput) || !strings.Contains(err.Error(), "already declared") {
		t.Errorf("a repeated declaration: %v", err)
	}
	if _, err := p.declare(records.DeclareInterestInput{AssessorID: ann, OrganisationID: p.acme.ID, Kind: domain.InterestPersonalFinancial,
		Description: "Hold shares"}); err != nil {
		t.Errorf("a second kind of interest: %v", err)
	}

	// Withdrawing keeps the record and does not hand the bid back.
	var w *ent.Interest
	if err := p.db.WithTx(ctx, func(tx *ent.Tx) error {
		w, err = records.WithdrawInterest(ctx, tx, d.ID, authz.Actor{Who: "ann@panel.example"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if w.WithdrawnAt == nil {
		t.Error("withdrawn, but no time recorded")
	}
	if err := p.db.WithTx(ctx, func(tx *ent.Tx) error {
		_, err := records.AssignAssessors(ctx, tx, p.comp.ID, authz.Actor{})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got := p.standing(t, p.bidAcme); len(got) != 2 || got[0] == ann || got[1] == ann {
		t.Errorf("after withdrawal Acme's bid has %v; the declined assessor must not come back", got)
	}
}

// TestAStandingInterestKeepsAnAssessorOffTheBid: declared before the deadline, an interest
// means the rules never give the assessor that supplier's bid; withdrawn, it no longer counts.
func TestAStandingInterestKeepsAnAssessorOffTheBid(t *testing.T) {
	p := newPanel(t)
	ctx := testdb.Fixture()
	pat := p.unassignedForAcme.ID
	// Two assessors out of three are needed per bid; with Pat barred from Acme, Acme's bid
	// must go to the other two.
	if _, err := p.declare(records.DeclareInterestInput{AssessorID: pat, OrganisationID: p.acme.ID, Kind: domain.InterestFamily,
		Description: "My brother works there"}); err != nil {
		t.Fatal(err)
	}
	withdrawn, err := p.declare(records.DeclareInterestInput{AssessorID: pat, OrganisationID: p.binsight.ID, Kind: domain.InterestPersonal,
		Description: "A friend works there"})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.db.WithTx(ctx, func(tx *ent.Tx) error {
		_, err := records.WithdrawInterest(ctx, tx, withdrawn.ID, authz.Actor{})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// A second competition closes with both suppliers bidding again, and one more assessor per bid.
	comp2 := p.db.Competition.Create().SetChallengeID(p.comp.ChallengeID).SetPhase(2).SetStatus(domain.CompetitionAssessment).
		SetOpenedAt(time.Now().Add(-time.Hour)).SetClosesAt(time.Now().Add(-time.Minute)).SetPot(domain.Pounds(1_000_000)).
		SetMaxContract(domain.Pounds(500_000)).SetScheme(domain.DefaultScheme()).SetAssessorsPerBid(3).SaveX(ctx)
	acme2 := p.db.Bid.Create().SetCompetitionID(comp2.ID).SetOrganisationID(p.acme.ID).SetTitle("Acme phase 2").
		SetAmount(domain.Pounds(400_000)).SetStatus(domain.BidSubmitted).SetSubmittedAt(time.Now()).SaveX(ctx)
	bin2 := p.db.Bid.Create().SetCompetitionID(comp2.ID).SetOrganisationID(p.binsight.ID).SetTitle("Binsight phase 2").
		SetAmount(domain.Pounds(400_000)).SetStatus(domain.BidSubmitted).SetSubmittedAt(time.Now()).SaveX(ctx)
	var short []domain.Shortfall
	if err := p.db.WithTx(ctx, func(tx *ent.Tx) error {
		short, err = records.AssignAssessors(ctx, tx, comp2.ID, authz.Actor{})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for _, a := range p.standing(t, acme2) {
		if a == pat {
			t.Error("Pat was given Acme's bid despite a declared interest")
		}
	}
	if got := p.standing(t, bin2); len(got) != 3 {
		t.Errorf("Binsight's bid has %v: Pat's withdrawn interest should not keep them off it", got)
	}
	if len(short) != 1 || short[0].BidID != acme2.ID || !strings.Contains(short[0].Reason, "no conflict with Acme") {
		t.Errorf("shortfall %+v, want Acme's bid short of one, for the conflict", short)
	}
}

// TestADeclarationNamesEveryProblem: bad input is refused at once, all of it named, and
// nothing is written.
func TestADeclarationNamesEveryProblem(t *testing.T) {
	p := newPanel(t)
	ctx := testdb.Fixture()
	_, err := p.declare(records.DeclareInterestInput{AssessorID: p.assessors[0].ID, Kind: "cousin", Description: " "})
	var ps domain.Problems
	if !errors.As(err, &ps) || !errors.Is(err, domain.ErrInvalidInput) {
		t.Fatalf("error %v: want the problems field by field", err)
	}
	for field, want := range map[string]string{"organisation_id": "Choose the organisation", "kind": "Choose the kind of interest (one of employer", "description": "Describe the interest"} {
		if !strings.HasPrefix(ps.For(field), want) {
			t.Errorf("%s: %q does not say %q", field, ps.For(field), want)
		}
	}
	if _, err := p.declare(records.DeclareInterestInput{AssessorID: p.supplier.ID, OrganisationID: p.binsight.ID,
		Kind: domain.InterestEmployer, Description: "x"}); err == nil || !strings.Contains(err.Error(), "is a supplier") {
		t.Errorf("a supplier declaring: %v", err)
	}
	if _, err := p.declare(records.DeclareInterestInput{AssessorID: p.assessors[0].ID, OrganisationID: 999_999,
		Kind: domain.InterestEmployer, Description: "x"}); err == nil || !strings.Contains(err.Error(), "no organisation 999999") {
		t.Errorf("an unknown organisation: %v", err)
	}
	if n := p.db.Interest.Query().CountX(ctx); n != 0 {
		t.Errorf("%d interests written by refused declarations", n)
	}
}

// TestAConflictedScoreLeavesTheMean: a score given before the assessor declared an interest
// does not count in the decision.
func TestAConflictedScoreLeavesTheMean(t *testing.T) {
	p := newPanel(t)
	ctx := testdb.Fixture()
	scheme := domain.DefaultScheme()
	assess := func(assessor, score int) domain.Assessment {
		a := domain.Assessment{AssessorID: assessor, Scores: map[string]domain.CriterionScore{}, InScope: true, Fund: true}
		for _, c := range scheme.Criteria {
			a.Scores[c.Key] = domain.CriterionScore{Score: score, Comment: "seen"}
		}
		p.db.Assessment.Create().SetBidID(p.bidAcme.ID).SetAssessorID(assessor).SetScores(a.Scores).
			SetInScope(true).SetFund(true).SetPercent(scheme.Percent(a)).ExecX(ctx)
		return a
	}
	generous := assess(p.acmeAssessorIDs[0], 10)
	fair := assess(p.acmeAssessorIDs[1], 6)
	if _, err := p.declare(records.DeclareInterestInput{AssessorID: generous.AssessorID, OrganisationID: p.acme.ID,
		Kind: domain.InterestProfessional, Description: "Consulted for Acme"}); err != nil {
		t.Fatal(err)
	}
	acts := &Activities{DB: p.db}
	if _, err := acts.DecideCompetition(ctx, DecideCompetitionInput{CompetitionID: p.comp.ID}); err != nil {
		t.Fatal(err)
	}
	b := p.db.Bid.GetX(ctx, p.bidAcme.ID)
	want := scheme.Score(domain.BidScores{BidID: b.ID, Assessments: []domain.Assessment{fair}}).Percent
	both := scheme.Score(domain.BidScores{BidID: b.ID, Assessments: []domain.Assessment{generous, fair}}).Percent
	if b.Score == nil || *b.Score != want || want == both {
		t.Errorf("Acme's score = %v, want %v from the unconflicted assessor alone (both would give %v)", b.Score, want, both)
	}
	// Each bid's outcome is in the trail, with its score and reason.
	ev := p.db.AuditEvent.Query().Where(auditevent.RecordType("bid"), auditevent.RecordID(b.ID)).OnlyX(ctx)
	if ev.Action != "bid."+string(b.Status) || !strings.Contains(ev.After, b.OutcomeReason) {
		t.Errorf("the trail of Acme's outcome: %s %s", ev.Action, ev.After)
	}
}

// TestAssignmentsAreFixedOnceDecided: after the decision an assessor can no longer decline, so
// the feedback and the score keep coming from the same assessments; nothing is written.
func TestAssignmentsAreFixedOnceDecided(t *testing.T) {
	p := newPanel(t)
	ctx := testdb.Fixture()
	p.db.Competition.UpdateOne(p.comp).SetStatus(domain.CompetitionDecided).ExecX(ctx)
	a := p.db.Assignment.Query().Where(assignment.BidID(p.bidAcme.ID), assignment.AssessorID(p.acmeAssessorIDs[0])).OnlyX(ctx)
	before := p.db.AuditEvent.Query().CountX(ctx)
	err := p.db.WithTx(ctx, func(tx *ent.Tx) error {
		_, err := records.DeclineAssignment(ctx, tx, a.ID, records.Decline{Reason: "I advised Acme last year"}, authz.Actor{Who: "ann@panel.example"})
		return err
	})
	if !errors.Is(err, domain.ErrInvalidTransition) || !strings.Contains(err.Error(), "Decided") {
		t.Fatalf("declining after the decision: %v; want a refusal naming the state", err)
	}
	if got := p.standing(t, p.bidAcme); len(got) != 2 || p.db.AuditEvent.Query().CountX(ctx) != before {
		t.Errorf("after the refusal Acme's bid has %v and the trail grew: nothing should change", got)
	}
}

// TestInterestsAreDeclaredInSuppliersOnly: a public body is not a supplier, so no interest in
// one is recorded.
func TestInterestsAreDeclaredInSuppliersOnly(t *testing.T) {
	p := newPanel(t)
	ctx := testdb.Fixture()
	council := p.db.Organisation.Create().SetName("Anytown Council").SetPublicBody(true).SaveX(ctx)
	_, err := p.declare(records.DeclareInterestInput{AssessorID: p.assessors[0].ID, OrganisationID: council.ID,
		Kind: domain.InterestEmployer, Description: "I worked there"})
	var ps domain.Problems
	if !errors.As(err, &ps) || !strings.Contains(ps.For("organisation_id"), "public body") {
		t.Fatalf("an interest in a public body: %v", err)
	}
	if n := p.db.Interest.Query().CountX(ctx); n != 0 {
		t.Errorf("%d interests written", n)
	}
}

// TestTheOwnerIsToldOfTheProgrammesDecision: selecting or rejecting a challenge writes a
// notice to its owner in the same transaction, with the round or the reason.
func TestTheOwnerIsToldOfTheProgrammesDecision(t *testing.T) {
	db := testdb.Open(t)
	ctx := testdb.Fixture()
	council := db.Organisation.Create().SetName("Anytown").SetPublicBody(true).SaveX(ctx)
	owner := db.Person.Create().SetName("Tom").SetEmail("tom@anytown.gov.uk").SetRoles([]string{string(authz.ChallengeOwner)}).
		SetOrganisationID(council.ID).SaveX(ctx)
	round := db.Round.Create().SetName("Round 1").SetBudget(domain.Pounds(1_000_000)).SetStartsAt(time.Now()).SetEndsAt(time.Now().AddDate(1, 0, 0)).SaveX(ctx)
	a := &Activities{DB: db}
	mk := func(title string) *ent.Challenge {
		return db.Challenge.Create().SetTitle(title).SetPublicBody("Anytown").SetProblem("P").SetStage(domain.ChallengeSubmitted).
			SetOwnerID(owner.ID).SaveX(ctx)
	}
	bins, permits := mk("Bins"), mk("Permits")
	if err := a.SetChallengeStage(ctx, SetChallengeStageInput{ChallengeID: bins.ID, To: domain.ChallengeSelected, RoundID: round.ID}); err != nil {
		t.Fatal(err)
	}
	if err := a.SetChallengeStage(ctx, SetChallengeStageInput{ChallengeID: permits.ID, To: domain.ChallengeRejected,
		Actor: authz.Actor{Who: "priya@programme.example", Reason: "A product already does this."}}); err != nil {
		t.Fatal(err)
	}
	// A retry writes nothing twice.
	if err := a.SetChallengeStage(ctx, SetChallengeStageInput{ChallengeID: permits.ID, To: domain.ChallengeRejected}); err != nil {
		t.Fatal(err)
	}
	notices := db.Notice.Query().AllX(ctx)
	if len(notices) != 2 {
		t.Fatalf("%d notices, want one per decision", len(notices))
	}
	got := map[string]string{}
	for _, n := range notices {
		if n.RecipientID != owner.ID {
			t.Errorf("a notice went to %d, not the owner", n.RecipientID)
		}
		got[n.Template] = domain.NoticeTemplate(n.Template).Text(n.Values)
	}
	if !strings.Contains(got["challenge_selected"], "“Bins” was selected into Round 1") ||
		!strings.Contains(got["challenge_rejected"], "A product already does this.") {
		t.Errorf("notices read %v", got)
	}
}

// TestDecliningForCapacityExcludesNothing: a conflict keeps the assessor's score of the bid out
// for good; a decline for capacity only hands the bid on. Either way another assessor takes it.
func TestDecliningForCapacityExcludesNothing(t *testing.T) {
	p := newPanel(t)
	ctx := testdb.Fixture()
	decline := func(assessorID int, why records.Decline) {
		a := p.db.Assignment.Query().Where(assignment.BidID(p.bidAcme.ID), assignment.AssessorID(assessorID)).OnlyX(ctx)
		if err := p.db.WithTx(ctx, func(tx *ent.Tx) error {
			_, err := records.DeclineAssignment(ctx, tx, a.ID, why, authz.Actor{Who: "assessor"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	busy, conflicted := p.acmeAssessorIDs[0], p.acmeAssessorIDs[1]
	decline(busy, records.Decline{Capacity: true})
	decline(conflicted, records.Decline{Reason: "I advised Acme last year"})
	got, err := records.Conflicts(ctx, p.db.Assignment, assignment.BidID(p.bidAcme.ID))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got[domain.Pair{BidID: p.bidAcme.ID, AssessorID: busy}]; ok {
		t.Error("a decline for capacity counts as a conflict")
	}
	if got[domain.Pair{BidID: p.bidAcme.ID, AssessorID: conflicted}] != "I advised Acme last year" {
		t.Errorf("the conflict is not recorded: %v", got)
	}
	if standing := p.standing(t, p.bidAcme); len(standing) != 1 || slices.Contains(standing, busy) || slices.Contains(standing, conflicted) {
		t.Errorf("after two declines Acme's bid has %v: the third assessor should have it", standing)
	}
	// A conflict needs its reason; capacity does not.
	a := p.db.Assignment.Query().Where(assignment.BidID(p.bidBin.ID)).FirstX(ctx)
	err = p.db.WithTx(ctx, func(tx *ent.Tx) error {
		_, err := records.DeclineAssignment(ctx, tx, a.ID, records.Decline{}, authz.Actor{Who: "assessor"})
		return err
	})
	var ps domain.Problems
	if !errors.As(err, &ps) || ps.For("reason") != "Say what the conflict of interest is" {
		t.Errorf("a conflict without its reason: %v", err)
	}
}
