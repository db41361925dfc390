package domain

import (
	"errors"
	"strings"
	"testing"
)

func TestChallengeTransitions(t *testing.T) {
	type step func(ChallengeStage) (ChallengeStage, error)
	open1 := func(s ChallengeStage) (ChallengeStage, error) { return s.OpenCompetition(1) }
	open2 := func(s ChallengeStage) (ChallengeStage, error) { return s.OpenCompetition(2) }
	cases := []struct {
		name    string
		from    ChallengeStage
		step    step
		want    ChallengeStage
		refusal string
	}{
		{"submit a draft", ChallengeDraft, ChallengeStage.Submit, ChallengeSubmitted, ""},
		{"submit twice", ChallengeSubmitted, ChallengeStage.Submit, ChallengeSubmitted, "only a draft challenge can be submitted"},
		{"select a submitted challenge", ChallengeSubmitted, ChallengeStage.Select, ChallengeSelected, ""},
		{"select a draft", ChallengeDraft, ChallengeStage.Select, ChallengeDraft, "only a submitted challenge can be selected"},
		{"reject a submitted challenge", ChallengeSubmitted, ChallengeStage.Reject, ChallengeRejected, ""},
		{"reject a selected challenge", ChallengeSelected, ChallengeStage.Reject, ChallengeSelected, "only a submitted challenge can be rejected"},
		{"open phase 1 once selected", ChallengeSelected, open1, ChallengePhase1Open, ""},
		{"open phase 1 before selection", ChallengeSubmitted, open1, ChallengeSubmitted, `can only open from "Selected"`},
		{"open phase 2 after phase 1 contracts", ChallengePhase1Contracts, open2, ChallengePhase2Open, ""},
		{"open phase 2 during phase 1 assessment", ChallengePhase1Assessment, open2, ChallengePhase1Assessment, "phase 2 competition can only open"},
		{"close phase 1 competition", ChallengePhase1Open, ChallengeStage.CloseCompetition, ChallengePhase1Assessment, ""},
		{"close phase 2 competition", ChallengePhase2Open, ChallengeStage.CloseCompetition, ChallengePhase2Assessment, ""},
		{"close with no competition open", ChallengeSelected, ChallengeStage.CloseCompetition, ChallengeSelected, "no competition is open"},
		{"award after phase 1 assessment", ChallengePhase1Assessment, ChallengeStage.AwardContracts, ChallengePhase1Contracts, ""},
		{"award while open", ChallengePhase1Open, ChallengeStage.AwardContracts, ChallengePhase1Open, "contracts follow assessment"},
		{"complete after phase 2 contracts", ChallengePhase2Contracts, ChallengeStage.Complete, ChallengeComplete, ""},
		{"complete after phase 1", ChallengePhase1Contracts, ChallengeStage.Complete, ChallengePhase1Contracts, "completes after its phase 2 contracts"},
		{"close a running challenge", ChallengePhase1Open, ChallengeStage.Close, ChallengeClosed, ""},
		{"close a finished challenge", ChallengeComplete, ChallengeStage.Close, ChallengeComplete, "the challenge is Complete"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.step(c.from)
			if got != c.want {
				t.Errorf("stage = %s, want %s", got, c.want)
			}
			if c.refusal == "" {
				if err != nil {
					t.Errorf("refused: %v", err)
				}
				return
			}
			var te *TransitionError
			if !errors.As(err, &te) || !errors.Is(err, ErrInvalidTransition) || !strings.Contains(err.Error(), c.refusal) {
				t.Errorf("err = %v, want a transition refusal saying %q", err, c.refusal)
			}
		})
	}
}

func TestEveryStageHasALabelAndAPhase(t *testing.T) {
	for _, s := range ChallengeStages {
		if !s.Valid() || s.Label() == string(s) || s.Label() == "" {
			t.Errorf("stage %q has no label", s)
		}
	}
	if ChallengeStage("nonsense").Valid() {
		t.Error("an unknown stage is valid")
	}
	for s, phase := range map[ChallengeStage]int{ChallengeSelected: 0, ChallengePhase1Assessment: 1, ChallengePhase2Contracts: 2} {
		if s.Phase() != phase {
			t.Errorf("%s.Phase() = %d, want %d", s, s.Phase(), phase)
		}
	}
}

func TestGateDecisionsNeedTheReportAndAFittingOutcome(t *testing.T) {
	if _, err := ContractActive.Decide(GateContinue, 1); !errors.Is(err, ErrEvidenceMissing) {
		t.Errorf("a gate before the report: %v, want ErrEvidenceMissing", err)
	}
	cases := []struct {
		outcome GateOutcome
		phase   int
		want    ContractStatus
		ok      bool
	}{
		{GateContinue, 1, ContractContinued, true},
		{GateStop, 1, ContractStopped, true},
		{GateComplete, 1, ContractReported, false},
		{GateComplete, 2, ContractCompleted, true},
		{GateStop, 2, ContractStopped, true},
		{GateContinue, 2, ContractReported, false},
	}
	for _, c := range cases {
		got, err := ContractReported.Decide(c.outcome, c.phase)
		if got != c.want || (err == nil) != c.ok {
			t.Errorf("phase %d %s: %s, %v; want %s, ok=%v", c.phase, c.outcome, got, err, c.want, c.ok)
		}
	}
}

func TestCompetitionClosesIntoAssessmentOrEmpty(t *testing.T) {
	if got, _ := CompetitionOpen.Close(0); got != CompetitionClosedNoBids {
		t.Errorf("no bids: %s", got)
	}
	if got, _ := CompetitionOpen.Close(3); got != CompetitionAssessment {
		t.Errorf("three bids: %s", got)
	}
	if _, err := CompetitionAssessment.Close(3); err == nil {
		t.Error("closed twice")
	}
	if _, err := CompetitionOpen.Decide(); err == nil {
		t.Error("decided while open")
	}
}

func TestFeedbackIsReleasedOnlyOnceDecided(t *testing.T) {
	for _, v := range CompetitionStatus("").Values() {
		st := CompetitionStatus(v)
		err := st.ReleaseFeedback()
		if (err == nil) != (st == CompetitionDecided) {
			t.Errorf("release feedback when %s: %v", st, err)
		}
		if err != nil && (!errors.Is(err, ErrInvalidTransition) || !strings.Contains(err.Error(), "once the competition is decided")) {
			t.Errorf("refusal when %s does not say why: %v", st, err)
		}
	}
}

// A challenge is under way from submission until it ends: only then does a lifecycle take
// commands.
func TestAChallengeIsUnderWayFromSubmissionUntilItEnds(t *testing.T) {
	notUnderWay := map[ChallengeStage]bool{ChallengeDraft: true, ChallengeRejected: true, ChallengeClosed: true, ChallengeComplete: true}
	for _, s := range ChallengeStages {
		if got := s.UnderWay(); got == notUnderWay[s] {
			t.Errorf("%s.UnderWay() = %v", s, got)
		}
	}
}
