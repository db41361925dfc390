package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/devstack"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/auditevent"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/idempotencyrecord"
	"github.com/catalyst-sbri/catalyst/ent/outboxmessage"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/records"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/translog"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// TestCrashAtAnyMoment runs a scripted lifecycle against `catalyst dev` as a separate process
// and SIGKILLs it at 25 moments, starting it again each time on the same data folder: a
// challenge is selected, its competition opened, 24 suppliers write, upload and submit bids
// concurrently, the deadline passes, the programme finishes eligibility and releases the
// assignments, three assessors score every bid, and the programme decides and releases the
// feedback. Each client does what a well-made one would: it sends each command under one
// Idempotency-Key until it is answered. Afterwards every acknowledged bid exists exactly once
// with the receipt, time and hash it was acknowledged with, the outbox is drained, the
// competition's workflow has finished, and no workflow failed.
func TestCrashAtAnyMoment(t *testing.T) {
	if testing.Short() || testdb.Postgres() {
		t.Skip("kills and restarts the whole stack 25 times; `catalyst dev` keeps its records in SQLite")
	}
	const kills, suppliers = 25, 24
	data := filepath.Join(t.TempDir(), "data")
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()

	// The suppliers and their tokens are made before the first start, as an operator would.
	if err := runMigrate(ctx, []string{"--data", data}, &nopWriter{}); err != nil {
		t.Fatal(err)
	}
	tokens := crashSuppliers(t, data, suppliers)
	addr := freeAddr(t)
	base := "http://" + addr

	var (
		mu      sync.Mutex
		proc    *devProcess
		killed  atomic.Int64
		lastOut string
	)
	// start starts it and waits until it is ready. A start that ends at once is tried again (up
	// to three times, each logged): on a busy machine another process's outgoing connection can
	// hold the address for a moment while it is down.
	start := func() bool {
		for try := 1; try <= 3; try++ {
			p := startDevProcess(t, data, "--addr", addr, "--demo=false")
			deadline := time.Now().Add(2 * time.Minute)
			for !strings.Contains(p.output(), "Press Ctrl+C to stop") && time.Now().Before(deadline) {
				select {
				case <-p.done:
					deadline = time.Time{}
				case <-time.After(100 * time.Millisecond):
				}
			}
			if strings.Contains(p.output(), "Press Ctrl+C to stop") {
				mu.Lock()
				proc, lastOut = p, p.output()
				mu.Unlock()
				return true
			}
			_ = p.cmd.Process.Kill()
			<-p.done
			t.Logf("start %d after a kill did not become ready:\n%s", try, p.output())
			time.Sleep(time.Second)
		}
		return false
	}
	if !start() {
		t.Fatal("catalyst dev did not start")
	}
	driverDone := make(chan struct{})
	commandsSent := make(chan struct{}) // the lifecycle's last command answered
	killerDone := make(chan struct{})
	rng := mrand.New(mrand.NewPCG(14, 25))
	r := &retrier{t: t, ctx: ctx}
	go func() {
		defer close(killerDone)
		for killed.Load() < kills {
			// While the lifecycle's commands are sent, most kills come 0.3–3 s after the restarted
			// process first answers one, one in five while it is still recovering. Counted from
			// its readiness alone, a machine short of CPU spent the whole bidding window
			// restarting: each start took longer than the gap to the next kill, and no
			// supplier's three commands got through.
			if rng.IntN(5) != 0 {
				since := r.answers.Load()
			answered:
				for r.answers.Load() == since {
					select {
					case <-driverDone:
						return
					case <-commandsSent:
						break answered
					case <-time.After(50 * time.Millisecond):
					}
				}
			}
			select {
			case <-driverDone:
				return
			case <-time.After(time.Duration(300+rng.IntN(2700)) * time.Millisecond):
			}
			mu.Lock()
			p := proc
			mu.Unlock()
			_ = p.cmd.Process.Kill()
			<-p.done
			killed.Add(1)
			if !start() {
				t.Errorf("catalyst dev did not start again after kill %d", killed.Load())
				cancel() // the clients stop waiting for it
				return
			}
		}
	}()

	hc := &http.Client{Timeout: 30 * time.Second}
	as := func(email string) *apiClient {
		var c *apiClient
		r.do("sign in as "+email, func() error {
			var err error
			c, err = (&apiClient{http: hc, base: base}).as(email)
			return err
		})
		return c
	}
	admin, owner := as(demoOfficer), as(demoOwner)
	var ch challengeJSON
	r.post(owner, "/api/v1/challenges", intake("Crash day", "The server may stop at any moment.", "Nothing acknowledged is lost."), &ch)
	path := fmt.Sprintf("/api/v1/challenges/%d", ch.ID)
	r.post(owner, path+"/submit", nil, nil)
	var round struct {
		ID int `json:"id"`
	}
	r.post(admin, "/api/v1/rounds", map[string]any{"name": "Crash round", "budget_pence": 2_000_000_00,
		"starts_at": time.Now(), "ends_at": time.Now().AddDate(1, 0, 0)}, &round)
	r.post(admin, path+"/selection", map[string]any{"select": true, "round_id": round.ID}, nil)
	// Its deadline a minute after the setup is sent. Sent again and again across kills (under one
	// key, so it opens once), the setup can take long enough that the deadline is too near when
	// it is answered: nothing was opened then, and the client sends a new setup, as a person would.
	var comp competitionJSON
	for try := 1; ; try++ {
		err := r.postErr(admin, path+"/competitions", wholeSetup("A competition whose processes are killed.", time.Now().Add(60*time.Second)), &comp)
		var e *apiError
		if err == nil {
			break
		}
		if try == 5 || !errors.As(err, &e) || e.Status != http.StatusUnprocessableEntity || !strings.Contains(err.Error(), "closing time must be") {
			t.Fatalf("POST %s/competitions: %v", path, err)
		}
		t.Logf("the setup's deadline came too near while it was sent again across kills; sending a new one: %v", err)
	}
	compPath := fmt.Sprintf("/api/v1/competitions/%d", comp.ID)
	// Answered with less than 45 s to go, the programme moves the deadline for everyone, as it
	// would after an outage, so the suppliers' window is not what the setup's retries left.
	if time.Until(comp.ClosesAt) < 45*time.Second {
		var extended competitionJSON
		r.post(admin, compPath+"/extensions", map[string]any{"closes_at": time.Now().Add(60 * time.Second),
			"reason": "The service was down while the competition opened."}, &extended)
		t.Logf("the setup was answered %s before its deadline; extended to %s", time.Until(comp.ClosesAt).Round(time.Second), extended.ClosesAt.Format(time.TimeOnly))
	}
	opened := time.Now()

	// The suppliers, one every 1.5 s over the next 36 s, each while others are at work: write,
	// upload, submit.
	type ack struct {
		BidID       int       `json:"bid_id"`
		Receipt     string    `json:"receipt"`
		SubmittedAt time.Time `json:"submitted_at"`
		ContentHash string    `json:"content_hash"`
	}
	acks := make([]ack, suppliers)
	// A supplier whose attempts the kills delayed past the deadline is refused as late, as any
	// late bid is, and is not acknowledged: that is not a loss. On a machine short of CPU each
	// restart takes seconds, so some may be.
	late := make([]bool, suppliers)
	isLate := func(err error) bool {
		var e *apiError
		return errors.As(err, &e) && e.Type == "https://catalyst.example/problems/competition-closed"
	}
	each(suppliers, suppliers, func(i int) {
		time.Sleep(time.Until(opened.Add(time.Duration(i) * 1500 * time.Millisecond)))
		sup := &apiClient{http: hc, base: base, token: tokens[i]}
		var b bidJSON
		err := r.postErr(sup, compPath+"/bids", writtenBidFor(comp.Scheme, fmt.Sprintf("Idea %d", i), 48_000_00), &b)
		var e *apiError
		if errors.As(err, &e) && e.Status == http.StatusConflict && !isLate(err) {
			// Made by an attempt cut off before it answered: it is this supplier's one bid, found
			// among its own (the competition's list stays sealed until the deadline).
			var page struct {
				Items []bidJSON `json:"items"`
			}
			r.get(sup, "/api/v1/bids", &page)
			if len(page.Items) != 1 {
				t.Errorf("supplier %d: after %v, %d bids of its own", i, err, len(page.Items))
				return
			}
			b, err = page.Items[0], nil
		}
		if err == nil {
			r.do("upload", func() error {
				err = sup.upload(fmt.Sprintf("/api/v1/bids/%d/documents", b.ID), "proposal.pdf", rushDocument(256<<10), nil)
				return retryable(err)
			})
		}
		if err == nil {
			err = r.postErr(sup, fmt.Sprintf("/api/v1/bids/%d/submit", b.ID), nil, &acks[i])
		}
		switch {
		case isLate(err):
			late[i] = true
		case err != nil:
			t.Errorf("supplier %d: %v", i, err)
		}
	})
	duringSubmits := killed.Load()
	acknowledged := suppliers - countTrue(late)
	t.Logf("%d bids acknowledged and %d refused as late, with %d kills while they were sent", acknowledged, countTrue(late), duringSubmits)
	if acknowledged == 0 {
		t.Fatal("every supplier was refused as late: the kills left no time to bid")
	}

	r.waitStatus(admin, compPath, "eligibility", 2*time.Minute)
	r.post(admin, compPath+"/eligibility/finish", nil, nil)
	r.waitStatus(admin, compPath, "assessment", time.Minute)
	r.post(admin, compPath+"/assignments/release", nil, nil)
	for _, email := range demoAssessors[:3] {
		a := as(email)
		var page struct {
			Items []struct {
				BidID int `json:"bid_id"`
			} `json:"items"`
		}
		r.get(a, fmt.Sprintf("/api/v1/assignments?competition_id=%d&limit=200", comp.ID), &page)
		for _, it := range page.Items {
			r.post(a, compPath+"/assessments", assessment(it.BidID, 5+it.BidID%5, true), nil)
		}
	}
	var decided competitionJSON
	r.post(admin, compPath+"/decision", map[string]any{}, nil)
	r.post(as(demoChair), compPath+"/decision/approval", map[string]any{"approve": true, "reason": "The panel's ranking holds."}, nil)
	r.get(admin, compPath, &decided)
	r.post(admin, compPath+"/feedback-release", nil, nil)
	close(commandsSent)
	// The kills go on to their number, however fast this machine drove the lifecycle: what the
	// last commands left running (its notices, emails and webhooks) is cut off too.
	select {
	case <-killerDone:
	case <-ctx.Done():
	}
	close(driverDone)
	<-killerDone
	t.Logf("the lifecycle finished with %d kills (%d while bids were sent, %d after); %d contracts awarded",
		killed.Load(), duringSubmits, killed.Load()-duringSubmits, len(decided.Contracts))
	if killed.Load() < kills {
		t.Errorf("only %d kills happened before the lifecycle finished, want %d", killed.Load(), kills)
	}

	// Every acknowledged bid once, as acknowledged.
	db, err := ent.OpenSQLite(filepath.Join(data, "catalyst.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sys := authz.AsSystem(ctx, "crash-check")
	sealed := db.Bid.Query().Where(bid.CompetitionID(comp.ID), bid.StatusNEQ(domain.BidDraft)).AllX(sys)
	byID := map[int]*ent.Bid{}
	for _, b := range sealed {
		byID[b.ID] = b
	}
	if len(sealed) != acknowledged {
		t.Errorf("%d sealed bids, want the %d acknowledged", len(sealed), acknowledged)
	}
	for i, a := range acks {
		if late[i] {
			continue
		}
		b := byID[a.BidID]
		if b == nil || b.Receipt == nil || *b.Receipt != a.Receipt || b.ContentHash != a.ContentHash || !b.SubmittedAt.Equal(a.SubmittedAt) {
			t.Errorf("supplier %d: acknowledged %+v, the records hold %+v", i, a, b)
		}
	}
	// Every submit was keyed, and a keyed seal commits with its answer: each sealed bid's
	// answer is kept, holding its receipt, and no answer holds a receipt of a bid not sealed.
	answered := map[string]bool{}
	for _, rec := range db.IdempotencyRecord.Query().Where(idempotencyrecord.PathHasPrefix("/api/v1/bids/"), idempotencyrecord.PathHasSuffix("/submit"), idempotencyrecord.Status(http.StatusOK)).AllX(sys) {
		var a ack
		if err := json.Unmarshal(rec.Body, &a); err != nil || byID[a.BidID] == nil || *byID[a.BidID].Receipt != a.Receipt {
			t.Errorf("a kept answer %s names no sealed bid (%v)", rec.Body, err)
		}
		answered[a.Receipt] = true
	}
	for _, b := range sealed {
		if !answered[*b.Receipt] {
			t.Errorf("bid %d was sealed with no answer kept for its key", b.ID)
		}
	}
	// The outbox drains and the workflows end well.
	deadline := time.Now().Add(time.Minute)
	for db.OutboxMessage.Query().Where(outboxmessage.SentAtIsNil()).ExistX(sys) {
		if time.Now().After(deadline) {
			t.Fatal("the outbox did not drain")
		}
		time.Sleep(200 * time.Millisecond)
	}
	// The log's sequencer was killed as often, between commit, integration and checkpoint: every
	// event is placed, the chain and the log verify with every checkpoint consistent, every
	// acknowledged receipt is in the log, and the checkpoint at the close holds each.
	waitUntil(t, time.Now(), time.Minute, "the sequencer to place every event", func() bool {
		return !db.AuditEvent.Query().Where(auditevent.SeqIsNil()).ExistX(sys)
	})
	if _, err := activities.VerifyAudit(ctx, db); err != nil {
		t.Errorf("the audit chain after the kills: %v", err)
	}
	_, vkey, err := logKeyIn(filepath.Join(data, "log.key"), devLogOrigin)
	if err != nil {
		t.Fatal(err)
	}
	var closing *service.ClosingLog
	waitUntil(t, time.Now(), time.Minute, "the close's checkpoint", func() bool {
		closing = service.ClosingLogOf(db.Competition.GetX(sys, comp.ID))
		return closing != nil
	})
	if r, err := activities.VerifyLog(ctx, db, vkey); err != nil || r.Checkpoints == 0 {
		t.Errorf("the log after the kills: %+v %v", r, err)
	}
	inLog := map[string]int64{}
	for _, e := range db.LogEntry.Query().AllX(sys) {
		var r translog.Receipt
		if json.Unmarshal(e.Data, &r) == nil && r.Kind == translog.KindReceipt && r.Competition == comp.ID {
			inLog[r.Receipt] = e.ID
		}
	}
	for i, a := range acks {
		if late[i] || a.Receipt == "" {
			continue
		}
		if at, ok := inLog[a.Receipt]; !ok || at >= closing.Size {
			t.Errorf("supplier %d's receipt %s: in the log %v at %d, the close's checkpoint holds %d", i, a.Receipt, ok, at, closing.Size)
		}
	}
	frontend := regexp.MustCompile(`Temporal frontend: (\S+)`).FindStringSubmatch(lastOut)
	tc, err := client.Dial(client.Options{HostPort: frontend[1], Namespace: devstack.Namespace})
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	waitUntil(t, time.Now(), time.Minute, "the competition's workflow to finish", func() bool {
		d, err := tc.DescribeWorkflowExecution(ctx, workflows.CompetitionWorkflowID(comp.ID), "")
		return err == nil && d.WorkflowExecutionInfo.Status == enums.WORKFLOW_EXECUTION_STATUS_COMPLETED
	})
	for _, status := range []string{"Failed", "Terminated", "TimedOut"} {
		n, err := tc.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: "ExecutionStatus = '" + status + "'"})
		if err != nil {
			t.Fatal(err)
		}
		if n.Count > 0 {
			t.Errorf("%d workflows %s", n.Count, status)
		}
	}
}

func countTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// retrier sends each command until it is answered: through a kill, a restart and a 503.
type retrier struct {
	t       *testing.T
	ctx     context.Context
	answers atomic.Int64 // commands answered, for the killer to wait on
}

// retryable reports err as worth sending again (nil when the answer is final).
func retryable(err error) error {
	var e *apiError
	var ne net.Error
	var oe *net.OpError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &e):
		if e.Status == http.StatusServiceUnavailable || e.Status == http.StatusBadGateway ||
			(e.Status == http.StatusConflict && e.Type == "https://catalyst.example/problems/idempotency-in-progress") {
			return err
		}
		return nil
	case errors.As(err, &ne), errors.As(err, &oe):
		return err
	}
	return err // a cut-off connection: EOF, reset
}

func (r *retrier) do(what string, fn func() error) {
	r.t.Helper()
	for {
		err := fn()
		if retryable(err) == nil {
			r.answers.Add(1)
			return
		}
		if r.ctx.Err() != nil {
			r.t.Fatalf("%s: still failing when the test's time ran out: %v", what, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// postErr sends a POST under one Idempotency-Key until it is answered, and returns the answer.
func (r *retrier) postErr(c *apiClient, path string, body, out any) error {
	key := rand.Text()
	var b []byte
	if body != nil {
		b, _ = json.Marshal(body)
	}
	var final error
	r.do("POST "+path, func() error {
		final = c.sendOnce(http.MethodPost, path, "application/json", key, "", b, out)
		return final
	})
	return final
}

func (r *retrier) post(c *apiClient, path string, body, out any) {
	r.t.Helper()
	if err := r.postErr(c, path, body, out); err != nil {
		r.t.Fatalf("POST %s: %v", path, err)
	}
}

func (r *retrier) get(c *apiClient, path string, out any) {
	r.t.Helper()
	var final error
	r.do("GET "+path, func() error {
		final = c.call(http.MethodGet, path, nil, out)
		return final
	})
	if final != nil {
		r.t.Fatalf("GET %s: %v", path, final)
	}
}

func (r *retrier) waitStatus(c *apiClient, path, status string, limit time.Duration) {
	r.t.Helper()
	since := time.Now()
	waitUntil(r.t, since, limit, path+" to be "+status, func() bool {
		var comp competitionJSON
		r.get(c, path, &comp)
		return comp.Status == status
	})
}

// crashSuppliers makes n supplier organisations in the data folder's database, each with a
// person and an API token, and returns the tokens.
func crashSuppliers(t *testing.T, data string, n int) []string {
	db, err := ent.OpenSQLite(filepath.Join(data, "catalyst.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sys := authz.AsSystem(context.Background(), "crash-setup")
	tokens := make([]string, n)
	for i := range n {
		err := db.WithTx(sys, func(tx *ent.Tx) error {
			o, err := tx.Organisation.Create().SetName(fmt.Sprintf("Crash supplier %02d", i)).SetEmailDomain(fmt.Sprintf("crash%02d.example", i)).Save(sys)
			if err != nil {
				return err
			}
			p, err := tx.Person.Create().SetName(o.Name).SetEmail("bid@" + o.EmailDomain).SetRoles([]string{string(authz.Supplier)}).SetOrganisationID(o.ID).Save(sys)
			if err != nil {
				return err
			}
			issued, err := records.IssueToken(sys, tx, records.IssueTokenInput{Name: "Bid system", PersonID: p.ID, Role: string(authz.Supplier), Actor: operator})
			tokens[i] = issued.Secret
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return tokens
}

type nopWriter struct{}

func (nopWriter) Write(p []byte) (int, error) { return len(p), nil }
