package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/devstack/s3server"
	"github.com/catalyst-sbri/catalyst/docstore"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

var (
	docs  *docstore.Store
	s3srv *s3server.Server // the one S3 server, for benchmarks that go to it directly
)

// TestMain runs one real S3 server (versitygw allows one per process) for the tests here.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "api-test")
	if err != nil {
		panic(err)
	}
	srv, err := s3server.Start(dir)
	if err != nil {
		panic(err)
	}
	s3srv = srv
	docs, err = docstore.New(docstore.Config{Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey,
		Bucket: "api-test", MaxSize: 1 << 20})
	if err == nil {
		err = docs.EnsureBucket(context.Background())
	}
	if err != nil {
		panic(err)
	}
	code := m.Run()
	_ = srv.Stop()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// The personas of the access tests: each role, in scope of the world's records ("own") and out
// of it ("other").
const (
	anon             = "anonymous"
	admin            = "admin"
	ownerOwn         = "owner-own"
	ownerOther       = "owner-other"
	assessorAssigned = "assessor-assigned"
	assessorOther    = "assessor-other"
	supplierOwn      = "supplier-own"
	supplierOther    = "supplier-other"
)

var personas = []string{anon, admin, ownerOwn, ownerOther, assessorAssigned, assessorOther, supplierOwn, supplierOther}

// world is a small programme on a real database, with a token per persona:
//
//   - challenge A (owned by owner-own) has a closed competition with two bids: Acme's (assigned
//     to assessor-assigned, assessed, with a document and a contract) and Binsight's (assigned
//     to assessor-other);
//   - challenge D (owned by owner-own) is a draft nobody else may see;
//   - challenge E (owned by owner-other) has an open competition with Acme's submitted, sealed
//     bid and Binsight's draft.
type world struct {
	t      testing.TB
	db     *ent.Client
	h      http.Handler
	tokens map[string]string
	people map[string]*ent.Person

	challengeA, challengeD, challengeE *ent.Challenge
	compA, compE                       *ent.Competition
	bidAcme, bidBinsight               *ent.Bid // in compA
	sealedAcme, draftBinsight          *ent.Bid // in compE
	docAcme, docSealed                 *ent.Document
	clarification                      *ent.Clarification
	joinRequest                        *ent.JoinRequest
	contractAcme                       *ent.Contract
	milestoneAcme                      *ent.Milestone
	assignAcme                         *ent.Assignment
	interestAnn                        *ent.Interest // assessor-assigned's declared interest in Binsight
	spareToken                         *ent.APIToken // a token that may be revoked
	criterion                          *ent.ScreeningCriterion
}

func newWorld(t testing.TB) *world {
	t.Helper()
	ctx := testdb.Fixture()
	db := testdb.Open(t)
	h, err := newTestHandler(t, Deps{DB: db, Docs: docs, SessionKey: make([]byte, 32), DevSignIn: true, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, db: db, h: h, tokens: map[string]string{}, people: map[string]*ent.Person{}}
	acme := db.Organisation.Create().SetName("Acme").SetEmailDomain("acme.example").SaveX(ctx)
	binsight := db.Organisation.Create().SetName("Binsight").SetEmailDomain("binsight.example").SaveX(ctx)
	council := db.Organisation.Create().SetName("Anytown").SetEmailDomain("anytown.gov.uk").SetPublicBody(true).SaveX(ctx)
	panel := db.Organisation.Create().SetName("Panel").SetEmailDomain("panel.example").SaveX(ctx)
	mk := func(key, email string, role authz.Role, org *ent.Organisation) {
		p := db.Person.Create().SetName(key).SetEmail(email).SetRoles([]string{string(role)}).SetOrganisationID(org.ID).SaveX(ctx)
		secret := authz.NewAPIToken()
		db.APIToken.Create().SetName(key).SetTokenHash(authz.HashSecret(secret)).SetPersonID(p.ID).SetRole(string(role)).
			SetIssuedBy("test").SetCreatedAt(time.Now()).ExecX(ctx)
		w.tokens[key], w.people[key] = secret, p
	}
	mk(admin, "admin@programme.example", authz.Admin, council)
	mk(ownerOwn, "owner@anytown.gov.uk", authz.ChallengeOwner, council)
	mk(ownerOther, "other-owner@anytown.gov.uk", authz.ChallengeOwner, council)
	mk(assessorAssigned, "ann@panel.example", authz.Assessor, panel)
	mk(assessorOther, "otto@panel.example", authz.Assessor, panel)
	mk(supplierOwn, "dana@acme.example", authz.Supplier, acme)
	mk(supplierOther, "ed@binsight.example", authz.Supplier, binsight)
	w.spareToken = db.APIToken.Create().SetName("spare").SetTokenHash(authz.HashSecret(authz.NewAPIToken())).
		SetPersonID(w.people[supplierOwn].ID).SetRole(string(authz.Supplier)).SetIssuedBy("test").SetCreatedAt(time.Now()).SaveX(ctx)

	challenge := func(title string, owner string, stage domain.ChallengeStage) *ent.Challenge {
		return db.Challenge.Create().SetTitle(title).SetPublicBody("Anytown").SetProblem("P").SetStage(stage).
			SetOwnerID(w.people[owner].ID).SaveX(ctx)
	}
	competition := func(ch *ent.Challenge, status domain.CompetitionStatus, closes time.Time) *ent.Competition {
		return db.Competition.Create().SetChallengeID(ch.ID).SetPhase(1).SetStatus(status).SetOpenedAt(time.Now().Add(-time.Hour)).
			SetClosesAt(closes).SetPot(domain.Pounds(250_000)).SetMaxContract(domain.Pounds(50_000)).SetScheme(domain.DefaultScheme()).SaveX(ctx)
	}
	bid := func(comp *ent.Competition, org *ent.Organisation, status domain.BidStatus) *ent.Bid {
		c := db.Bid.Create().SetCompetitionID(comp.ID).SetOrganisationID(org.ID).SetTitle(org.Name + " bid").
			SetAmount(domain.Pounds(40_000)).SetStatus(status)
		if status != domain.BidDraft {
			c.SetSubmittedAt(time.Now()).SetReceipt(fmt.Sprintf("R-%d-%d", comp.ID, org.ID))
		}
		return c.SaveX(ctx)
	}
	document := func(b *ent.Bid) *ent.Document {
		stored, err := docs.Put(ctx, docstore.NewKey("bids"), strings.NewReader("%PDF-1.4\nproposal\n%%EOF\n"))
		if err != nil {
			t.Fatal(err)
		}
		return db.Document.Create().SetObjectKey(stored.Key).SetFilename("proposal.pdf").SetContentType(stored.ContentType).
			SetSize(stored.Size).SetSha256(stored.SHA256).SetBidID(b.ID).SaveX(ctx)
	}

	w.challengeA = challenge("Missed bins", ownerOwn, domain.ChallengePhase1Assessment)
	w.compA = competition(w.challengeA, domain.CompetitionAssessment, time.Now().Add(-time.Minute))
	w.compA = db.Competition.UpdateOne(w.compA).SetAssignmentsReleasedAt(time.Now()).SaveX(ctx) // assessors are at work
	w.bidAcme = bid(w.compA, acme, domain.BidSubmitted)
	w.bidBinsight = bid(w.compA, binsight, domain.BidSubmitted)
	w.docAcme = document(w.bidAcme)
	w.assignAcme = db.Assignment.Create().SetCompetitionID(w.compA.ID).SetBidID(w.bidAcme.ID).SetAssessorID(w.people[assessorAssigned].ID).SaveX(ctx)
	db.Assignment.Create().SetCompetitionID(w.compA.ID).SetBidID(w.bidBinsight.ID).SetAssessorID(w.people[assessorOther].ID).ExecX(ctx)
	scores := map[string]domain.CriterionScore{}
	for _, c := range domain.DefaultScheme().Criteria {
		scores[c.Key] = domain.CriterionScore{Score: 8, Comment: "Clear plan, from " + w.people[assessorAssigned].Email}
	}
	db.Assessment.Create().SetBidID(w.bidAcme.ID).SetAssessorID(w.people[assessorAssigned].ID).SetScores(scores).
		SetInScope(true).SetFund(true).SetPercent(80).ExecX(ctx)
	w.interestAnn = db.Interest.Create().SetAssessorID(w.people[assessorAssigned].ID).SetOrganisationID(binsight.ID).
		SetKind(domain.InterestProfessional).SetDescription("Advised Binsight on its data platform in 2025").SaveX(ctx)
	// Acme's contract is one a supplier may see: its competition's outcomes are released. (That
	// compA is still in assessment is a shortcut: tests that need the release to wait clear it.)
	w.compA = db.Competition.UpdateOne(w.compA).SetFeedbackReleasedAt(time.Now()).SaveX(ctx)
	w.contractAcme = db.Contract.Create().SetBidID(w.bidAcme.ID).SetCompetitionID(w.compA.ID).SetOrganisationID(acme.ID).
		SetPhase(1).SetValue(domain.Pounds(40_000)).SetAwardedValue(domain.Pounds(40_000)).SetStatus(domain.ContractActive).
		SetStartsOn(time.Now().AddDate(0, 0, -7)).SetEndsOn(time.Now().AddDate(0, 0, 76)).SaveX(ctx)
	w.milestoneAcme = db.Milestone.Create().SetContractID(w.contractAcme.ID).SetNumber(1).SetDeliverable("A feasibility study").
		SetSuccessCriteria("The owner can decide on it").SetMonth(1).SetAmount(domain.Pounds(15_000)).SaveX(ctx)
	db.Milestone.Create().SetContractID(w.contractAcme.ID).SetNumber(2).SetDeliverable("The trial and its report").
		SetMonth(3).SetAmount(domain.Pounds(25_000)).ExecX(ctx)

	w.criterion = db.ScreeningCriterion.Create().SetText("The public body commits to buy what works").SaveX(ctx)
	w.challengeD = challenge("Draft idea", ownerOwn, domain.ChallengeDraft)
	w.challengeE = challenge("Potholes", ownerOther, domain.ChallengePhase1Open)
	w.compE = competition(w.challengeE, domain.CompetitionOpen, time.Now().Add(time.Hour))
	w.sealedAcme = bid(w.compE, acme, domain.BidSubmitted)
	w.draftBinsight = bid(w.compE, binsight, domain.BidDraft)
	w.docSealed = document(w.sealedAcme)
	newbie := db.Person.Create().SetName("Nia New").SetEmail("nia@acme.example").SetRoles([]string{"supplier"}).SaveX(ctx)
	w.joinRequest = db.JoinRequest.Create().SetPersonID(newbie.ID).SetOrganisationID(acme.ID).SaveX(ctx)
	w.clarification = db.Clarification.Create().SetCompetitionID(w.compE.ID).SetOrganisationID(acme.ID).
		SetAskedByID(w.people[supplierOwn].ID).SetQuestion("May a consortium bid?").SaveX(ctx)

	// A trail on both challenges, written the way the service writes it.
	for _, ev := range []struct {
		rec string
		id  int
	}{{"challenge", w.challengeA.ID}, {"bid", w.bidAcme.ID}, {"challenge", w.challengeE.ID}} {
		if err := db.WithTx(ctx, func(tx *ent.Tx) error {
			return activities.Audit(ctx, tx, authz.Actor{Who: "fixture"}, "fixture.made", ev.rec, ev.id, nil, nil)
		}); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// unreleased takes back the release of compA's outcomes, for tests of what waits for it.
func (w *world) unreleased() {
	w.compA = w.db.Competition.UpdateOne(w.compA).ClearFeedbackReleasedAt().SaveX(testdb.Fixture())
}

// do sends a request as a persona (by API token; anonymous sends none).
func (w *world) do(persona, method, path, body string, header ...string) *httptest.ResponseRecorder {
	w.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	if body != "" && !strings.HasPrefix(body, "--") {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if persona != anon {
		req.Header.Set("Authorization", "Bearer "+w.tokens[persona])
	}
	rec := httptest.NewRecorder()
	w.h.ServeHTTP(rec, req)
	return rec
}

// quiet keeps request logs out of test output.
var quiet = slog.New(slog.DiscardHandler)
