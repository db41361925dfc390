package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/assignment"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// TestTemporalDownAcrossTheDeadline stops the Temporal server before a competition's deadline,
// with the API still up: bids are accepted until the deadline and refused after it by the
// database's own check, never waiting on Temporal. When Temporal returns, the lifecycle catches
// up: the competition closes with every acknowledged bid, and once the programme finishes the
// eligibility check, assignment runs.
func TestTemporalDownAcrossTheDeadline(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole stack")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	t.Chdir(".")
	data := t.TempDir()
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
	anon := &apiClient{http: http.DefaultClient, base: st.URL}
	admin, err := anon.as(demoOfficer)
	must(t, err)
	owner, err := anon.as(demoOwner)
	must(t, err)
	const onTime, late = 12, 6
	deadline := time.Now().Add(15 * time.Second).Truncate(time.Second)
	compID := openForRush(t, admin, owner, deadline)
	compPath := fmt.Sprintf("/api/v1/competitions/%d", compID)
	bidIDs, suppliers := writtenBids(t, st.DB, http.DefaultClient, []string{st.URL}, compID, onTime+late)
	for i := range bidIDs {
		must(t, suppliers[i].upload(fmt.Sprintf("/api/v1/bids/%d/documents", bidIDs[i]), "proposal.pdf", rushDocument(64<<10), nil))
	}

	must(t, st.temporalServer.Stop())
	t.Log("Temporal stopped")
	receipts := map[int]string{}
	for i := range onTime {
		var r struct {
			Receipt string `json:"receipt"`
		}
		if err := suppliers[i].call(http.MethodPost, fmt.Sprintf("/api/v1/bids/%d/submit", bidIDs[i]), nil, &r); err != nil {
			t.Fatalf("a bid submitted before the deadline with Temporal down: %v", err)
		}
		receipts[bidIDs[i]] = r.Receipt
	}
	if time.Now().After(deadline) {
		t.Fatal("the submits before the deadline took until after it; the test cannot judge them")
	}
	time.Sleep(time.Until(deadline.Add(500 * time.Millisecond)))
	for i := onTime; i < onTime+late; i++ {
		err := suppliers[i].call(http.MethodPost, fmt.Sprintf("/api/v1/bids/%d/submit", bidIDs[i]), nil, nil)
		var e *apiError
		if !errors.As(err, &e) || e.Status != http.StatusConflict {
			t.Fatalf("a bid submitted after the deadline with Temporal down: %v, want 409", err)
		}
	}
	// Nothing has closed it: the database's own check refused the late ones.
	sys := authz.AsSystem(ctx, "test")
	if c := st.DB.Competition.GetX(sys, compID); c.Status != domain.CompetitionOpen {
		t.Fatalf("the competition is %s with Temporal down, want it still open in the records", c.Status)
	}

	back := time.Now()
	must(t, st.temporalServer.Start())
	t.Logf("Temporal started again %.1f s after the deadline", back.Sub(deadline).Seconds())
	waitUntil(t, back, time.Minute, "the competition to close", func() bool {
		var c competitionJSON
		return admin.call(http.MethodGet, compPath, nil, &c) == nil && c.Status == "eligibility"
	})
	closed := time.Since(back)
	sealed := st.DB.Bid.Query().Where(bid.CompetitionID(compID), bid.StatusNEQ(domain.BidDraft)).AllX(sys)
	if len(sealed) != onTime {
		t.Fatalf("%d bids sealed, want the %d acknowledged", len(sealed), onTime)
	}
	for _, b := range sealed {
		if b.Receipt == nil || *b.Receipt != receipts[b.ID] || !b.SubmittedAt.Before(deadline) {
			t.Errorf("bid %d: receipt %v at %v, acknowledged as %q before %v", b.ID, b.Receipt, b.SubmittedAt, receipts[b.ID], deadline)
		}
	}
	must(t, admin.call(http.MethodPost, compPath+"/eligibility/finish", nil, nil))
	waitUntil(t, back, time.Minute, "assignment to run", func() bool {
		return st.DB.Assignment.Query().Where(assignment.CompetitionID(compID)).ExistX(sys)
	})
	t.Logf("caught up after Temporal returned: closed in %.1f s (the close waits %s after the deadline for submits in flight), assigned in %.1f s",
		closed.Seconds(), domain.CloseGrace, time.Since(back).Seconds())
}

// waitUntil polls done until it holds, failing the test if it does not within limit of since.
func waitUntil(t *testing.T, since time.Time, limit time.Duration, what string, done func() bool) {
	t.Helper()
	for !done() {
		if time.Since(since) > limit {
			t.Fatalf("waited %s for %s", limit, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
