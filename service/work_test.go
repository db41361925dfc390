package service

import (
	"fmt"
	"testing"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// TestEachPersonsWorkIsWhatTheirRecordsAllow: the supplier is asked to accept its offered
// contract; the programme to select a submitted challenge, which its owner is not; each item
// is an action the record's own list allows, linking to where it is done.
func TestEachPersonsWorkIsWhatTheirRecordsAllow(t *testing.T) {
	p := newPeople(t)
	ctx := testdb.Fixture()
	k, _ := offered(t, p)
	submitted, err := p.svc.CreateChallenge(as(p.owner), CreateChallenge{ChallengeAnswers: draft("Potholes", "Anytown", "Roads break")})
	if err != nil {
		t.Fatal(err)
	}
	p.db.Challenge.UpdateOne(submitted).SetStage(domain.ChallengeSubmitted).ExecX(ctx)

	has := func(who string, items []WorkItem, kind, action, link string) bool {
		t.Helper()
		for _, w := range items {
			if w.Kind == kind && w.Action == action && w.Link == link {
				return true
			}
		}
		return false
	}
	work, err := p.svc.Work(as(p.supplier))
	if err != nil {
		t.Fatal(err)
	}
	if !has("supplier", work, "contract", "accept", fmt.Sprintf("/contracts/%d#accept", k.ID)) {
		t.Errorf("the supplier's work does not ask it to accept its offered contract: %+v", work)
	}
	work, err = p.svc.Work(as(p.officer))
	if err != nil {
		t.Fatal(err)
	}
	if !has("programme", work, "challenge", "select", fmt.Sprintf("/challenges/%d#actions", submitted.ID)) {
		t.Errorf("the programme's work does not ask it to select the submitted challenge: %+v", work)
	}
	if has("programme", work, "contract", "accept", fmt.Sprintf("/contracts/%d#accept", k.ID)) {
		t.Error("the programme is asked to accept the supplier's contract")
	}
	work, err = p.svc.Work(as(p.owner))
	if err != nil {
		t.Fatal(err)
	}
	if has("owner", work, "challenge", "select", fmt.Sprintf("/challenges/%d#actions", submitted.ID)) {
		t.Error("the owner is asked to select its own challenge")
	}
}

// TestAMilestonesWorkPassesFromPersonToPerson: once a contract runs, its supplier is asked to
// submit each milestone's deliverable; once submitted, its owner to review it; once accepted, the
// programme to pay it, due when its payment falls due; then nobody.
func TestAMilestonesWorkPassesFromPersonToPerson(t *testing.T) {
	p := newPeople(t)
	k, _ := offered(t, p)
	if _, err := p.svc.AcceptContract(as(p.supplier), k.ID); err != nil {
		t.Fatal(err)
	}
	m := p.db.Milestone.Query().FirstX(testdb.Fixture())
	link := fmt.Sprintf("/contracts/%d#milestone-%d", k.ID, m.Number)
	asked := func(who authz.Viewer, action string) *WorkItem {
		t.Helper()
		work, err := p.svc.Work(as(who))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range work {
			if w.Kind == "milestone" && w.Link == link && w.Action == action {
				return &w
			}
		}
		return nil
	}
	if asked(p.supplier, "submit-deliverable") == nil || asked(p.owner, "review") != nil {
		t.Error("a planned milestone: the supplier is not asked for its deliverable, or the owner is asked to review nothing")
	}
	if _, err := p.svc.SubmitDeliverable(as(p.supplier), Deliverable{MilestoneID: m.ID, Note: "Done."}); err != nil {
		t.Fatal(err)
	}
	if asked(p.supplier, "submit-deliverable") != nil || asked(p.owner, "review") == nil {
		t.Error("a submitted deliverable: the supplier is still asked for it, or the owner is not asked to review it")
	}
	// What the owner is asked, the supplier waits on; the owner waits on nobody for it.
	waitsOn := func(who authz.Viewer) []string {
		t.Helper()
		waiting, err := p.svc.WaitingOnOthers(as(who))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, w := range waiting {
			if w.Link == link {
				out = append(out, w.On+": "+w.What)
			}
		}
		return out
	}
	if got := waitsOn(p.supplier); len(got) != 1 || got[0] != "the challenge owner: Review the deliverable" {
		t.Errorf("the supplier waits on %q, want the challenge owner's review", got)
	}
	if got := waitsOn(p.owner); len(got) != 0 {
		t.Errorf("the owner waits on %q for a deliverable it must review itself", got)
	}
	if _, err := p.svc.ReviewDeliverable(as(p.owner), Review{MilestoneID: m.ID, Decision: ReviewAccept}); err != nil {
		t.Fatal(err)
	}
	pay := asked(p.finance, "pay")
	if pay == nil || pay.Due == nil || asked(p.owner, "review") != nil || asked(p.officer, "pay") != nil {
		t.Fatalf("an accepted milestone: finance's payment %+v, or the owner still asked to review it, or the programme asked to pay", pay)
	}
	if _, err := p.svc.RecordPayment(as(p.finance), m.ID); err != nil {
		t.Fatal(err)
	}
	if asked(p.finance, "pay") != nil {
		t.Error("a paid milestone is still finance's work")
	}
	// Each person's history is what they did themselves, newest first.
	did := func(who authz.Viewer) []string {
		t.Helper()
		done, err := p.svc.DoneRecently(as(who), 10)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range done {
			out = append(out, d.What)
		}
		return out
	}
	milestone := fmt.Sprintf("Contract %d: milestone ", k.ID)
	if got := did(p.supplier); len(got) != 2 || got[0] != milestone+"submitted" || got[1] != fmt.Sprintf("Contract %d: accepted", k.ID) {
		t.Errorf("the supplier's history: %q, want its deliverable, then its acceptance", got)
	}
	if got := did(p.owner); len(got) != 1 || got[0] != milestone+"accepted" {
		t.Errorf("the owner's history: %q, want its review only", got)
	}
	if got := did(p.finance); len(got) != 1 || got[0] != milestone+"paid" {
		t.Errorf("finance's history: %q, want its payment", got)
	}
}
