package service

import (
	"errors"
	"testing"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/auditevent"
	"github.com/catalyst-sbri/catalyst/ent/notice"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// TestAnOwnersDelegateActsForThemOnTheContractsOnly: a colleague cannot accept a deliverable
// until the challenge's owner names them; only the owner names (not the colleague, not the
// programme), and only a challenge owner of their own public body, once; the delegate then
// accepts the deliverable in their own name and is told, changes nothing of the challenge's
// intake, and once removed acts for it no more. The model and the commands give the same answers.
func TestAnOwnersDelegateActsForThemOnTheContractsOnly(t *testing.T) {
	p := newPeople(t)
	fx := testdb.Fixture()
	k, ms := offered(t, p)
	owner, oona, supplier, officer := as(p.owner), as(p.other), as(p.supplier), as(p.officer)
	ch := p.db.Competition.GetX(fx, k.CompetitionID).ChallengeID
	if _, err := p.svc.AcceptContract(supplier, k.ID); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if _, err := p.svc.SubmitDeliverable(supplier, Deliverable{MilestoneID: m.ID, Note: "Done"}); err != nil {
			t.Fatal(err)
		}
	}
	var r *Refusal
	if _, err := p.svc.ReviewDeliverable(oona, Review{MilestoneID: ms[0].ID, Decision: ReviewAccept}); !ent.IsNotFound(err) {
		t.Errorf("a colleague not yet named: %v, want the milestone not found (out of their scope)", err)
	}

	if _, err := p.svc.NameDelegate(oona, Delegate{ChallengeID: ch, PersonID: p.other.PersonID}); err == nil {
		t.Error("a colleague named themselves")
	}
	_, err := p.svc.NameDelegate(officer, Delegate{ChallengeID: ch, PersonID: p.other.PersonID})
	wantRefused(t, "the programme naming a delegate", err, "only the challenge's owner names delegates")
	_, err = p.svc.NameDelegate(owner, Delegate{ChallengeID: ch, PersonID: p.supplier.PersonID})
	wantRefused(t, "a supplier as delegate", err, "A delegate must be a challenge owner in a public body")
	_, err = p.svc.NameDelegate(owner, Delegate{ChallengeID: ch, PersonID: p.owner.PersonID})
	wantRefused(t, "the owner as their own delegate", err, "You act for the challenge already")

	chal := p.db.Challenge.GetX(fx, ch)
	actions, err := p.svc.ChallengeActions(owner, chal)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.svc.NameDelegate(owner, Delegate{ChallengeID: ch, PersonID: p.other.PersonID})
	agree(t, "the owner naming a colleague", actions, "delegates", err)
	if candidates, _ := p.svc.DelegateCandidates(owner, ch); len(candidates) != 0 {
		t.Errorf("a colleague named already is still offered: %v", candidates)
	}
	_, err = p.svc.NameDelegate(owner, Delegate{ChallengeID: ch, PersonID: p.other.PersonID})
	wantRefused(t, "naming twice", err, "They are a delegate for this challenge already")
	if n := p.db.Notice.Query().Where(notice.RecipientID(p.other.PersonID), notice.Template(string(domain.NoticeDelegateNamed))).CountX(fx); n != 1 {
		t.Errorf("the delegate was told %d times, want once", n)
	}
	if !p.db.AuditEvent.Query().Where(auditevent.Action("challenge.delegate_named"), auditevent.Actor(p.owner.Email), auditevent.RecordID(ch)).ExistX(fx) {
		t.Error("the naming is not in the audit trail as the owner's")
	}
	delegates, err := p.svc.Delegates(oona, ch)
	if err != nil || len(delegates) != 1 || delegates[0].ID != p.other.PersonID {
		t.Errorf("the delegates as the delegate reads them: %v %v", delegates, err)
	}
	if got, _ := p.svc.Delegates(supplier, ch); len(got) != 0 {
		t.Error("the supplier learns who the delegates are")
	}

	// The delegate acts on the contracts, in their own name, and names nobody.
	if _, err := p.svc.ReviewDeliverable(oona, Review{MilestoneID: ms[0].ID, Decision: ReviewAccept}); err != nil {
		t.Fatalf("the delegate accepting the deliverable: %v", err)
	}
	if !p.db.AuditEvent.Query().Where(auditevent.Actor(p.other.Email), auditevent.Action("milestone.accepted"), auditevent.RecordID(k.ID)).ExistX(fx) {
		t.Error("the delegate's acceptance is not in the trail as theirs")
	}
	actions, err = p.svc.ChallengeActions(oona, chal)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.svc.RemoveDelegate(oona, Delegate{ChallengeID: ch, PersonID: p.other.PersonID})
	agree(t, "the delegate removing themselves", actions, "delegates", err)
	if err := p.svc.MayChangeChallenge(oona, ch); err == nil {
		t.Error("the delegate may change the challenge's intake")
	}

	// Removed, they act for it no more.
	if _, err := p.svc.RemoveDelegate(owner, Delegate{ChallengeID: ch, PersonID: p.other.PersonID}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.svc.ReviewDeliverable(oona, Review{MilestoneID: ms[1].ID, Decision: ReviewAccept}); !ent.IsNotFound(err) {
		t.Errorf("a removed delegate: %v, want the milestone not found", err)
	}
	// Even were it in their scope, the command's own rule refuses anyone but the owner's side.
	if _, err := p.svc.ReviewDeliverable(officer, Review{MilestoneID: ms[1].ID, Decision: ReviewAccept}); !errors.As(err, &r) || r.Kind != Forbidden {
		t.Errorf("the programme accepting for the owner: %v, want forbidden", err)
	}
	_, err = p.svc.RemoveDelegate(owner, Delegate{ChallengeID: ch, PersonID: p.other.PersonID})
	wantRefused(t, "removing twice", err, "is not a delegate for this challenge")
}
