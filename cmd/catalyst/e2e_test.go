package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/temporalproto"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/api"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/auditevent"
	entemail "github.com/catalyst-sbri/catalyst/ent/email"
	"github.com/catalyst-sbri/catalyst/ent/outboxmessage"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/translog"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// TestLifecycleEndToEnd starts the real embedded stack (Temporal on SQLite, S3 on a folder,
// records in SQLite or, when CATALYST_TEST_DATABASE_URL is set, PostgreSQL) and drives one
// challenge from submission to phase 2 completion over HTTP, then restarts the stack on the same
// data and finds everything still there.
func TestLifecycleEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole stack")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// The S3 server changes the working directory when it starts; t.Chdir puts it back when the
	// test ends, so a second run (-count=2) or a later test does not find itself in a removed folder.
	t.Chdir(".")
	// Resolved now, before the S3 server moves the working directory.
	historyDir, err := filepath.Abs(filepath.Join("..", "..", "workflows", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	t.Cleanup(func() { showTemporalLog(t, data) })
	var dsn string
	if testdb.Postgres() {
		_, dsn = testdb.OpenURL(t)
	}
	st, err := startDev(ctx, devOptions{Data: data, Addr: "127.0.0.1:0", DatabaseURL: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { st.Close() }()
	if err := seedPeople(ctx, st.DB); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(st.URL + "/readyz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("readyz: %v %v", resp, err)
	}
	// The data folder, with every sealed bid and the log's key in it, is its owner's alone.
	for _, f := range []struct {
		path string
		mode os.FileMode
	}{{data, 0o700}, {filepath.Join(data, "log.key"), 0o600}, {filepath.Join(data, "documents"), 0o700}} {
		if fi, err := os.Stat(f.path); err != nil {
			t.Error(err)
		} else if fi.Mode().Perm() != f.mode {
			t.Errorf("%s: %v, want %v", f.path, fi.Mode().Perm(), f.mode)
		}
	}
	if w := exposedWarning(&net.TCPAddr{IP: net.IPv4(0, 0, 0, 0), Port: 8080}); !strings.Contains(w, "anyone act as anyone") {
		t.Errorf("catalyst dev on every address says %q", w)
	}
	if w := exposedWarning(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}); w != "" {
		t.Errorf("catalyst dev on loopback warns %q", w)
	}
	resp.Body.Close()

	anon := &apiClient{http: http.DefaultClient, base: st.URL}
	as := func(email string) *apiClient {
		c, err := anon.as(email)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// admin is the programme officer, who runs the programme; hannah the admin, who manages
	// people and settings and runs no competition.
	admin, owner, hannah := as(demoOfficer), as(demoOwner), as(demoAdmin)
	acme, binsight, civic := as(demoSuppliers[0]), as(demoSuppliers[1]), as(demoSuppliers[2])
	assessors := []*apiClient{as(demoAssessors[0]), as(demoAssessors[1]), as(demoAssessors[2])}
	// The test reads the database as its own named identity, as any background work does.
	sys := authz.AsSystem(ctx, "e2e-check")

	// The programme's finance system hears of awards, payments and stops by webhook, and
	// verifies each delivery with the Standard Webhooks specification's own library.
	rx := &webhookReceiver{}
	rxServer := httptest.NewServer(rx)
	defer rxServer.Close()
	var registered api.WebhookSecretView
	wantProblem(t, admin.call(http.MethodPost, "/api/v1/webhooks", map[string]any{}, nil), 403, "forbidden", "")
	must(t, hannah.call(http.MethodPost, "/api/v1/webhooks", map[string]any{"url": rxServer.URL, "description": "Finance",
		"events": []string{"contract.awarded", "milestone.paid", "contract.gate_stop", "contract.gate_continue"}}, &registered))
	rx.secret = registered.Secret

	// Every step below is done by the person whose job it is, after the people whose job it
	// is not have been refused: 401 without signing in, 403 for the wrong role, 404 for a
	// record outside their scope.
	wantProblem(t, anon.call(http.MethodGet, "/api/v1/challenges", nil, nil), 401, "unauthenticated", "sign in")
	wantProblem(t, acme.call(http.MethodPost, "/api/v1/challenges", map[string]any{"title": "T", "public_body": "B", "problem": "P"}, nil), 403, "forbidden", "")

	// Bad input is refused with a problem a person can act on, and nothing is written.
	wantProblem(t, owner.call(http.MethodPost, "/api/v1/challenges", map[string]any{"title": "  "}, nil), 422, "invalid-input",
		`"title" must not be blank: write something in it; give "public_body": it is required; give "problem": it is required`)
	wantProblem(t, owner.call(http.MethodPost, "/api/v1/challenges", map[string]any{"titel": "typo"}, nil), 400, "bad-request", `a field this request does not take: "titel"`)
	if n := st.DB.Challenge.Query().CountX(sys); n != 0 {
		t.Fatalf("a refused request wrote %d challenges", n)
	}

	var ch challengeJSON
	must(t, owner.call(http.MethodPost, "/api/v1/challenges", map[string]any{
		"title": "Reduce missed bin collections", "public_body": "Anytown Council",
		"problem": "One in fifty collections is missed.", "user_need": "Bins emptied on the day promised.",
	}, &ch))
	path := fmt.Sprintf("/api/v1/challenges/%d", ch.ID)
	// A draft missing answers is not submitted, and says what it needs.
	wantProblem(t, owner.call(http.MethodPost, path+"/submit", nil, nil), 422, "invalid-input", "Say who has the problem")
	full := intake("Reduce missed bin collections", "One in fifty collections is missed.", "Bins emptied on the day promised.")
	must(t, owner.edit(path, full, &ch))
	wantProblem(t, admin.call(http.MethodPost, path+"/selection", map[string]any{"select": true}, nil), 409, "", "")
	wantProblem(t, acme.call(http.MethodGet, path, nil, nil), 404, "not-found", "")
	wantProblem(t, assessors[0].call(http.MethodPost, path+"/submit", nil, nil), 403, "forbidden", "")
	must(t, owner.call(http.MethodPost, path+"/submit", nil, &ch))
	wantStage(t, ch, "submitted")
	wantProblem(t, owner.call(http.MethodPost, path+"/selection", map[string]any{"select": true}, nil), 403, "forbidden", "")
	wantProblem(t, owner.call(http.MethodPost, path+"/submit", nil, nil), 409, "invalid-transition", "only a draft challenge can be submitted")
	var round struct {
		ID int `json:"id"`
	}
	must(t, admin.call(http.MethodPost, "/api/v1/rounds", map[string]any{"name": "Test round", "budget_pence": 2_000_000_00,
		"starts_at": time.Now(), "ends_at": time.Now().AddDate(1, 0, 0)}, &round))
	// A command sent again under its Idempotency-Key after its first answer was lost (a 503
	// whose update went on to take effect: 5xx answers are not kept) gets the first one's
	// outcome, although the challenge's stage has moved on; the same command under a new key is
	// refused.
	selectIt, _ := json.Marshal(map[string]any{"select": true, "round_id": round.ID})
	for i := range 2 {
		if err := admin.sendOnce(http.MethodPost, path+"/selection", "application/json", "e2e-selection", "", selectIt, &ch); err != nil {
			t.Fatalf("keyed selection, try %d: %v", i+1, err)
		}
		wantStage(t, ch, "selected")
		st.DB.IdempotencyRecord.Delete().ExecX(sys) // the answer is lost
	}
	wantProblem(t, admin.sendOnce(http.MethodPost, path+"/selection", "application/json", "another-key", "", selectIt, nil), 409, "invalid-transition", "")
	lc := workflows.Lifecycle{Temporal: st.Temporal}
	// A command to a workflow that does not exist is refused as not running, soon, and is never
	// "busy": retrying it would change nothing.
	began := time.Now()
	_, err = lc.Decide(ctx, 999_999, workflows.DecideRequest{Actor: authz.Actor{Who: demoOfficer}})
	var notRunning *serviceerror.NotFound
	if !errors.As(err, &notRunning) || errors.Is(err, workflows.ErrBusy) || time.Since(began) > workflows.UpdateTimeout {
		t.Errorf("a command to no workflow: %v after %s, want not found within the grace", err, time.Since(began))
	}

	// Phase 1 competition, set up whole in one request: by the setup task list's rule, a
	// deadline in the past is refused, and so is a setup with no summary or question text
	// (alerts and search would miss it); a whole one opens.
	past := wholeSetup("Sensors and apps for bin collections.", time.Now().Add(-time.Hour))
	wantProblem(t, admin.call(http.MethodPost, path+"/competitions", past, nil), 422, "invalid-input", "closing time")
	wantProblem(t, admin.call(http.MethodPost, path+"/competitions", wholeSetup("", time.Now().Add(time.Hour)), nil), 422, "invalid-input", "summary")
	unwritten := wholeSetup("Sensors and apps for bin collections.", time.Now().Add(time.Hour))
	unwritten["questions"] = domain.DefaultScheme().Criteria
	wantProblem(t, admin.call(http.MethodPost, path+"/competitions", unwritten, nil), 422, "invalid-input", "the question")
	poor := wholeSetup("Sensors and apps for bin collections.", time.Now().Add(time.Hour))
	poor["pot_pence"], poor["max_contract_pence"] = 100, 500
	wantProblem(t, admin.call(http.MethodPost, path+"/competitions", poor, nil), 422, "invalid-input", "cannot be more than the pot")
	var comp competitionJSON
	wantProblem(t, owner.call(http.MethodPost, path+"/competitions", wholeSetup("Sensors and apps for bin collections.", time.Now().Add(time.Hour)), nil), 403, "forbidden", "")
	must(t, admin.call(http.MethodPost, path+"/competitions", wholeSetup("Sensors and apps for bin collections.", time.Now().Add(8*time.Second)), &comp))
	compPath := fmt.Sprintf("/api/v1/competitions/%d", comp.ID)

	var bidA, bidB, bidC bidJSON
	wantProblem(t, admin.call(http.MethodPost, compPath+"/bids", writtenBid("Admin's", 1_00), nil), 403, "forbidden", "")
	notOurs := writtenBid("Not ours", 1_00)
	notOurs["organisation_id"] = 999
	wantProblem(t, acme.call(http.MethodPost, compPath+"/bids", notOurs, nil), 403, "forbidden", "own organisation")
	must(t, acme.call(http.MethodPost, compPath+"/bids", writtenBid("Sensors on bin lorries", 45_000_00), &bidA))
	wantProblem(t, acme.call(http.MethodPost, compPath+"/bids", writtenBid("Again", 1_00), nil), 409, "bid-exists", "already has a bid")
	// A price over the cap is kept as written, and the submit says what to fix; the supplier
	// fixes the price and its milestones task by task.
	must(t, binsight.call(http.MethodPost, compPath+"/bids", writtenBid("Too dear", 60_000_00), &bidB))
	wantProblem(t, binsight.call(http.MethodPost, fmt.Sprintf("/api/v1/bids/%d/submit", bidB.ID), nil, nil), 422, "invalid-input", "above this competition's maximum")
	fixed := writtenBid("Resident reporting app", 48_000_00)
	for task, body := range map[string]map[string]any{
		"about":      {"title": fixed["title"]},
		"finances":   {"price_pence": fixed["price_pence"], "vat_rate": 2000},
		"milestones": {"milestones": fixed["milestones"]},
	} {
		must(t, binsight.overwrite(http.MethodPut, fmt.Sprintf("/api/v1/bids/%d/tasks/%s", bidB.ID, task), body, &bidB))
	}
	must(t, civic.call(http.MethodPost, compPath+"/bids", writtenBid("Never submitted", 10_000_00), &bidC))
	// One supplier's deadline moves a little later, with a reason: the competition closes for
	// everyone only then, and the workflow's timer is re-armed.
	wantProblem(t, admin.call(http.MethodPost, compPath+"/extensions", map[string]any{"organisation_id": bidC.OrganisationID,
		"closes_at": comp.ClosesAt.Add(-time.Second), "reason": "Late"}, nil), 422, "invalid-input", "later than the current one")
	var extended competitionJSON
	must(t, admin.call(http.MethodPost, compPath+"/extensions", map[string]any{"organisation_id": bidC.OrganisationID,
		"closes_at": comp.ClosesAt.Add(2 * time.Second), "reason": "Their office lost power."}, &extended))
	if !extended.ClosesAt.Equal(comp.ClosesAt) {
		t.Fatalf("an extension for one supplier moved everyone's deadline to %s", extended.ClosesAt)
	}

	// Documents: streamed to the object store, hashed, type-checked by their bytes.
	proposal := []byte("%PDF-1.4\n% Acme proposal\n" + strings.Repeat("route data ", 2000) + "\n%%EOF\n")
	var doc struct {
		ID     int    `json:"id"`
		SHA256 string `json:"sha256"`
		Size   int64  `json:"size"`
	}
	wantProblem(t, binsight.upload(fmt.Sprintf("/api/v1/bids/%d/documents", bidA.ID), "proposal.pdf", proposal, nil), 404, "not-found", "")
	must(t, acme.upload(fmt.Sprintf("/api/v1/bids/%d/documents", bidA.ID), "proposal.pdf", proposal, &doc))
	sum := sha256.Sum256(proposal)
	if doc.SHA256 != hex.EncodeToString(sum[:]) || doc.Size != int64(len(proposal)) {
		t.Fatalf("document recorded as %+v, want sha256 %x and %d bytes", doc, sum, len(proposal))
	}
	wantProblem(t, acme.upload(fmt.Sprintf("/api/v1/bids/%d/documents", bidA.ID), "proposal.pdf", []byte("MZ\x90\x00 not really a PDF"), nil), 415, "document-type", "is named as a PDF, but its content is no kind of file that may be uploaded")
	downloaded := download(t, acme, fmt.Sprintf("/api/v1/documents/%d/content", doc.ID))
	if !bytes.Equal(downloaded, proposal) {
		t.Fatalf("downloaded %d bytes, not the %d uploaded", len(downloaded), len(proposal))
	}
	checkSignedLink(t, acme, doc.ID, proposal)

	// Sealing: one transaction, a receipt, the same receipt on a repeat.
	var receipt, again api.Receipt
	wantProblem(t, binsight.call(http.MethodPost, fmt.Sprintf("/api/v1/bids/%d/submit", bidA.ID), nil, nil), 404, "not-found", "")
	must(t, acme.call(http.MethodPost, fmt.Sprintf("/api/v1/bids/%d/submit", bidA.ID), nil, &receipt))
	must(t, acme.call(http.MethodPost, fmt.Sprintf("/api/v1/bids/%d/submit", bidA.ID), nil, &again))
	if receipt.Receipt == "" || again.Receipt != receipt.Receipt || !again.SubmittedAt.Equal(receipt.SubmittedAt) {
		t.Fatalf("receipts %+v then %+v: a repeat must return the first", receipt, again)
	}
	wantProblem(t, acme.upload(fmt.Sprintf("/api/v1/bids/%d/documents", bidA.ID), "late.pdf", proposal, nil), 409, "bid-sealed", "it never changes")
	must(t, binsight.call(http.MethodPost, fmt.Sprintf("/api/v1/bids/%d/submit", bidB.ID), nil, nil))
	wantProblem(t, admin.call(http.MethodGet, compPath+"/bids", nil, nil), 409, "bids-sealed", "sealed until the deadline")
	// Sealed: not the programme, not the owner, not an assessor may read a bid or its document.
	for _, c := range []*apiClient{admin, owner, assessors[0], binsight} {
		wantProblem(t, c.call(http.MethodGet, fmt.Sprintf("/api/v1/bids/%d", bidA.ID), nil, nil), 404, "not-found", "")
		wantProblem(t, c.call(http.MethodGet, fmt.Sprintf("/api/v1/documents/%d/content", doc.ID), nil, nil), 404, "not-found", "")
	}
	// The workflow learns of each sealed bid afterwards: the relay delivers the outbox.
	for deadline := time.Now().Add(time.Minute); ; {
		msgs := st.DB.OutboxMessage.Query().Where(outboxmessage.WorkflowIDHasPrefix("competition-")).AllX(sys)
		delivered := 0
		for _, m := range msgs {
			if m.SentAt != nil && m.LastError == "" {
				delivered++
			}
		}
		if len(msgs) == 2 && delivered == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox not delivered to the running competition: %+v", msgs)
		}
		time.Sleep(100 * time.Millisecond)
	}

	// The deadline closes the competition by a durable timer; late work is refused.
	waitFor(t, admin, compPath, func(c competitionJSON) bool { return c.Status == "eligibility" })
	wantProblem(t, civic.call(http.MethodPost, fmt.Sprintf("/api/v1/bids/%d/submit", bidC.ID), nil, nil), 409, "competition-closed", "deadline was")
	must(t, admin.call(http.MethodGet, path, nil, &ch))
	wantStage(t, ch, "phase1_assessment")

	// Eligibility: nobody scores until the programme has decided what the checks flagged (the
	// bid without its proposal) and finished the check.
	// An assessor is not even shown a bid before the check is finished.
	wantProblem(t, assessors[0].call(http.MethodPost, compPath+"/assessments", assessment(bidA.ID, 9, true), nil), 404, "not-found", "")
	wantProblem(t, admin.call(http.MethodPost, compPath+"/eligibility/finish", nil, nil), 409, "", "decide the 1 bid the automatic checks flagged first")
	wantProblem(t, admin.call(http.MethodPost, fmt.Sprintf("/api/v1/bids/%d/eligibility", bidB.ID), map[string]any{"eligible": true}, nil), 422, "invalid-input", "reason")
	must(t, admin.call(http.MethodPost, fmt.Sprintf("/api/v1/bids/%d/eligibility", bidB.ID), map[string]any{"eligible": true,
		"reason": "The proposal reached us by email before the deadline."}, nil))
	must(t, admin.call(http.MethodPost, compPath+"/eligibility/finish", nil, nil))
	waitFor(t, admin, compPath, func(c competitionJSON) bool { return c.Status == "assessment" })
	// Assessors see nothing until the programme has reviewed the proposal and released it.
	var assigned struct {
		Assignments []map[string]any `json:"assignments"`
		ReleasedAt  *time.Time       `json:"released_at"`
	}
	must(t, admin.call(http.MethodGet, compPath+"/assignment-proposal", nil, &assigned))
	if len(assigned.Assignments) != 6 || assigned.ReleasedAt != nil {
		t.Errorf("the proposal before the release: %d assignments, released %v", len(assigned.Assignments), assigned.ReleasedAt)
	}
	wantProblem(t, assessors[0].call(http.MethodGet, fmt.Sprintf("/api/v1/bids/%d", bidA.ID), nil, nil), 404, "not-found", "")
	must(t, admin.call(http.MethodPost, compPath+"/assignments/release", nil, &assigned))
	if assigned.ReleasedAt == nil {
		t.Error("the release was not recorded")
	}

	// Assessment: decisions wait for every score; scores out of range are refused.
	wantProblem(t, admin.call(http.MethodPost, compPath+"/decision", map[string]any{}, nil), 409, "evidence-missing", "every bid needs its assessments")
	wantProblem(t, assessors[0].call(http.MethodPost, compPath+"/assessments", assessment(bidA.ID, 11, true), nil), 422, "invalid-input", "must be from 0 to 10")
	wantProblem(t, owner.call(http.MethodPost, compPath+"/assessments", assessment(bidA.ID, 9, true), nil), 403, "forbidden", "")
	wantProblem(t, acme.call(http.MethodPost, compPath+"/assessments", assessment(bidA.ID, 9, true), nil), 403, "forbidden", "")
	// The deadline gave each bid its assessors; they see those bids, the owner now sees all.
	for _, c := range append([]*apiClient{admin, owner}, assessors...) {
		must(t, c.call(http.MethodGet, fmt.Sprintf("/api/v1/bids/%d", bidA.ID), nil, nil))
	}
	for _, a := range assessors {
		must(t, a.call(http.MethodPost, compPath+"/assessments", assessment(bidA.ID, 9, true), nil))
		must(t, a.call(http.MethodPost, compPath+"/assessments", assessment(bidB.ID, 8, true), nil))
	}
	var decided competitionJSON
	wantProblem(t, owner.call(http.MethodPost, compPath+"/decision", map[string]any{}, nil), 403, "forbidden", "")
	wantProblem(t, assessors[0].call(http.MethodPost, compPath+"/decision", map[string]any{}, nil), 403, "forbidden", "")
	// The programme proposes; nothing is decided until someone else approves it within their
	// limit. The programme cannot approve it; the budget holder's limit is below its total, so
	// one approval waits for a second; the panel chair's covers it.
	var sheet struct {
		Proposal struct {
			TotalPence int64  `json:"total_pence"`
			Waiting    string `json:"waiting"`
		} `json:"proposal"`
	}
	must(t, admin.call(http.MethodPost, compPath+"/decision", map[string]any{}, &sheet))
	wantProblem(t, admin.call(http.MethodPost, compPath+"/decision", map[string]any{}, nil), 409, "", "waiting for approval")
	wantProblem(t, admin.call(http.MethodPost, compPath+"/decision/approval", map[string]any{"approve": true}, nil), 403, "forbidden", "")
	// The admin sets the budget holder's limit at £50,000, below the two contracts' total; the
	// programme officer, who proposed the decision, may not.
	var people struct {
		Items []struct {
			ID    int    `json:"id"`
			Email string `json:"email"`
		} `json:"items"`
	}
	must(t, admin.call(http.MethodGet, "/api/v1/people", nil, &people))
	for _, p := range people.Items {
		if p.Email == demoBudget {
			wantProblem(t, admin.call(http.MethodPost, fmt.Sprintf("/api/v1/people/%d", p.ID), map[string]any{}, nil), 403, "forbidden", "")
			must(t, hannah.call(http.MethodPost, fmt.Sprintf("/api/v1/people/%d", p.ID), map[string]any{
				"roles": []string{"budget_holder"}, "delegated_limit_pence": 50_000_00}, nil))
		}
	}
	budget := as(demoBudget)
	must(t, budget.call(http.MethodPost, compPath+"/decision/approval", map[string]any{"approve": true, "reason": "Good value."}, &sheet))
	if !strings.Contains(sheet.Proposal.Waiting, "waiting for a second approval") {
		t.Errorf("after an approval below the total (%d pence): %q", sheet.Proposal.TotalPence, sheet.Proposal.Waiting)
	}
	waitFor(t, admin, compPath, func(c competitionJSON) bool { return c.Status == "assessment" })
	must(t, as(demoChair).call(http.MethodPost, compPath+"/decision/approval", map[string]any{"approve": true, "reason": "The ranking holds."}, nil))
	must(t, admin.call(http.MethodGet, compPath, nil, &decided))
	if len(decided.Contracts) != 2 {
		t.Fatalf("phase 1 contracts = %d, want 2", len(decided.Contracts))
	}
	for _, b := range decided.Bids {
		if b.Status != "funded" || b.Score == nil || !strings.Contains(b.OutcomeReason, "funded because") {
			t.Errorf("bid %d: status %s, score %v, reason %q", b.ID, b.Status, b.Score, b.OutcomeReason)
		}
	}
	kA, kB := contractOf(t, decided, bidA.OrganisationID), contractOf(t, decided, bidB.OrganisationID)

	// Feedback: a supplier reads its own once released, never naming the assessors.
	bidAPath := fmt.Sprintf("/api/v1/bids/%d", bidA.ID)
	var early bidJSON
	must(t, acme.call(http.MethodGet, bidAPath, nil, &early))
	if early.Score != nil || early.OutcomeReason != "" {
		t.Errorf("the supplier saw its score before feedback was released: %+v", early)
	}
	wantProblem(t, acme.call(http.MethodGet, bidAPath+"/feedback", nil, nil), 409, "feedback-not-released", "")
	wantProblem(t, owner.call(http.MethodPost, compPath+"/feedback-release", nil, nil), 403, "forbidden", "")
	must(t, admin.call(http.MethodPost, compPath+"/feedback-release", nil, nil))
	var feedback struct {
		Assessments []map[string]any `json:"assessments"`
	}
	must(t, acme.call(http.MethodGet, bidAPath+"/feedback", nil, &feedback))
	if len(feedback.Assessments) != 3 || feedback.Assessments[0]["label"] != "Assessor 1" || feedback.Assessments[0]["assessor_id"] != nil {
		t.Errorf("feedback = %+v", feedback)
	}
	wantProblem(t, binsight.call(http.MethodGet, bidAPath+"/feedback", nil, nil), 404, "not-found", "")

	// Stage gate: evidence first, then a continue and a stop with rationales.
	wantProblem(t, admin.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/gate", kA), map[string]any{"outcome": "continue", "rationale": "Good"}, nil),
		409, "evidence-missing", "end-of-phase report")
	wantProblem(t, binsight.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/report", kA), map[string]any{"summary": "Not ours."}, nil), 404, "not-found", "")
	wantProblem(t, admin.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/report", kA), map[string]any{"summary": "Not ours."}, nil), 403, "forbidden", "")
	// A contract starts when its supplier accepts it: before that there is nothing to report on.
	wantProblem(t, acme.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/report", kA), fullReport("Early."), nil),
		409, "invalid-transition", "not accepted the contract")
	must(t, acme.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/acceptance", kA), nil, nil))
	var kBView contractJSON
	must(t, binsight.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/acceptance", kB), nil, &kBView))
	// Binsight delivers its first milestone, the owner accepts it and finance pays it.
	m1 := kBView.Milestones[0]
	must(t, binsight.call(http.MethodPost, fmt.Sprintf("/api/v1/milestones/%d/deliverable", m1.ID), map[string]any{"note": "The app, live for a month."}, nil))
	must(t, owner.call(http.MethodPost, fmt.Sprintf("/api/v1/milestones/%d/review", m1.ID), map[string]any{"accept": true}, nil))
	must(t, as(demoFinance).call(http.MethodPost, fmt.Sprintf("/api/v1/milestones/%d/payment", m1.ID), nil, nil))
	must(t, acme.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/report", kA), fullReport("Sensors found 90% of misses."), nil))
	must(t, binsight.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/report", kB), fullReport("Residents did not use the app."), nil))
	// A second report is a conflict with the contract's state, named, not bad input.
	wantProblem(t, acme.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/report", kA), fullReport("Again."), nil),
		409, "invalid-transition", "End-of-phase report received")
	wantProblem(t, admin.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/gate", kA), map[string]any{"outcome": "complete", "rationale": "x"}, nil), 422, "invalid-input", "continue or stop")
	wantProblem(t, owner.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/gate", kA), map[string]any{"outcome": "continue", "rationale": "x"}, nil), 403, "forbidden", "")
	wantProblem(t, acme.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/gate", kA), map[string]any{"outcome": "continue", "rationale": "x"}, nil), 403, "forbidden", "")
	// The gate names what it still needs: the challenge-level decision, the show-and-tell and
	// the owner's recommendation.
	wantProblem(t, admin.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/gate", kA), map[string]any{"outcome": "continue", "rationale": "x"}, nil),
		409, "evidence-missing", "the challenge-level go or no-go, the show-and-tell, held and recorded, the challenge owner's recommendation")
	must(t, admin.call(http.MethodPost, path+"/gate", map[string]any{"decision": "go", "criteria": []string{"success", "budget", "standards"}, "rationale": "Acme's trial worked."}, nil))
	for k, rec := range map[int]string{kA: "continue", kB: "stop"} {
		must(t, admin.call(http.MethodPut, fmt.Sprintf("/api/v1/contracts/%d/show-and-tell", k), map[string]any{"at": time.Now().Add(time.Hour), "place": "Room 1"}, nil))
		// Scheduled for an hour from now, it cannot be recorded as held yet; brought forward, it is
		// recorded with when it was held.
		wantProblem(t, admin.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/show-and-tell/record", k), map[string]any{"attended": "Tom, Priya", "notes": "Shown."}, nil),
			422, "invalid-input", "can be recorded only once it has been held")
		must(t, admin.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/show-and-tell/record", k), map[string]any{"held_at": time.Now().Add(-time.Minute), "attended": "Tom, Priya", "notes": "Shown."}, nil))
		must(t, owner.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/recommendation", k), map[string]any{"outcome": rec, "reason": "As shown."}, nil))
	}
	must(t, admin.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/gate", kA), map[string]any{"outcome": "continue", "rationale": "Found 90% of misses."}, nil))
	wantProblem(t, admin.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/gate", kB), map[string]any{"outcome": "stop", "rationale": "Take-up was too low."}, nil),
		422, "invalid-input", "what worked")
	must(t, admin.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/gate", kB), map[string]any{"outcome": "stop", "rationale": "Take-up was too low.",
		"lesson": lesson}, nil))
	wantProblem(t, admin.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/gate", kB), map[string]any{"outcome": "continue", "rationale": "On reflection."}, nil),
		409, "invalid-transition", "Stopped at the gate")
	// The stop closed Binsight's contract at its spend so far: nothing more is payable.
	must(t, binsight.call(http.MethodGet, fmt.Sprintf("/api/v1/contracts/%d", kB), nil, &kBView))
	if kBView.ValuePence != m1.AmountPence || kBView.Milestones[1].Status != "cancelled" {
		t.Errorf("the stopped contract is worth %d with its second milestone %s; want %d and cancelled", kBView.ValuePence, kBView.Milestones[1].Status, m1.AmountPence)
	}
	wantProblem(t, binsight.call(http.MethodPost, fmt.Sprintf("/api/v1/milestones/%d/deliverable", kBView.Milestones[1].ID), map[string]any{"note": "More."}, nil),
		409, "invalid-transition", "no further milestone is payable")

	// Phase 2, open to the continued supplier only.
	var comp2 competitionJSON
	must(t, admin.call(http.MethodPost, path+"/competitions", wholeSetup("Prototypes of the bin sensors.", time.Now().Add(8*time.Second)), &comp2))
	if comp2.Phase != 2 || len(comp2.EligibleOrganisations) != 1 || comp2.EligibleOrganisations[0] != bidA.OrganisationID {
		t.Fatalf("phase 2 competition = %+v, want phase 2 open to organisation %d only", comp2, bidA.OrganisationID)
	}
	comp2Path := fmt.Sprintf("/api/v1/competitions/%d", comp2.ID)
	wantProblem(t, binsight.call(http.MethodPost, comp2Path+"/bids", writtenBid("Try again", 100_000_00), nil), 403, "not-eligible", "continued")
	var bid2 bidJSON
	must(t, acme.call(http.MethodPost, comp2Path+"/bids", writtenBid("Prototype fleet", 450_000_00), &bid2))
	must(t, acme.call(http.MethodPost, fmt.Sprintf("/api/v1/bids/%d/submit", bid2.ID), nil, nil))
	waitFor(t, admin, comp2Path, func(c competitionJSON) bool { return c.Status == "eligibility" })
	must(t, admin.call(http.MethodPost, fmt.Sprintf("/api/v1/bids/%d/eligibility", bid2.ID), map[string]any{"eligible": true,
		"reason": "The phase 1 report stands in for the proposal."}, nil))
	must(t, admin.call(http.MethodPost, comp2Path+"/eligibility/finish", nil, nil))
	must(t, admin.call(http.MethodPost, comp2Path+"/assignments/release", nil, nil))
	for _, a := range assessors {
		must(t, a.call(http.MethodPost, comp2Path+"/assessments", assessment(bid2.ID, 8, true), nil))
	}
	must(t, proposeAndApprove(admin, as(demoChair), comp2.ID, map[string]any{}, &decided))
	k2 := contractOf(t, decided, bid2.OrganisationID)
	wantProblem(t, admin.call(http.MethodPost, path+"/completion", map[string]any{"outcome": "adopted", "lesson": lesson}, nil), 409, "", "")
	// The supplier learns of its contract with its outcome, when the programme releases it.
	wantProblem(t, acme.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/report", k2), map[string]any{"summary": "Too early."}, nil), 404, "not-found", "")
	must(t, admin.call(http.MethodPost, comp2Path+"/feedback-release", nil, nil))
	must(t, acme.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/acceptance", k2), nil, nil))
	must(t, acme.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/report", k2), fullReport("Prototype ran for six months."), nil))
	must(t, admin.call(http.MethodPut, fmt.Sprintf("/api/v1/contracts/%d/show-and-tell", k2), map[string]any{"at": time.Now().Add(time.Hour), "place": "Room 1"}, nil))
	must(t, admin.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/show-and-tell/record", k2), map[string]any{"held_at": time.Now().Add(-time.Minute), "attended": "Tom, Priya", "notes": "Shown."}, nil))
	must(t, owner.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/recommendation", k2), map[string]any{"outcome": "complete", "reason": "It works."}, nil))
	must(t, admin.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/gate", k2), map[string]any{"outcome": "complete", "rationale": "Met the acceptance tests."}, nil))
	wantProblem(t, admin.call(http.MethodPost, path+"/completion", map[string]any{"outcome": "bought it", "lesson": lesson}, nil), 422, "invalid-input", `"outcome" must be one of: adopted, not_adopted`)
	wantProblem(t, owner.call(http.MethodPost, path+"/completion", map[string]any{"outcome": "adopted"}, nil), 403, "forbidden", "")
	must(t, admin.call(http.MethodPost, path+"/completion", map[string]any{"outcome": "adopted", "lessons": "Share data early.", "lesson": lesson}, &ch))
	// Both lessons are in the public register.
	var register struct {
		Items []struct {
			Kind string `json:"kind"`
		} `json:"items"`
	}
	must(t, anon.call(http.MethodGet, "/api/v1/lessons?words=data", nil, &register))
	if len(register.Items) != 2 || register.Items[0].Kind != "outcome" || register.Items[1].Kind != "stop" {
		t.Errorf("the lessons register: %+v, want the outcome's and the stop's", register.Items)
	}
	wantStage(t, ch, "complete")
	if ch.Outcome != "adopted" {
		t.Errorf("outcome = %q, want adopted", ch.Outcome)
	}

	// Every change left an audit event, with who did it.
	for _, action := range []string{"challenge.created", "challenge.submitted", "challenge.selected", "bid.submitted", "document.uploaded",
		"competition.assessment", "assessment.recorded", "contract.awarded", "contract.gate_continue", "contract.gate_stop", "challenge.complete", "challenge.outcome_recorded"} {
		if n := st.DB.AuditEvent.Query().Where(auditevent.Action(action)).CountX(sys); n == 0 {
			t.Errorf("no audit event %q", action)
		}
	}
	if n := st.DB.AuditEvent.Query().Where(auditevent.Action("bid.submitted"), auditevent.Actor(demoSuppliers[0])).CountX(sys); n != 2 {
		t.Errorf("bid.submitted by %s: %d events, want 2", demoSuppliers[0], n)
	}

	// Every notice was emailed once, through the mail workflow, to the dev stack's SMTP sink.
	waitForEmails(t, st)
	// Every chosen event reached the finance system, signed so that it verified.
	rx.waitFor(t, "contract.awarded", "contract.gate_stop", "contract.gate_continue")

	// Prometheus reads the workflows' and activities' own metrics beside Catalyst's.
	resp, err = http.Get(st.URL + "/metrics")
	must(t, err)
	scraped, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"temporal_workflow_completed", "temporal_activity_execution_latency", "catalyst_http_request_duration_seconds_bucket",
		`catalyst_emails{state="sent"}`, `catalyst_webhook_deliveries{state="delivered"}`} {
		if !strings.Contains(string(scraped), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	checkPrometheusNaming(t, scraped)

	// The programme's figures come from these live records: the decision's turnaround is
	// counted, and the stop at the gate shows as money saved.
	var figures api.FiguresView
	must(t, admin.call(http.MethodGet, "/api/v1/figures", nil, &figures))
	if figures.Time[0].Count == 0 || figures.Total.SavedPence <= 0 || figures.Funnel[4].Count < 2 {
		t.Errorf("figures from the lifecycle: time %+v, total %+v, funnel %+v", figures.Time, figures.Total, figures.Funnel)
	}

	if os.Getenv("CATALYST_RECORD_HISTORIES") != "" {
		recordHistories(t, ctx, st, historyDir, ch.ID, comp.ID, kA)
	}

	// A challenge-level no-go stops every phase 1 contract, whatever its evidence, at its spend
	// so far, and closes the challenge, with its lesson in the register. The seed brings the
	// challenge to the gate: both contracts reported, milestones accepted and paid.
	seed := &seeder{clients: map[string]*apiClient{}, roundID: round.ID}
	for _, p := range demoPeople {
		seed.clients[p.Email] = as(p.Email)
	}
	var nogo challengeJSON
	must(t, owner.call(http.MethodPost, "/api/v1/challenges", intake("Count footfall on the high street", "Nobody knows how many people visit.", "As a town centre manager I need footfall by day."), &nogo))
	if err := seed.drive(ctx, nogo.ID, demoChallenge{Title: "Count footfall on the high street", Stage: domain.ChallengePhase1Contracts, AtGate: true}); err != nil {
		t.Fatal(err)
	}
	nogoPath := fmt.Sprintf("/api/v1/challenges/%d", nogo.ID)
	noGo := map[string]any{"decision": "no_go", "rationale": "Counting needs cameras the council will not install."}
	wantProblem(t, admin.call(http.MethodPost, nogoPath+"/gate", noGo, nil), 422, "invalid-input", "what worked")
	noGo["lesson"] = map[string]any{"what_worked": "Counting from phone signals in a trial street.", "what_failed": "Consent for the whole high street.", "why": "Privacy rules, checked too late."}
	must(t, admin.call(http.MethodPost, nogoPath+"/gate", noGo, nil))
	for until := time.Now().Add(time.Minute); nogo.Stage != "closed" && time.Now().Before(until); time.Sleep(200 * time.Millisecond) {
		must(t, admin.call(http.MethodGet, nogoPath, nil, &nogo))
	}
	wantStage(t, nogo, "closed")
	var stopped struct {
		Items []contractJSON `json:"items"`
	}
	must(t, admin.call(http.MethodGet, "/api/v1/contracts", nil, &stopped))
	n := 0
	for _, k := range stopped.Items {
		var full struct {
			ChallengeID int   `json:"challenge_id"`
			Spent       int64 `json:"spent_pence"`
		}
		must(t, admin.call(http.MethodGet, fmt.Sprintf("/api/v1/contracts/%d", k.ID), nil, &full))
		if full.ChallengeID != nogo.ID {
			continue
		}
		n++
		if k.Status != "stopped" || k.ValuePence != full.Spent || k.Gate == nil || !strings.Contains(k.Gate.Rationale, "no-go") {
			t.Errorf("contract %d after the no-go: %s worth %d with %d spent, gate %+v", k.ID, k.Status, k.ValuePence, full.Spent, k.Gate)
		}
	}
	if n != 2 {
		t.Errorf("the no-go's challenge has %d contracts, want 2", n)
	}
	if os.Getenv("CATALYST_RECORD_HISTORIES") != "" {
		writeHistory(t, ctx, st, filepath.Join(historyDir, "challenge-nogo.json"), workflows.ChallengeWorkflowID(nogo.ID), "")
	}

	// The retention schedule is a Temporal schedule the worker made, each night at 2am; triggered
	// now, its run (a workflow of its own) finds nothing past its period in a programme minutes
	// old, deletes nothing, and says so in the trail.
	sched := st.Temporal.ScheduleClient().GetHandle(ctx, workflows.RetentionScheduleID)
	desc, err := sched.Describe(ctx)
	for until := time.Now().Add(30 * time.Second); err != nil && time.Now().Before(until); desc, err = sched.Describe(ctx) {
		time.Sleep(200 * time.Millisecond)
	}
	must(t, err)
	if len(desc.Info.NextActionTimes) == 0 || desc.Info.NextActionTimes[0].In(domain.London).Hour() != workflows.RetentionHour {
		t.Errorf("the retention schedule's next runs: %v", desc.Info.NextActionTimes)
	}
	must(t, sched.Trigger(ctx, client.ScheduleTriggerOptions{}))
	for until := time.Now().Add(30 * time.Second); len(desc.Info.RecentActions) == 0 && time.Now().Before(until); time.Sleep(200 * time.Millisecond) {
		desc, err = sched.Describe(ctx)
		must(t, err)
	}
	if len(desc.Info.RecentActions) == 0 {
		t.Fatal("the triggered retention schedule started no run")
	}
	started := desc.Info.RecentActions[len(desc.Info.RecentActions)-1].StartWorkflowResult
	var report activities.RetentionReport
	must(t, st.Temporal.GetWorkflow(ctx, started.WorkflowID, started.FirstExecutionRunID).Get(ctx, &report))
	if len(report.Due) != 0 || len(report.Held) != 0 || report.At.IsZero() {
		t.Errorf("the retention run of a new programme: %+v", report)
	}
	if n := st.DB.AuditEvent.Query().Where(auditevent.Action("retention.run")).CountX(sys); n != 1 {
		t.Errorf("%d retention runs in the trail, want 1", n)
	}
	if os.Getenv("CATALYST_RECORD_HISTORIES") != "" {
		writeHistory(t, ctx, st, filepath.Join(historyDir, "retention.json"), started.WorkflowID, started.FirstExecutionRunID)
	}

	// A second challenge opens a competition whose deadline will pass while Catalyst is stopped.
	var ch2 challengeJSON
	must(t, owner.call(http.MethodPost, "/api/v1/challenges", intake("Late timers", "P", "N"), &ch2))
	path2 := fmt.Sprintf("/api/v1/challenges/%d", ch2.ID)
	must(t, owner.call(http.MethodPost, path2+"/submit", nil, nil))
	must(t, admin.call(http.MethodPost, path2+"/selection", map[string]any{"select": true, "round_id": round.ID}, nil))
	var late competitionJSON
	must(t, admin.call(http.MethodPost, path2+"/competitions", wholeSetup("A competition that closes before the stop.", time.Now().Add(6*time.Second)), &late))
	var lateBid bidJSON
	must(t, acme.call(http.MethodPost, fmt.Sprintf("/api/v1/competitions/%d/bids", late.ID), writtenBid("Before the stop", 10_000_00), &lateBid))
	must(t, acme.call(http.MethodPost, fmt.Sprintf("/api/v1/bids/%d/submit", lateBid.ID), nil, nil))

	// Stop and start again on the same data, after that deadline: nothing is lost, and the
	// durable timer closes the competition once the server is back.
	must(t, st.Close())
	if wait := time.Until(late.ClosesAt); wait > 0 {
		time.Sleep(wait + time.Second)
	}
	st, err = startDev(ctx, devOptions{Data: data, Addr: "127.0.0.1:0", DatabaseURL: dsn})
	if err != nil {
		t.Fatal(err)
	}
	anon = &apiClient{http: http.DefaultClient, base: st.URL}
	acme = as(demoSuppliers[0])
	must(t, acme.call(http.MethodGet, path, nil, &ch))
	wantStage(t, ch, "complete")
	if got := download(t, acme, fmt.Sprintf("/api/v1/documents/%d/content", doc.ID)); !bytes.Equal(got, proposal) {
		t.Fatal("the document did not survive a restart")
	}
	checkSignedLink(t, acme, doc.ID, proposal)
	admin = as(demoOfficer)
	restarted := time.Now()
	waitFor(t, admin, fmt.Sprintf("/api/v1/competitions/%d", late.ID), func(c competitionJSON) bool { return c.Status == "eligibility" })
	t.Logf("the overdue deadline closed its competition %s after the restart", time.Since(restarted).Round(time.Millisecond))
	must(t, admin.call(http.MethodGet, path2, nil, &ch2))
	wantStage(t, ch2, "phase1_assessment")

	// Every record the lifecycle made has its place in the trail.
	made := map[string][]int{
		"challenge":   st.DB.Challenge.Query().IDsX(sys),
		"competition": st.DB.Competition.Query().IDsX(sys),
		"bid":         st.DB.Bid.Query().IDsX(sys),
		"document":    st.DB.Document.Query().IDsX(sys),
		"assignment":  st.DB.Assignment.Query().IDsX(sys),
		"assessment":  st.DB.Assessment.Query().IDsX(sys),
		"contract":    st.DB.Contract.Query().IDsX(sys),
	}
	for kind, ids := range made {
		audited := st.DB.AuditEvent.Query().Where(auditevent.RecordType(kind)).Select(auditevent.FieldRecordID).IntsX(sys)
		for _, id := range ids {
			if !slices.Contains(audited, id) {
				t.Errorf("%s %d has no audit event", kind, id)
			}
		}
		if len(ids) == 0 {
			t.Errorf("the lifecycle made no %s records", kind)
		}
	}

	// The audit trail verifies, on the same data folder (or database) `catalyst dev` used, and
	// an edit behind the service's back is caught and named.
	args := []string{"verify", "--data", data}
	if dsn != "" {
		t.Setenv("CATALYST_DATABASE_URL", dsn)
		args = []string{"verify"}
		// In production the verifier key is the API's setting; here, the dev folder's key's.
		skey, err := os.ReadFile(filepath.Join(data, "log.key"))
		if err != nil {
			t.Fatal(err)
		}
		vkey, err := translog.VerifierKey(strings.TrimSpace(string(skey)))
		if err != nil {
			t.Fatal(err)
		}
		t.Setenv(envLogVKey.Name, vkey)
	}
	var out strings.Builder
	if err := runAudit(ctx, args, &out); err != nil || !strings.Contains(out.String(), "The audit trail verifies") ||
		!strings.Contains(out.String(), "The transparency log verifies") || strings.Contains(out.String(), ": 0 entries") ||
		strings.Contains(out.String(), "not checked") {
		t.Fatalf("audit verify: %v %s", err, out.String())
	}
	// Acme's receipt, as its supplier downloads it, is checked offline by anyone with the log's
	// key; a receipt file changed after the fact is not.
	var file api.ReceiptFile
	for range 100 { // the sequencer takes the receipt in within a second or so
		must(t, acme.call(http.MethodGet, fmt.Sprintf("/api/v1/bids/%d/receipt", bidA.ID), nil, &file))
		if file.Log != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	vkey, err := http.Get(st.URL + "/log/vkey")
	if err != nil {
		t.Fatal(err)
	}
	key, _ := io.ReadAll(vkey.Body)
	vkey.Body.Close()
	receiptFile := filepath.Join(t.TempDir(), "receipt.json")
	b, _ := json.Marshal(file)
	if err := os.WriteFile(receiptFile, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := runReceipt([]string{"verify", receiptFile, "--vkey", strings.TrimSpace(string(key))}, &out); err != nil || !strings.Contains(out.String(), "verifies") {
		t.Errorf("catalyst receipt verify: %v %s", err, out.String())
	}
	file.Receipt += "X"
	b, _ = json.Marshal(file)
	if err := os.WriteFile(receiptFile, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := runReceipt([]string{"verify", receiptFile, "--vkey", strings.TrimSpace(string(key))}, &out); err == nil || !strings.Contains(err.Error(), "is not this receipt") {
		t.Errorf("a changed receipt file verified: %v", err)
	}

	// The operator issues an API token on the same records; the programme reads the trail with it.
	out.Reset()
	if err := runToken(ctx, append([]string{"issue", "--email", demoOfficer, "--role", "programme_officer", "--name", "e2e"}, args[1:]...), &out); err != nil {
		t.Fatalf("catalyst token issue: %v", err)
	}
	bearer := &apiClient{http: http.DefaultClient, base: st.URL, token: strings.TrimSpace(out.String())}
	var trail struct {
		Items []struct {
			Action string `json:"action"`
		} `json:"items"`
	}
	must(t, bearer.call(http.MethodGet, "/api/v1/audit?actor=system:operator", nil, &trail))
	if len(trail.Items) != 1 || trail.Items[0].Action != "token.issued" {
		t.Errorf("the operator's token in the trail: %+v", trail.Items)
	}
	if _, err := st.DB.ExecContext(ctx, "UPDATE audit_events SET actor = 'someone-else' WHERE seq = 7"); err != nil {
		t.Fatal(err)
	}
	if err := runAudit(ctx, args, &out); err == nil || !strings.Contains(err.Error(), "broken at event 7") {
		t.Fatalf("audit verify after tampering: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantProblem checks a refusal: its status, its stable type and words of its detail.
func wantProblem(t *testing.T, err error, status int, kind, detail string) {
	t.Helper()
	var e *apiError
	if !errors.As(err, &e) {
		t.Fatalf("want a %d problem, got %v", status, err)
	}
	if e.Status != status || (kind != "" && !strings.HasSuffix(e.Type, "/"+kind)) || !strings.Contains(e.Detail, detail) {
		t.Fatalf("want %d %s %q, got %d %s %q", status, kind, detail, e.Status, e.Type, e.Detail)
	}
}

func wantStage(t *testing.T, ch challengeJSON, stage string) {
	t.Helper()
	if ch.Stage != stage {
		t.Fatalf("challenge %d is %s, want %s", ch.ID, ch.Stage, stage)
	}
}

func assessment(bid, score int, fund bool) map[string]any {
	scores := map[string]any{}
	for _, k := range []string{"challenge_fit", "innovation", "feasibility", "value"} {
		scores[k] = map[string]any{"score": score, "comment": "Evidence for " + k}
	}
	return map[string]any{"bid_id": bid, "scores": scores, "in_scope": true, "fund": fund}
}

// fullReport is an end-of-phase report with every section written.
func fullReport(summary string) map[string]any {
	body := map[string]any{"summary": summary}
	for _, sec := range domain.ReportSections[1:] {
		body[sec.Key] = sec.Title + ": as the documents show."
	}
	return body
}

// lesson is what a stop or an outcome taught, for the register.
var lesson = map[string]any{"what_worked": "Sharing the data early.", "what_failed": "Residents did not use the app.", "why": "It asked too much of them."}

func contractOf(t *testing.T, c competitionJSON, org int) int {
	t.Helper()
	for _, k := range c.Contracts {
		if k.OrganisationID == org {
			return k.ID
		}
	}
	t.Fatalf("no contract for organisation %d in %+v", org, c.Contracts)
	return 0
}

// showTemporalLog prints the embedded Temporal server's warnings when the test failed: the
// server logs to a file, and a stuck workflow is usually explained there.
func showTemporalLog(t *testing.T, data string) {
	if !t.Failed() {
		return
	}
	b, err := os.ReadFile(filepath.Join(data, "temporal", "temporal.log"))
	if err != nil {
		t.Logf("no Temporal log: %v", err)
		return
	}
	if len(b) > 20_000 {
		b = b[len(b)-20_000:]
	}
	t.Logf("the end of the Temporal server's log:\n%s", b)
}

func waitFor(t *testing.T, c *apiClient, path string, done func(competitionJSON) bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	var comp competitionJSON
	for time.Now().Before(deadline) {
		must(t, c.call(http.MethodGet, path, nil, &comp))
		if done(comp) {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s did not reach the expected state: %+v", path, comp)
}

func download(t *testing.T, c *apiClient, path string) []byte {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	req.AddCookie(c.session)
	resp, err := c.http.Do(req)
	must(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	must(t, err)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	return b
}

// checkSignedLink follows the short-lived link straight to the S3 server, and checks that the
// server refuses the same link with its signature altered.
func checkSignedLink(t *testing.T, c *apiClient, docID int, want []byte) {
	t.Helper()
	var d struct {
		DownloadURL string `json:"download_url"`
	}
	must(t, c.call(http.MethodGet, fmt.Sprintf("/api/v1/documents/%d", docID), nil, &d))
	resp, err := http.Get(d.DownloadURL)
	must(t, err)
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, want) {
		t.Fatalf("signed link: %d, %d bytes", resp.StatusCode, len(got))
	}
	u, _ := url.Parse(d.DownloadURL)
	q := u.Query()
	sig := q.Get("X-Amz-Signature")
	q.Set("X-Amz-Signature", strings.Repeat("0", len(sig)))
	u.RawQuery = q.Encode()
	resp, err = http.Get(u.String())
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a tampered signature got %d, want 403", resp.StatusCode)
	}
}

// recordHistories writes the workflows' histories for the replay test in workflows/.
func recordHistories(t *testing.T, ctx context.Context, st *devStack, dir string, challengeID, competitionID, contractID int) {
	t.Helper()
	must(t, os.MkdirAll(dir, 0o755))
	ids := map[string]string{
		"competition": fmt.Sprintf("competition-%d", competitionID),
		"contract":    fmt.Sprintf("contract-%d", contractID),
	}
	runs, err := st.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: fmt.Sprintf("WorkflowId = 'challenge-%d'", challengeID)})
	must(t, err)
	for _, r := range runs.Executions {
		name := "challenge-phase2"
		if r.GetStatus() == enums.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW {
			name = "challenge-phase1"
		}
		writeHistory(t, ctx, st, filepath.Join(dir, name+".json"), r.GetExecution().GetWorkflowId(), r.GetExecution().GetRunId())
	}
	for name, id := range ids {
		writeHistory(t, ctx, st, filepath.Join(dir, name+".json"), id, "")
	}
	writeHistory(t, ctx, st, filepath.Join(dir, "mail.json"), workflows.MailWorkflowID, "")
	writeHistory(t, ctx, st, filepath.Join(dir, "webhooks.json"), workflows.WebhookWorkflowID, "")
}

// waitForEmails waits until every email written is sent, then checks that each notice's email
// reached the SMTP sink once, with a working unsubscribe link.
func waitForEmails(t *testing.T, st *devStack) {
	t.Helper()
	sys := authz.AsSystem(context.Background(), "test")
	deadline := time.Now().Add(60 * time.Second)
	for {
		waiting := st.DB.Email.Query().Where(entemail.StateNEQ(entemail.StateSent)).CountX(sys)
		if waiting == 0 {
			break
		}
		if time.Now().After(deadline) {
			for _, e := range st.DB.Email.Query().Where(entemail.StateNEQ(entemail.StateSent)).Limit(5).AllX(sys) {
				t.Logf("email %d to %s: %s (%s)", e.ID, e.To, e.State, e.LastError)
			}
			t.Fatalf("%d emails not sent after 60 s", waiting)
		}
		time.Sleep(200 * time.Millisecond)
	}
	emails := st.DB.Email.Query().CountX(sys)
	notices := st.DB.Notice.Query().CountX(sys)
	if emails == 0 || emails > notices+st.DB.AlertNotice.Query().CountX(sys) {
		t.Errorf("%d emails for %d notices", emails, notices)
	}
	caught, err := st.Mail.Messages()
	must(t, err)
	seen := map[string]bool{}
	for _, m := range caught {
		if seen[m.Reference] {
			t.Errorf("%s was emailed twice", m.Reference)
		}
		seen[m.Reference] = true
	}
	if len(seen) != emails {
		t.Errorf("the sink caught %d emails, %d were written", len(seen), emails)
	}
	// The unsubscribe link in an email works without signing in, as a mail program's one click.
	link := strings.Trim(caught[0].Unsubscribe, "<>")
	resp, err := http.PostForm(link, url.Values{"List-Unsubscribe": {"One-Click"}})
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("one-click unsubscribe answered %d", resp.StatusCode)
	}
}

func writeHistory(t *testing.T, ctx context.Context, st *devStack, file, workflowID, runID string) {
	t.Helper()
	it := st.Temporal.GetWorkflowHistory(ctx, workflowID, runID, false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	h := &historypb.History{}
	for it.HasNext() {
		ev, err := it.Next()
		must(t, err)
		h.Events = append(h.Events, ev)
	}
	b, err := temporalproto.CustomJSONMarshalOptions{Indent: "  "}.Marshal(h)
	must(t, err)
	must(t, os.WriteFile(file, b, 0o644))
	abs, _ := filepath.Abs(file)
	t.Logf("recorded %s (%d events)", abs, len(h.Events))
}

// webhookReceiver is a programme system receiving webhooks: it verifies each with the Standard
// Webhooks specification's own library and keeps the event types it verified.
type webhookReceiver struct {
	mu         sync.Mutex
	secret     string
	events     map[string]int
	unverified int
}

func (rx *webhookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rx.mu.Lock()
	defer rx.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	wh, err := standardwebhooks.NewWebhook(rx.secret)
	if err == nil {
		err = wh.Verify(body, r.Header)
	}
	if err != nil {
		rx.unverified++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var p struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(body, &p)
	if rx.events == nil {
		rx.events = map[string]int{}
	}
	rx.events[p.Type]++
	w.WriteHeader(http.StatusNoContent)
}

func (rx *webhookReceiver) waitFor(t *testing.T, types ...string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		rx.mu.Lock()
		missing := slices.DeleteFunc(slices.Clone(types), func(ty string) bool { return rx.events[ty] > 0 })
		unverified, got := rx.unverified, maps.Clone(rx.events)
		rx.mu.Unlock()
		if unverified > 0 {
			t.Fatalf("%d webhook deliveries did not verify", unverified)
		}
		if len(missing) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no webhook for %v after 60 s; got %v", missing, got)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// checkPrometheusNaming runs Prometheus's own linter over a scrape: what a Prometheus operator's
// tooling would say of Catalyst's names, the Temporal SDK's series among them. CI installs
// promtool (Debian's prometheus package); elsewhere the check is skipped with a note.
func checkPrometheusNaming(t *testing.T, scraped []byte) {
	t.Helper()
	if _, err := exec.LookPath("promtool"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("promtool is not installed: .ci/run installs Debian's prometheus package")
		}
		t.Log("promtool is not installed; the metrics' names are not linted")
		return
	}
	cmd := exec.Command("promtool", "check", "metrics")
	cmd.Stdin = bytes.NewReader(scraped)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics found problems in /metrics:\n%s", out)
	}
}
