package ent_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/milestone"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// A status change that no move of its record's lifecycle makes is refused by the store, one
// record or many, whoever writes it; a move the lifecycle has is written.
func TestTheStoreMakesOnlyTheLifecyclesMoves(t *testing.T) {
	db := testdb.Open(t)
	fx := testdb.Fixture()
	ctx := authz.AsSystem(context.Background(), "test")

	ch := db.Challenge.Create().SetTitle("Potholes").SetPublicBody("Anytown").SetProblem("P").SaveX(ctx)
	if ch.Stage != domain.ChallengeDraft {
		t.Fatalf("a new challenge is %s", ch.Stage)
	}
	err := db.Challenge.UpdateOne(ch).SetStage(domain.ChallengeComplete).Exec(ctx)
	var te *domain.TransitionError
	if !errors.As(err, &te) || !errors.Is(err, domain.ErrInvalidTransition) {
		t.Fatalf("draft to complete: %v, want a refused transition", err)
	}
	if want := "cannot move challenge: no step of a challenge's lifecycle goes from Draft to Complete"; err.Error() != want {
		t.Errorf("refusal %q, want %q", err, want)
	}
	if got := db.Challenge.GetX(ctx, ch.ID).Stage; got != domain.ChallengeDraft {
		t.Errorf("after the refusal the challenge is %s", got)
	}
	if err := db.Challenge.UpdateOneID(ch.ID).SetStage(domain.ChallengeSubmitted).Exec(ctx); err != nil {
		t.Fatalf("draft to submitted, a move: %v", err)
	}
	if err := db.Challenge.Create().SetTitle("Gritting").SetPublicBody("Anytown").SetProblem("P").SetStage(domain.ChallengePhase2Open).Exec(ctx); err == nil {
		t.Error("a challenge was made straight into its phase 2 competition")
	}

	// Many records at once: each one's move is checked.
	ch2 := db.Challenge.Create().SetTitle("Bins").SetPublicBody("Anytown").SetProblem("P").SetStage(domain.ChallengePhase1Contracts).SaveX(fx)
	comp := db.Competition.Create().SetChallengeID(ch2.ID).SetPhase(1).SetStatus(domain.CompetitionDecided).SetClosesAt(time.Now()).
		SetPot(domain.Pounds(1)).SetMaxContract(domain.Pounds(1)).SetScheme(domain.DefaultScheme()).SaveX(fx)
	org := db.Organisation.Create().SetName("Acme").SaveX(fx)
	b := db.Bid.Create().SetCompetitionID(comp.ID).SetOrganisationID(org.ID).SetTitle("T").SetAmount(domain.Pounds(1)).SetStatus(domain.BidFunded).SaveX(fx)
	k := db.Contract.Create().SetBidID(b.ID).SetCompetitionID(comp.ID).SetOrganisationID(org.ID).SetPhase(1).
		SetValue(domain.Pounds(1)).SetAwardedValue(domain.Pounds(1)).SetStatus(domain.ContractActive).SaveX(fx)
	db.Milestone.Create().SetContractID(k.ID).SetNumber(1).SetDeliverable("A study").SetMonth(1).SetAmount(domain.Pounds(1)).ExecX(ctx)
	paid := db.Milestone.Create().SetContractID(k.ID).SetNumber(2).SetDeliverable("A trial").SetMonth(2).SetAmount(domain.Pounds(1)).
		SetStatus(domain.MilestonePaid).SaveX(fx)
	if _, err := db.Milestone.Update().Where(milestone.ContractID(k.ID)).SetStatus(domain.MilestoneCancelled).Save(ctx); err == nil {
		t.Error("a paid milestone was cancelled among others")
	}
	if got := db.Milestone.GetX(ctx, paid.ID).Status; got != domain.MilestonePaid {
		t.Errorf("the paid milestone is %s", got)
	}
	if _, err := db.Milestone.Update().Where(milestone.ContractID(k.ID), milestone.StatusEQ(domain.MilestonePlanned)).SetStatus(domain.MilestoneCancelled).Save(ctx); err != nil {
		t.Errorf("cancelling the planned milestones, a move: %v", err)
	}
}

// Only tests' fixtures set the scene: no code that runs in Catalyst itself may write a state
// without its move.
func TestOnlyTestFixturesSetTheScene(t *testing.T) {
	_, self, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(self))
	found := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if strings.Contains(string(b), "SettingTheScene(") {
			found++
			if rel != filepath.Join("internal", "testdb", "testdb.go") && rel != filepath.Join("ent", "lifecycle_guard.go") {
				t.Errorf("%s sets the scene: only internal/testdb's fixtures may", rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 2 {
		t.Fatalf("found SettingTheScene in %d files; the walk missed them", found)
	}
}
