package service

import (
	"fmt"
	"testing"

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
	work, err = p.svc.Work(as(p.admin))
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
