package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
)

// Action is something a person might do to a record: whether they may do it now, and if not,
// the domain's reason, the same words the command's refusal would use.
type Action struct {
	Name    string // the command, as the pages name it: "submit", "select"
	Label   string // what a button says
	Allowed bool
	Reason  string // why not now, when not allowed
}

// ChallengeActions lists what the viewer may do to a challenge now, and what not yet and why.
// Only the actions that belong to the viewer's roles are listed.
func (s *Service) ChallengeActions(ctx context.Context, ch *ent.Challenge) []Action {
	v, _ := authz.FromContext(ctx)
	admin := v.Has(authz.Admin)
	owner := admin || (v.Has(authz.ChallengeOwner) && s.MayChangeChallenge(ctx, ch.ID) == nil)
	var out []Action
	add := func(name, label string, err error) {
		a := Action{Name: name, Label: label, Allowed: err == nil}
		if err != nil {
			a.Reason = reason(err)
		}
		out = append(out, a)
	}
	if owner && ch.Stage == domain.ChallengeSubmitted {
		add("edit", "Change your answers", ch.Stage.Edit())
	}
	if owner && ch.Stage == domain.ChallengeDraft {
		add("edit", "Change your answers", ch.Stage.Edit())
		err := MissingAnswers(ch).Err()
		if _, serr := ch.Stage.Submit(); serr != nil {
			err = serr
		}
		add("submit", "Submit challenge", err)
	}
	if admin && (ch.Stage == domain.ChallengeSubmitted || ch.Stage == domain.ChallengeDraft) {
		_, err := ch.Stage.Select()
		add("screen", "Screen this challenge", err)
		add("select", "Select or reject this challenge", err)
		if err == nil {
			if serr := s.checkScreened(ctx, ch.ID); serr != nil {
				add("select-only", "Select this challenge", serr)
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
		if ch.Stage == domain.ChallengePhase1Contracts {
			_, err := ch.Stage.OpenCompetition(phase)
			add("setup", label, err)
		} else {
			add("setup", label, nil)
		}
	}
	return out
}

// reason is a refusal in words a page shows after "You cannot … yet:".
func reason(err error) string {
	var msg string
	switch e := err.(type) {
	case *domain.TransitionError:
		msg = e.Reason
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
