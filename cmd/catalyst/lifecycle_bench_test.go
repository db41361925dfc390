package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
)

var lifecycleBids = flag.Int("lifecycle.bids", 200, "lifecycle benchmark: how many bids")

// BenchmarkLifecycle takes N bids (default 200) through a competition's whole lifecycle on the
// embedded stack with its periods compressed (a 20 s deadline): written, uploaded and submitted
// by N suppliers, the close, eligibility, assignment and its release, three assessors scoring
// every bid, the decision and the feedback's release, all through the HTTP API. It prints the
// time of each part and how many Temporal workflow tasks every workflow took, per bid (goal at
// most 2), read from the histories.
//
//	go test -run '^$' -bench BenchmarkLifecycle -benchtime 1x ./cmd/catalyst
func BenchmarkLifecycle(b *testing.B) {
	for range b.N {
		lifecycle(b, *lifecycleBids)
	}
}

func lifecycle(b *testing.B, n int) {
	ctx := context.Background()
	b.Chdir(".")
	st, err := startDev(ctx, devOptions{Data: b.TempDir(), Addr: "127.0.0.1:0"})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if err := seedPeople(ctx, st.DB); err != nil {
		b.Fatal(err)
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	anon := &apiClient{http: hc, base: st.URL}
	sign := func(email string) *apiClient {
		c, err := anon.as(email)
		if err != nil {
			b.Fatal(err)
		}
		return c
	}
	admin, owner := sign(demoOfficer), sign(demoOwner)
	must := func(err error) {
		if err != nil {
			b.Helper()
			b.Fatal(err)
		}
	}
	wait := func(path, status string) {
		deadline := time.Now().Add(2 * time.Minute)
		for {
			var c competitionJSON
			must(admin.call(http.MethodGet, path, nil, &c))
			if c.Status == status {
				return
			}
			if time.Now().After(deadline) {
				b.Fatalf("%s stayed %s, want %s", path, c.Status, status)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	b.ResetTimer()
	t0 := time.Now()
	compID := openForRush(b, admin, owner, time.Now().Add(20*time.Second))
	compPath := fmt.Sprintf("/api/v1/competitions/%d", compID)
	bidIDs, suppliers := writtenBids(b, st.DB, hc, []string{st.URL}, compID, n)
	doc := rushDocument(64 << 10)
	each(8, n, func(i int) {
		must(suppliers[i].upload(fmt.Sprintf("/api/v1/bids/%d/documents", bidIDs[i]), "proposal.pdf", doc, nil))
		must(suppliers[i].call(http.MethodPost, fmt.Sprintf("/api/v1/bids/%d/submit", bidIDs[i]), nil, nil))
	})
	submitted := time.Now()
	wait(compPath, "eligibility")
	closed := time.Now()
	must(admin.call(http.MethodPost, compPath+"/eligibility/finish", nil, nil))
	wait(compPath, "assessment")
	must(admin.call(http.MethodPost, compPath+"/assignments/release", nil, nil))
	assigned := time.Now()
	for _, email := range demoAssessors[:3] {
		a := sign(email)
		var page struct {
			Items []struct {
				BidID int `json:"bid_id"`
			} `json:"items"`
			Next string `json:"next"`
		}
		var bidsToScore []int
		for after := ""; ; after = page.Next {
			page.Items, page.Next = nil, ""
			must(a.call(http.MethodGet, fmt.Sprintf("/api/v1/assignments?competition_id=%d&limit=100&cursor=%s", compID, after), nil, &page))
			for _, it := range page.Items {
				bidsToScore = append(bidsToScore, it.BidID)
			}
			if page.Next == "" {
				break
			}
		}
		each(4, len(bidsToScore), func(i int) {
			must(a.call(http.MethodPost, compPath+"/assessments", assessment(bidsToScore[i], 4+bidsToScore[i]%7, true), nil))
		})
	}
	assessed := time.Now()
	var decided competitionJSON
	must(proposeAndApprove(admin, sign(demoChair), compID, map[string]any{}, &decided))
	must(admin.call(http.MethodPost, compPath+"/feedback-release", nil, nil))
	done := time.Now()
	b.StopTimer()

	// Let the work the lifecycle woke settle (emails, webhooks), then count every workflow's tasks.
	time.Sleep(3 * time.Second)
	tasks := map[string]int{}
	runs := map[string]int{}
	var next []byte
	for {
		list, err := st.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{PageSize: 1000, NextPageToken: next})
		must(err)
		for _, w := range list.Executions {
			kind := w.Type.Name
			runs[kind]++
			it := st.Temporal.GetWorkflowHistory(ctx, w.Execution.WorkflowId, w.Execution.RunId, false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
			for it.HasNext() {
				e, err := it.Next()
				must(err)
				if e.EventType == enums.EVENT_TYPE_WORKFLOW_TASK_COMPLETED {
					tasks[kind]++
				}
			}
		}
		if next = list.NextPageToken; len(next) == 0 {
			break
		}
	}
	var lines []string
	total := 0
	for _, kind := range slices.Sorted(func(yield func(string) bool) {
		for k := range tasks {
			if !yield(k) {
				return
			}
		}
	}) {
		total += tasks[kind]
		lines = append(lines, fmt.Sprintf("%s %d (%d runs)", strings.TrimSuffix(kind, "Workflow"), tasks[kind], runs[kind]))
	}
	b.Logf(`lifecycle of %d bids on the embedded stack (SQLite), a 20 s deadline, through the API:
  written, uploaded and submitted in %.1f s; closed (deadline and its %s grace) %.1f s after the opening
  eligibility finished and assignments released in %.1f s; %d assessments in %.1f s; decided and released in %.1f s
  all of it %.1f s; %d contracts awarded
  Temporal workflow tasks, from every workflow's history: %s
  all workflows: %d tasks, %.2f a bid (goal at most 2)`,
		n, submitted.Sub(t0).Seconds(), "12s", closed.Sub(t0).Seconds(),
		assigned.Sub(closed).Seconds(), 3*n, assessed.Sub(assigned).Seconds(), done.Sub(assessed).Seconds(),
		done.Sub(t0).Seconds(), len(decided.Contracts), strings.Join(lines, ", "), total, float64(total)/float64(n))
	b.ReportMetric(float64(total)/float64(n), "workflow-tasks/bid")
	b.ReportMetric(done.Sub(t0).Seconds(), "lifecycle-s")
}
