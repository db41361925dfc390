package service

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// people is a council with two challenge owners, the programme team, finance and a supplier.
type people struct {
	svc                   *Service
	db                    *ent.Client
	owner, other, officer authz.Viewer
	admin                 authz.Viewer // manages people and settings
	supplier, finance     authz.Viewer
	ownerID, supplierID   int
	council, acme         *ent.Organisation
}

func newPeople(t *testing.T) *people {
	t.Helper()
	ctx := testdb.Fixture()
	db := testdb.Open(t)
	p := &people{svc: &Service{DB: db}, db: db}
	p.council = db.Organisation.Create().SetName("Anytown Council").SetPublicBody(true).SaveX(ctx)
	p.acme = db.Organisation.Create().SetName("Acme").SaveX(ctx)
	person := func(name string, role authz.Role, org *ent.Organisation) authz.Viewer {
		x := db.Person.Create().SetName(name).SetEmail(name + "@example.org").SetRoles([]string{string(role)}).SetOrganisationID(org.ID).SaveX(ctx)
		return authz.Viewer{PersonID: x.ID, Email: x.Email, Roles: []authz.Role{role}, OrganisationID: org.ID}
	}
	p.owner, p.other = person("olu", authz.ChallengeOwner, p.council), person("oona", authz.ChallengeOwner, p.council)
	p.officer, p.supplier = person("priya", authz.ProgrammeOfficer, p.council), person("dana", authz.Supplier, p.acme)
	p.finance = person("sam", authz.Finance, p.council)
	p.admin = person("hannah", authz.Admin, p.council)
	p.ownerID, p.supplierID = p.owner.PersonID, p.supplier.PersonID
	return p
}

func as(v authz.Viewer) context.Context {
	return authz.WithRequestID(authz.NewContext(context.Background(), v), "test-request")
}

func TestAChallengeIsDraftedByItsOwnerAndRecorded(t *testing.T) {
	p := newPeople(t)
	ch, err := p.svc.CreateChallenge(as(p.owner), CreateChallenge{ChallengeAnswers: draft("  Missed bins ", "Anytown", "Bins are missed\r\nweekly")})
	if err != nil {
		t.Fatal(err)
	}
	if ch.Title != "Missed bins" || ch.Problem != "Bins are missed\nweekly" || ch.Stage != domain.ChallengeDraft {
		t.Errorf("stored %q %q %s", ch.Title, ch.Problem, ch.Stage)
	}
	ev := p.db.AuditEvent.Query().OnlyX(testdb.Fixture())
	if ev.Action != "challenge.created" || ev.Actor != p.owner.Email || ev.RequestID != "test-request" {
		t.Errorf("audit event %s by %s, request %q", ev.Action, ev.Actor, ev.RequestID)
	}
}

func TestACreateRefusedWritesNothing(t *testing.T) {
	p := newPeople(t)
	ctx := testdb.Fixture()
	cases := []struct {
		name string
		as   authz.Viewer
		in   CreateChallenge
		want string // a field with a problem, or a refusal's code
	}{
		{"no title", p.owner, CreateChallenge{ChallengeAnswers: ChallengeAnswers{Texts: map[string]string{"public_body": "B", "problem": "P"}}}, "title"},
		{"a supplier as owner", p.officer, CreateChallenge{ChallengeAnswers: draft("T", "B", "P"), OwnerID: p.supplierID}, "owner_id"},
		{"the programme as owner", p.officer, CreateChallenge{ChallengeAnswers: draft("T", "B", "P"), OwnerID: p.officer.PersonID}, "owner_id"},
		{"an owner for another", p.owner, CreateChallenge{ChallengeAnswers: draft("T", "B", "P"), OwnerID: p.other.PersonID}, "forbidden"},
	}
	for _, c := range cases {
		_, err := p.svc.CreateChallenge(as(c.as), c.in)
		var ps domain.Problems
		var r *Refusal
		switch {
		case errors.As(err, &ps) && ps.For(c.want) != "":
		case errors.As(err, &r) && r.Code == c.want:
		default:
			t.Errorf("%s: %v; want a refusal about %s", c.name, err, c.want)
		}
	}
	if n := p.db.Challenge.Query().CountX(ctx); n != 0 {
		t.Errorf("%d challenges written", n)
	}
	if n := p.db.AuditEvent.Query().CountX(ctx); n != 0 {
		t.Errorf("%d events written", n)
	}
}

func TestEditsNameTheirVersionAndStopAtSelection(t *testing.T) {
	p := newPeople(t)
	ctx := testdb.Fixture()
	ch, err := p.svc.CreateChallenge(as(p.owner), CreateChallenge{ChallengeAnswers: draft("Bins", "Anytown", "P")})
	if err != nil {
		t.Fatal(err)
	}
	title := "Missed bins"
	edited, err := p.svc.EditChallenge(as(p.owner), EditChallenge{ID: ch.ID, Version: 1, ChallengeAnswers: ChallengeAnswers{Texts: map[string]string{"title": title}}})
	if err != nil || edited.Title != title || edited.Version != 2 {
		t.Fatalf("edit: %v %+v", err, edited)
	}
	var r *Refusal
	if _, err := p.svc.EditChallenge(as(p.owner), EditChallenge{ID: ch.ID, Version: 1, ChallengeAnswers: ChallengeAnswers{Texts: map[string]string{"title": title}}}); !errors.As(err, &r) || r.Kind != Stale {
		t.Errorf("an edit of version 1 after version 2: %v", err)
	}
	if _, err := p.svc.EditChallenge(as(p.other), EditChallenge{ID: ch.ID, ChallengeAnswers: ChallengeAnswers{Texts: map[string]string{"title": title}}}); !ent.IsNotFound(err) {
		t.Errorf("another owner's edit of a draft they cannot see: %v", err)
	}
	if _, err := p.svc.EditChallenge(as(p.owner), EditChallenge{ID: ch.ID}); !errors.Is(err, domain.ErrInvalidInput) {
		t.Errorf("an edit of nothing: %v", err)
	}
	p.db.Challenge.UpdateOneID(ch.ID).SetStage(domain.ChallengeSelected).ExecX(ctx)
	if _, err := p.svc.EditChallenge(as(p.owner), EditChallenge{ID: ch.ID, ChallengeAnswers: ChallengeAnswers{Texts: map[string]string{"title": title}}}); !errors.Is(err, domain.ErrInvalidTransition) ||
		!strings.Contains(err.Error(), "Selected") {
		t.Errorf("an edit after selection: %v", err)
	}
	if v := p.db.Challenge.GetX(ctx, ch.ID).Version; v != 2 {
		t.Errorf("refused edits moved the version to %d", v)
	}
}

// Commands for a challenge whose lifecycle has not started are answered from its stage, with
// no workflow to ask (this service has no Temporal at all).
func TestCommandsBeforeTheLifecycleStartsNameTheStage(t *testing.T) {
	p := newPeople(t)
	ch, err := p.svc.CreateChallenge(as(p.owner), CreateChallenge{ChallengeAnswers: draft("Bins", "Anytown", "P")})
	if err != nil {
		t.Fatal(err)
	}
	yes, no := true, false
	for name, err := range map[string]error{
		"select":   p.svc.SelectChallenge(as(p.officer), SelectChallenge{ID: ch.ID, Select: &yes}),
		"reject":   p.svc.SelectChallenge(as(p.officer), SelectChallenge{ID: ch.ID, Select: &no, Reason: "Out of scope"}),
		"complete": p.svc.CompleteChallenge(as(p.officer), CompleteChallenge{ID: ch.ID, Outcome: "adopted", Lesson: domain.Lesson{WhatWorked: "a", WhatFailed: "b", Why: "c"}}),
	} {
		if !errors.Is(err, domain.ErrInvalidTransition) || !strings.Contains(err.Error(), "Draft") {
			t.Errorf("%s a draft: %v", name, err)
		}
	}
	p.db.Challenge.UpdateOneID(ch.ID).SetStage(domain.ChallengeSubmitted).ExecX(testdb.Fixture())
	var ps domain.Problems
	if err := p.svc.SelectChallenge(as(p.officer), SelectChallenge{ID: ch.ID, Select: &no}); !errors.As(err, &ps) || ps.For("reason") == "" {
		t.Errorf("a rejection without a reason: %v", err)
	}
	if err := p.svc.SelectChallenge(as(p.officer), SelectChallenge{ID: ch.ID, Select: &yes}); !errors.As(err, &ps) || ps.For("round_id") == "" {
		t.Errorf("a selection into no round: %v", err)
	}
}

func draft(title, body, problem string) ChallengeAnswers {
	return ChallengeAnswers{Texts: map[string]string{"title": title, "public_body": body, "problem": problem}}
}

// TestEveryIntakeQuestionIsKeptAndReadBack: each text question the domain declares is stored
// under its own field and read back by Intake, so a question added to the list and not to the
// schema or to Intake fails here; a question nobody asks is refused by name.
func TestEveryIntakeQuestionIsKeptAndReadBack(t *testing.T) {
	p := newPeople(t)
	answers := ChallengeAnswers{Texts: map[string]string{}}
	for _, q := range domain.IntakeQuestions {
		if q.IsText() {
			answers.Texts[q.Field] = "The answer to " + q.Field
		}
	}
	ch, err := p.svc.CreateChallenge(as(p.owner), CreateChallenge{ChallengeAnswers: answers})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := p.svc.Challenge(as(p.owner), ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := Intake(stored).Texts
	for f, want := range answers.Texts {
		if got[f] != want {
			t.Errorf("%s: stored and read back as %q, want %q", f, got[f], want)
		}
	}
	var ps domain.Problems
	_, err = p.svc.EditChallenge(as(p.owner), EditChallenge{ID: ch.ID, ChallengeAnswers: ChallengeAnswers{Texts: map[string]string{"favourite_colour": "blue"}}})
	if !errors.As(err, &ps) || !strings.Contains(ps.For("favourite_colour"), "asks no question") {
		t.Errorf("an answer to no question: %v", err)
	}
}

// TestAChallengeIsScreenedBeforeItIsSelected: with criteria in force, a submitted challenge is
// judged against each (met or not, with a note) before it can be selected; a draft cannot be
// screened; a rejection needs no screening.
func TestAChallengeIsScreenedBeforeItIsSelected(t *testing.T) {
	p := newPeople(t)
	ctx := testdb.Fixture()
	admin := as(p.officer)
	buy, err := p.svc.AddScreeningCriterion(admin, "The public body commits to buy what works")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.svc.AddScreeningCriterion(admin, "   "); !errors.Is(err, domain.ErrInvalidInput) {
		t.Errorf("an empty criterion: %v", err)
	}
	ch, err := p.svc.CreateChallenge(as(p.owner), CreateChallenge{ChallengeAnswers: draft("Bins", "Anytown", "P")})
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	if err := p.svc.ScreenChallenge(admin, ch.ID, []domain.ScreeningResult{{CriterionID: buy.ID, Met: &yes}}); !errors.Is(err, domain.ErrInvalidTransition) {
		t.Errorf("screening a draft: %v", err)
	}
	p.db.Challenge.UpdateOneID(ch.ID).SetStage(domain.ChallengeSubmitted).ExecX(ctx)
	round, err := p.svc.CreateRound(admin, CreateRound{Name: "R1", BudgetPence: 100_000_00, StartsAt: time.Now(), EndsAt: time.Now().AddDate(1, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.svc.SelectChallenge(admin, SelectChallenge{ID: ch.ID, Select: &yes, RoundID: round.ID}); !errors.Is(err, domain.ErrEvidenceMissing) ||
		!strings.Contains(err.Error(), "1 screening criterion has not been judged") {
		t.Errorf("selecting before screening: %v", err)
	}
	var ps domain.Problems
	if err := p.svc.ScreenChallenge(admin, ch.ID, []domain.ScreeningResult{{CriterionID: buy.ID}, {CriterionID: 999}}); !errors.As(err, &ps) ||
		ps.For("results[0].met") == "" || ps.For("results[1].criterion_id") == "" {
		t.Errorf("a screening with problems: %v", err)
	}
	if err := p.svc.ScreenChallenge(admin, ch.ID, []domain.ScreeningResult{{CriterionID: buy.ID, Met: &yes, Note: "Letter from the director"}}); err != nil {
		t.Fatal(err)
	}
	done, _ := p.svc.Screenings(admin, ch.ID)
	if d := done[buy.ID]; d == nil || !d.Met || d.Note != "Letter from the director" || d.ScreenedBy != p.officer.Email {
		t.Errorf("screening stored %+v", d)
	}
	if err := p.svc.checkScreened(admin, ch.ID); err != nil {
		t.Errorf("after screening: %v", err)
	}
	if _, err := p.svc.RetireScreeningCriterion(admin, buy.ID); err != nil {
		t.Fatal(err)
	}
	if c, _ := p.svc.ScreeningCriteria(admin, false); len(c) != 0 {
		t.Errorf("a retired criterion is still in force")
	}
}
