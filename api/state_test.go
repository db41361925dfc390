package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// TestACommandInTheWrongStateIsRefusedAtOnce: a command on a record whose state cannot take it
// answers 409 naming the state, at once, whether or not its workflow has started; it never waits
// on the workflow and never answers "busy" (a client following Retry-After would retry for ever).
func TestACommandInTheWrongStateIsRefusedAtOnce(t *testing.T) {
	w := NewWorld(t)
	draft := w.DB.Competition.Create().SetChallengeID(w.ChallengeA.ID).SetPhase(2).SetStatus(domain.CompetitionDraft).
		SetClosesAt(time.Now().Add(30 * 24 * time.Hour)).SetPot(domain.Pounds(1_000_000)).SetMaxContract(domain.Pounds(500_000)).
		SetScheme(domain.DefaultScheme()).SaveX(testdb.Fixture())
	for name, c := range map[string]struct {
		id    int
		label string
	}{
		"being set up": {draft.ID, domain.CompetitionDraft.Label()},
		"open":         {w.CompE.ID, domain.CompetitionOpen.Label()},
	} {
		start := time.Now()
		rec := w.Do(Officer, http.MethodPost, fmt.Sprintf("/api/v1/competitions/%d/decision", c.id), "{}")
		took := time.Since(start)
		var p Problem
		_ = json.Unmarshal(rec.Body.Bytes(), &p)
		if rec.Code != http.StatusConflict || !strings.Contains(p.Detail, c.label) {
			t.Errorf("deciding a competition %s: %d %s, want 409 naming %q", name, rec.Code, rec.Body, c.label)
		}
		// A client can act on the refusal without reading prose: what was refused, and why.
		if r := p.Refused; r == nil || r.Record != "competition" || r.Action != "decide" || !strings.Contains(r.Reason, c.label) {
			t.Errorf("deciding a competition %s: the problem's refusal is %+v", name, p.Refused)
		}
		if took > 2*time.Second {
			t.Errorf("deciding a competition %s took %s to refuse", name, took)
		}
	}
}

// TestARequiredFieldLeftOutIsRefused: a body without a field the document requires is refused
// with 422 naming the field, and changes nothing; {} never means "switch every email back on".
func TestARequiredFieldLeftOutIsRefused(t *testing.T) {
	w := NewWorld(t)
	if rec := w.Do(SupplierOwn, http.MethodPut, "/api/v1/me/email-choices", `{"off":["all"]}`); rec.Code != http.StatusOK {
		t.Fatalf("turning every email off: %d %s", rec.Code, rec.Body)
	}
	for _, c := range []struct{ persona, path, field string }{
		{SupplierOwn, "/api/v1/me/email-choices", "off"},
		{Officer, "/api/v1/figures/targets", "targets"},
	} {
		rec := w.Do(c.persona, http.MethodPut, c.path, "{}")
		var p Problem
		_ = json.Unmarshal(rec.Body.Bytes(), &p)
		if rec.Code != http.StatusUnprocessableEntity || len(p.Errors) != 1 || p.Errors[0].Field != c.field {
			t.Errorf("PUT %s {}: %d %s, want 422 naming %s", c.path, rec.Code, rec.Body, c.field)
		}
	}
	rec := w.Do(SupplierOwn, http.MethodGet, "/api/v1/me/email-choices", "")
	if !strings.Contains(rec.Body.String(), `"off":["all"`) {
		t.Errorf("the refused {} changed the choices: %s", rec.Body)
	}
}

// A contract's answer carries each milestone's actions for the viewer, as its page offers them:
// the supplier may submit the first deliverable, and neither the programme nor finance has
// anything to do to it yet (paying early is refused); once submitted, the owner may review it,
// and the programme may not (the judgement is the owner's); once accepted, finance may pay it.
func TestAContractsAnswerCarriesEachMilestonesActions(t *testing.T) {
	w := NewWorld(t)
	path := fmt.Sprintf("/api/v1/contracts/%d", w.ContractAcme.ID)
	actions := func(persona string) map[string]ActionView {
		t.Helper()
		rec := w.Do(persona, http.MethodGet, path, "")
		var k ContractView
		if err := json.Unmarshal(rec.Body.Bytes(), &k); err != nil || rec.Code != http.StatusOK || len(k.Milestones) == 0 {
			t.Fatalf("GET %s as %s: %d %s", path, persona, rec.Code, rec.Body)
		}
		out := map[string]ActionView{}
		for _, a := range k.Milestones[0].Actions {
			out[a.Name] = a
		}
		return out
	}
	if a, ok := actions(SupplierOwn)["submit-deliverable"]; !ok || !a.Allowed {
		t.Errorf("the supplier's first milestone does not offer its deliverable: %+v", a)
	}
	for _, p := range []string{Officer, Finance} {
		if got := actions(p); len(got) != 0 {
			t.Errorf("%s is offered %+v on a milestone waiting for its deliverable", p, got)
		}
	}
	if rec := w.Do(Finance, http.MethodPost, fmt.Sprintf("/api/v1/milestones/%d/payment", w.MilestoneAcme.ID), ""); rec.Code != http.StatusConflict {
		t.Errorf("paying before the deliverable: %d %s, want 409", rec.Code, rec.Body)
	}
	rec := w.Do(SupplierOwn, http.MethodPost, fmt.Sprintf("/api/v1/milestones/%d/deliverable", w.MilestoneAcme.ID), `{"note":"The study is attached."}`)
	if rec.Code != http.StatusOK {
		t.Fatalf("submitting the deliverable: %d %s", rec.Code, rec.Body)
	}
	if a, ok := actions(OwnerOwn)["review"]; !ok || !a.Allowed {
		t.Errorf("the owner is not offered the submitted deliverable's review: %+v", a)
	}
	if _, ok := actions(SupplierOwn)["submit-deliverable"]; ok {
		t.Error("the supplier is still offered a deliverable it submitted")
	}
	if got := actions(Officer); len(got) != 0 {
		t.Errorf("the programme is offered %+v on the owner's review", got)
	}
	rec = w.Do(OwnerOwn, http.MethodPost, fmt.Sprintf("/api/v1/milestones/%d/review", w.MilestoneAcme.ID), `{"accept":true}`)
	if rec.Code != http.StatusOK {
		t.Fatalf("accepting the deliverable: %d %s", rec.Code, rec.Body)
	}
	if a, ok := actions(Finance)["pay"]; !ok || !a.Allowed {
		t.Errorf("finance is not offered the accepted milestone's payment: %+v", a)
	}
	if rec := w.Do(Finance, http.MethodPost, fmt.Sprintf("/api/v1/milestones/%d/payment", w.MilestoneAcme.ID), ""); rec.Code != http.StatusOK {
		t.Errorf("finance paying the accepted milestone: %d %s", rec.Code, rec.Body)
	}
}
