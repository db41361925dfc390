// Package testworld is the small programme on a real database, and the real S3 server, that the
// JSON API's and the pages' tests share; and the check that every answer of a documented route
// matches the OpenAPI document. It imports neither adapter, so both may use it in their own
// tests: each passes the handler it builds.
package testworld

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

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/devstack/s3server"
	"github.com/catalyst-sbri/catalyst/docstore"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/records"
	"github.com/catalyst-sbri/catalyst/scanner"
)

var (
	// Docs is the documents store on the one S3 server.
	Docs *docstore.Store
	// S3 is the one S3 server, for benchmarks that go to it directly.
	S3 *s3server.Server
)

// Main runs a package's tests beside one real S3 server (versitygw allows one per process):
// call it from TestMain.
func Main(m *testing.M) {
	dir, err := os.MkdirTemp("", "api-test")
	if err != nil {
		panic(err)
	}
	srv, err := s3server.Start(dir)
	if err != nil {
		panic(err)
	}
	S3 = srv
	Docs, err = docstore.New(docstore.Config{Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey,
		Bucket: "api-test", MaxSize: 1 << 20})
	if err == nil {
		err = Docs.EnsureBucket(context.Background())
	}
	if err != nil {
		panic(err)
	}
	code := m.Run()
	_ = srv.Stop()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// DocsScannedBy is a store on the one S3 server, as Docs, whose documents sc scans.
func DocsScannedBy(t testing.TB, sc scanner.Scanner) *docstore.Store {
	t.Helper()
	docs, err := docstore.New(docstore.Config{Endpoint: S3.Endpoint, AccessKey: S3.AccessKey, SecretKey: S3.SecretKey,
		Bucket: "api-test", MaxSize: 1 << 20, Scanner: sc})
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

// The personas of the access tests: each role, in scope of the world's records ("own") and out
// of it ("other").
const (
	Anon             = "anonymous"
	Admin            = "admin"
	Officer          = "officer"
	OwnerOwn         = "owner-own"
	OwnerOther       = "owner-other"
	AssessorAssigned = "assessor-assigned"
	AssessorOther    = "assessor-other"
	SupplierOwn      = "supplier-own"
	SupplierOther    = "supplier-other"
	Finance          = "finance"
	PanelChair       = "panel-chair"
	PanelMember      = "panel-member"
)

var Personas = []string{Anon, Admin, Officer, OwnerOwn, OwnerOther, AssessorAssigned, AssessorOther, SupplierOwn, SupplierOther, Finance, PanelChair, PanelMember}

// World is a small programme on a real database, with a token per persona:
//
//   - challenge A (owned by owner-own) has a closed competition with two bids: Acme's (assigned
//     to assessor-assigned, assessed, with a document and a contract) and Binsight's (assigned
//     to assessor-other);
//   - challenge D (owned by owner-own) is a draft nobody else may see;
//   - challenge E (owned by owner-other) has an open competition with Acme's submitted, sealed
//     bid and Binsight's draft.
type World struct {
	T      testing.TB // the test requests are made for
	DB     *ent.Client
	H      http.Handler
	Tokens map[string]string
	People map[string]*ent.Person

	ChallengeA, ChallengeD, ChallengeE *ent.Challenge
	CompA, CompE                       *ent.Competition
	BidAcme, BidBinsight               *ent.Bid // in compA
	SealedAcme, DraftBinsight          *ent.Bid // in CompE
	DocAcme, DocSealed                 *ent.Document
	Clarification                      *ent.Clarification
	JoinRequest                        *ent.JoinRequest
	ContractAcme                       *ent.Contract
	MilestoneAcme                      *ent.Milestone
	AssignAcme                         *ent.Assignment
	InterestAnn                        *ent.Interest // assessor-assigned's declared interest in Binsight
	SpareToken                         *ent.APIToken // a token that may be revoked
	Criterion                          *ent.ScreeningCriterion
}

// New builds the world on a fresh database, served by the handler serve builds over it.
func New(t testing.TB, serve func(db *ent.Client, docs *docstore.Store) (http.Handler, error)) *World {
	t.Helper()
	ctx := testdb.Fixture()
	db := testdb.Open(t)
	h, err := serve(db, Docs)
	if err != nil {
		t.Fatal(err)
	}
	w := &World{T: t, DB: db, H: h, Tokens: map[string]string{}, People: map[string]*ent.Person{}}
	acme := db.Organisation.Create().SetName("Acme").SetEmailDomain("acme.example").SaveX(ctx)
	binsight := db.Organisation.Create().SetName("Binsight").SetEmailDomain("binsight.example").SaveX(ctx)
	council := db.Organisation.Create().SetName("Anytown").SetEmailDomain("anytown.gov.uk").SetPublicBody(true).SaveX(ctx)
	panel := db.Organisation.Create().SetName("Panel").SetEmailDomain("panel.example").SaveX(ctx)
	mk := func(key, email string, role authz.Role, org *ent.Organisation) {
		p := db.Person.Create().SetName(key).SetEmail(email).SetRoles([]string{string(role)}).SetOrganisationID(org.ID).SaveX(ctx)
		secret := authz.NewAPIToken()
		db.APIToken.Create().SetName(key).SetTokenHash(authz.HashSecret(secret)).SetPersonID(p.ID).SetRole(string(role)).
			SetIssuedBy("test").SetCreatedAt(time.Now()).ExecX(ctx)
		w.Tokens[key], w.People[key] = secret, p
	}
	mk(Admin, "admin@programme.example", authz.Admin, council)
	mk(Officer, "officer@programme.example", authz.ProgrammeOfficer, council)
	mk(OwnerOwn, "owner@anytown.gov.uk", authz.ChallengeOwner, council)
	mk(OwnerOther, "other-owner@anytown.gov.uk", authz.ChallengeOwner, council)
	mk(AssessorAssigned, "ann@panel.example", authz.Assessor, panel)
	mk(AssessorOther, "otto@panel.example", authz.Assessor, panel)
	mk(SupplierOwn, "dana@acme.example", authz.Supplier, acme)
	mk(SupplierOther, "ed@binsight.example", authz.Supplier, binsight)
	mk(Finance, "fin@programme.example", authz.Finance, council)
	mk(PanelChair, "chair@programme.example", authz.PanelChair, council)
	mk(PanelMember, "member@programme.example", authz.PanelMember, council)
	db.Person.UpdateOne(w.People[PanelChair]).SetDelegatedLimit(domain.Pounds(250_000)).ExecX(ctx)
	w.SpareToken = db.APIToken.Create().SetName("spare").SetTokenHash(authz.HashSecret(authz.NewAPIToken())).
		SetPersonID(w.People[SupplierOwn].ID).SetRole(string(authz.Supplier)).SetIssuedBy("test").SetCreatedAt(time.Now()).SaveX(ctx)

	challenge := func(title string, owner string, stage domain.ChallengeStage) *ent.Challenge {
		return db.Challenge.Create().SetTitle(title).SetPublicBody("Anytown").SetProblem("P").SetStage(stage).
			SetOwnerID(w.People[owner].ID).SaveX(ctx)
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
		stored, err := Docs.Put(ctx, docstore.NewKey("bids"), "proposal.pdf", strings.NewReader("%PDF-1.4\nproposal\n%%EOF\n"))
		if err != nil {
			t.Fatal(err)
		}
		return db.Document.Create().SetObjectKey(stored.Key).SetFilename("proposal.pdf").SetContentType(stored.ContentType).
			SetSize(stored.Size).SetSha256(stored.SHA256).SetBidID(b.ID).SaveX(ctx)
	}

	w.ChallengeA = challenge("Missed bins", OwnerOwn, domain.ChallengePhase1Assessment)
	w.CompA = competition(w.ChallengeA, domain.CompetitionAssessment, time.Now().Add(-time.Minute))
	w.CompA = db.Competition.UpdateOne(w.CompA).SetAssignmentsReleasedAt(time.Now()).SaveX(ctx) // assessors are at work
	w.BidAcme = bid(w.CompA, acme, domain.BidSubmitted)
	w.BidBinsight = bid(w.CompA, binsight, domain.BidSubmitted)
	w.DocAcme = document(w.BidAcme)
	w.AssignAcme = db.Assignment.Create().SetCompetitionID(w.CompA.ID).SetBidID(w.BidAcme.ID).SetAssessorID(w.People[AssessorAssigned].ID).SaveX(ctx)
	db.Assignment.Create().SetCompetitionID(w.CompA.ID).SetBidID(w.BidBinsight.ID).SetAssessorID(w.People[AssessorOther].ID).ExecX(ctx)
	scores := map[string]domain.CriterionScore{}
	for _, c := range domain.DefaultScheme().Criteria {
		scores[c.Key] = domain.CriterionScore{Score: 8, Comment: "Clear plan, from " + w.People[AssessorAssigned].Email}
	}
	db.Assessment.Create().SetBidID(w.BidAcme.ID).SetAssessorID(w.People[AssessorAssigned].ID).SetScores(scores).
		SetInScope(true).SetFund(true).SetPercent(80).ExecX(ctx)
	w.InterestAnn = db.Interest.Create().SetAssessorID(w.People[AssessorAssigned].ID).SetOrganisationID(binsight.ID).
		SetKind(domain.InterestProfessional).SetDescription("Advised Binsight on its data platform in 2025").SaveX(ctx)
	// Acme's contract is one a supplier may see: its competition's outcomes are released. (That
	// compA is still in assessment is a shortcut: tests that need the release to wait clear it.)
	w.CompA = db.Competition.UpdateOne(w.CompA).SetFeedbackReleasedAt(time.Now()).SaveX(ctx)
	w.ContractAcme = db.Contract.Create().SetBidID(w.BidAcme.ID).SetCompetitionID(w.CompA.ID).SetOrganisationID(acme.ID).
		SetPhase(1).SetValue(domain.Pounds(40_000)).SetAwardedValue(domain.Pounds(40_000)).SetStatus(domain.ContractActive).
		SetStartsOn(time.Now().AddDate(0, 0, -7)).SetEndsOn(time.Now().AddDate(0, 0, 76)).SaveX(ctx)
	w.MilestoneAcme = db.Milestone.Create().SetContractID(w.ContractAcme.ID).SetNumber(1).SetDeliverable("A feasibility study").
		SetSuccessCriteria("The owner can decide on it").SetMonth(1).SetAmount(domain.Pounds(15_000)).SaveX(ctx)
	db.Milestone.Create().SetContractID(w.ContractAcme.ID).SetNumber(2).SetDeliverable("The trial and its report").
		SetMonth(3).SetAmount(domain.Pounds(25_000)).ExecX(ctx)

	w.Criterion = db.ScreeningCriterion.Create().SetText("The public body commits to buy what works").SaveX(ctx)
	w.ChallengeD = challenge("Draft idea", OwnerOwn, domain.ChallengeDraft)
	w.ChallengeE = challenge("Potholes", OwnerOther, domain.ChallengePhase1Open)
	w.CompE = competition(w.ChallengeE, domain.CompetitionOpen, time.Now().Add(time.Hour))
	w.SealedAcme = bid(w.CompE, acme, domain.BidSubmitted)
	w.DraftBinsight = bid(w.CompE, binsight, domain.BidDraft)
	w.DocSealed = document(w.SealedAcme)
	newbie := db.Person.Create().SetName("Nia New").SetEmail("nia@acme.example").SetRoles([]string{"supplier"}).SaveX(ctx)
	w.JoinRequest = db.JoinRequest.Create().SetPersonID(newbie.ID).SetOrganisationID(acme.ID).SaveX(ctx)
	w.Clarification = db.Clarification.Create().SetCompetitionID(w.CompE.ID).SetOrganisationID(acme.ID).
		SetAskedByID(w.People[SupplierOwn].ID).SetQuestion("May a consortium bid?").SaveX(ctx)

	// A trail on both challenges, written the way the service writes it.
	for _, ev := range []struct {
		rec string
		id  int
	}{{"challenge", w.ChallengeA.ID}, {"bid", w.BidAcme.ID}, {"challenge", w.ChallengeE.ID}} {
		if err := db.WithTx(ctx, func(tx *ent.Tx) error {
			return records.Audit(ctx, tx, authz.Actor{Who: "fixture"}, "fixture.made", ev.rec, ev.id, nil, nil)
		}); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// Unreleased takes back the release of compA's outcomes, for tests of what waits for it.
func (w *World) Unreleased() {
	w.CompA = w.DB.Competition.UpdateOne(w.CompA).ClearFeedbackReleasedAt().SaveX(testdb.Fixture())
}

// Do sends a request as a persona (by API token; anonymous sends none).
func (w *World) Do(persona, method, path, body string, header ...string) *httptest.ResponseRecorder {
	w.T.Helper()
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
	if persona != Anon {
		req.Header.Set("Authorization", "Bearer "+w.Tokens[persona])
	}
	rec := httptest.NewRecorder()
	w.H.ServeHTTP(rec, req)
	return rec
}

// FinishBid answers every task still open of the persona's bid at path (/api/v1/bids/{id})
// through the API, and is the answer to the last.
func (w *World) FinishBid(persona, path string) *httptest.ResponseRecorder {
	w.T.Helper()
	w.Do(persona, http.MethodPut, path+"/tasks/about", `{"title":"Bin app","summary":"Residents report","fields":["Transport"]}`, "If-Match", "*")
	for _, q := range domain.DefaultScheme().Criteria {
		w.Do(persona, http.MethodPut, path+"/tasks/question-"+q.Key, `{"answer":"Well."}`, "If-Match", "*")
	}
	w.Do(persona, http.MethodPut, path+"/tasks/finances", `{"price_pence":1000000,"vat_rate":2000}`, "If-Match", "*")
	return w.Do(persona, http.MethodPut, path+"/tasks/milestones",
		`{"milestones":[{"deliverable":"App","success_criteria":"Used","month":2,"amount_pence":1000000}]}`, "If-Match", "*")
}

// Quiet keeps request logs out of test output.
var Quiet = slog.New(slog.DiscardHandler)

// Webhook is an endpoint registered in the world, for the routes that read one.
// Correction is supplier-own's request that the programme correct their data, made once.
func (w *World) Correction() *ent.CorrectionRequest {
	ctx := authz.AsSystem(testdb.Fixture(), "test")
	if r, err := w.DB.CorrectionRequest.Query().First(ctx); err == nil {
		return r
	}
	return w.DB.CorrectionRequest.Create().SetPersonID(w.People[SupplierOwn].ID).SetWhat("My email address is now dana@acme.co.uk").SaveX(ctx)
}

// Hold is a legal hold on competition A, placed once.
func (w *World) Hold() *ent.LegalHold {
	ctx := authz.AsSystem(testdb.Fixture(), "test")
	if h, err := w.DB.LegalHold.Query().First(ctx); err == nil {
		return h
	}
	return w.DB.LegalHold.Create().SetKind(domain.HoldCompetition).SetRecordID(w.CompA.ID).SetReason("A claim about the award").
		SetPlacedBy("admin@programme.example").SaveX(ctx)
}

func (w *World) Webhook() *ent.WebhookEndpoint {
	ctx := authz.AsSystem(testdb.Fixture(), "test")
	if e, err := w.DB.WebhookEndpoint.Query().First(ctx); err == nil {
		return e
	}
	return w.DB.WebhookEndpoint.Create().SetURL("https://finance.example/hook").SetEvents([]string{"contract.awarded"}).
		SetSecrets([]domain.WebhookSecret{{Secret: "whsec_AAAA", CreatedAt: time.Now()}}).SaveX(ctx)
}
