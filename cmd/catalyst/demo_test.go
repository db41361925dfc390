package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/api"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/ocds/ocdstest"
)

// TestDemoDataIsPublishedAndCounted loads the demo data as `catalyst dev` does, then checks
// every release package and record it publishes against the official OCDS 1.1 schemas, and
// that the programme's figures answer the seeds' questions from it: who was reached, how
// fast, and what stopping saved.
func TestDemoDataIsPublishedAndCounted(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole stack and loads the demo data")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	t.Chdir(".")
	data := t.TempDir()
	var dsn string // the dev folder's SQLite, or in the PostgreSQL suite a throwaway database
	if testdb.Postgres() {
		_, dsn = testdb.OpenURL(t)
	}
	st, err := startDev(ctx, devOptions{Data: data, Addr: "127.0.0.1:0", Seed: true, DatabaseURL: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { st.Close() }()
	select {
	case <-st.SeedDone:
	case <-ctx.Done():
		t.Fatal("the demo data did not load in time")
	}
	if st.SeedErr != nil {
		t.Fatal(st.SeedErr)
	}

	get := func(path string) []byte {
		t.Helper()
		resp, err := http.Get(st.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
		}
		return b
	}
	bulk := get("/ocds/releases.json")
	if err := ocdstest.ReleasePackage(bulk); err != nil {
		t.Fatalf("the demo data's bulk release package is not valid OCDS 1.1: %v", err)
	}
	if err := ocdstest.RecordPackage(get("/ocds/records.json")); err != nil {
		t.Fatalf("the demo data's bulk record package is not valid OCDS 1.1: %v", err)
	}
	var pkg struct {
		Releases []struct {
			OCID string   `json:"ocid"`
			Tag  []string `json:"tag"`
		} `json:"releases"`
	}
	if err := json.Unmarshal(bulk, &pkg); err != nil {
		t.Fatal(err)
	}
	ocids, tags := map[string]bool{}, map[string]bool{}
	for _, r := range pkg.Releases {
		ocids[r.OCID] = true
		for _, tag := range r.Tag {
			tags[tag] = true
		}
	}
	for _, want := range []string{"planning", "tender", "award", "contract", "implementation", "contractTermination"} {
		if !tags[want] {
			t.Errorf("no %s release in the demo data", want)
		}
	}
	for ocid := range ocids {
		if err := ocdstest.ReleasePackage(get("/ocds/releases/" + ocid + ".json")); err != nil {
			t.Errorf("%s's release package: %v", ocid, err)
		}
		if err := ocdstest.RecordPackage(get("/ocds/records/" + ocid + ".json")); err != nil {
			t.Errorf("%s's record package: %v", ocid, err)
		}
	}
	t.Logf("%d releases of %d contracting processes validated", len(pkg.Releases), len(ocids))

	anon := &apiClient{http: http.DefaultClient, base: st.URL}
	admin, err := anon.as(demoOfficer)
	if err != nil {
		t.Fatal(err)
	}
	var f api.FiguresView
	if err := admin.call(http.MethodGet, "/api/v1/figures", nil, &f); err != nil {
		t.Fatal(err)
	}
	if f.Total.SavedPence <= 0 {
		t.Errorf("no money saved by the demo data's stops: %+v", f.Total)
	}
	if f.Time[0].Count == 0 || f.Time[1].Count == 0 {
		t.Errorf("turnarounds not counted: %+v", f.Time)
	}
	i := slices.IndexFunc(f.Reach, func(r api.ReachView) bool { return r.Label == "Under five years old" })
	if i < 0 || f.Reach[i].Bidders.Of != 3 || f.Reach[i].Bidders.N != 1 {
		t.Errorf("who the demo data reached: %+v", f.Reach)
	}
	// No round is over its budget, nor are its challenges' plans beyond what it has left.
	var rounds api.Page[api.RoundView]
	if err := admin.call(http.MethodGet, "/api/v1/rounds", nil, &rounds); err != nil {
		t.Fatal(err)
	}
	for _, r := range rounds.Items {
		if r.CommittedPence > r.BudgetPence || r.PlannedPence > r.LeftPence || r.LeftPence != r.BudgetPence-r.CommittedPence {
			t.Errorf("the demo round %q: budget %s, committed %s, left %s, planned %s", r.Name, r.Budget, r.Committed, r.Left, r.Planned)
		}
	}
	// In every state the demo leaves its records in, what the model refuses each person the
	// command refuses, with the same reason.
	checkRefusalsAgree(t, anon, append(append([]string{demoAdmin, demoOfficer, demoFinance, demoChair, demoBudget, demoPanel, demoOwner, demoDelegate}, demoSuppliers...), demoAssessors...))
	// And what it allows, the command takes: last, as it changes the demo.
	checkAllowedAreTaken(t, anon, append(append(append([]string{}, demoSuppliers...), demoAssessors...), demoOwner, demoDelegate, demoFinance, demoPanel, demoOfficer, demoChair, demoBudget, demoAdmin))
}
