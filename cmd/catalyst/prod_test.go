package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/devstack"
	"github.com/catalyst-sbri/catalyst/devstack/s3server"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/scanner/scannertest"
)

// TestProductionProcesses runs `catalyst migrate`, `catalyst worker` and `catalyst api` as
// production runs them, configured only by the environment, against PostgreSQL, a Temporal
// frontend and an S3 endpoint (here the embedded ones stand in for the cluster and MinIO).
func TestProductionProcesses(t *testing.T) {
	dsn := testdb.EmptyPostgresURL(t)
	t.Chdir(".") // the S3 server moves the working directory; put it back at the end
	dir := t.TempDir()
	tsrv, err := devstack.StartTemporal(filepath.Join(dir, "temporal"))
	if err != nil {
		t.Fatal(err)
	}
	defer tsrv.Stop()
	s3, err := s3server.Start(filepath.Join(dir, "s3"))
	if err != nil {
		t.Fatal(err)
	}
	defer s3.Stop()
	clamd := scannertest.Start(t) // production checks every upload with ClamAV
	apiAddr, healthAddr, metricsAddr := freeAddr(t), freeAddr(t), freeAddr(t)
	for k, v := range map[string]string{
		envDatabaseURL.Name: dsn, envTemporal.Name: tsrv.HostPort, envS3Endpoint.Name: s3.Endpoint,
		envS3AccessKey.Name: s3.AccessKey, envS3SecretKey.Name: s3.SecretKey, envAddr.Name: apiAddr,
		envWorkerHealth.Name: healthAddr, envSessionKey.Name: strings.Repeat("ab", 32), envDevSignIn.Name: "",
		envClamd.Name: clamd.String(), envMetricsAddr.Name: metricsAddr,
	} {
		t.Setenv(k, v)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := run(ctx, []string{"migrate"}); err != nil {
		t.Fatalf("catalyst migrate: %v", err)
	}
	procs, stop := context.WithCancel(ctx)
	done := make(chan error, 2)
	go func() { done <- run(procs, []string{"worker"}) }()
	go func() { done <- run(procs, []string{"api"}) }()
	defer func() {
		stop()
		for range 2 {
			if err := <-done; err != nil {
				t.Errorf("a process ended with %v", err)
			}
		}
	}()
	base := "http://" + apiAddr
	waitOK(t, base+"/readyz")
	waitOK(t, "http://"+healthAddr+"/healthz")
	if err := probe(ctx, []string{base + "/readyz"}); err != nil {
		t.Errorf("catalyst probe: %v", err)
	}

	// The first programme officer is made by the operator, who issues them an API token.
	var out strings.Builder
	if err := runPeople(ctx, []string{"grant", "--email", "ops@programme.example", "--name", "Ops", "--role", "programme_officer"}, &out); err != nil {
		t.Fatalf("catalyst people grant: %v", err)
	}
	out.Reset()
	if err := runToken(ctx, []string{"issue", "--email", "ops@programme.example", "--role", "programme_officer", "--name", "prod test"}, &out); err != nil {
		t.Fatalf("catalyst token issue: %v", err)
	}
	anon := &apiClient{http: http.DefaultClient, base: base}
	wantProblem(t, anon.call(http.MethodGet, "/api/v1/challenges", nil, nil), 401, "unauthenticated", "")

	// The lifecycle runs across the separate processes.
	c := &apiClient{http: http.DefaultClient, base: base, token: strings.TrimSpace(out.String())}
	var ch challengeJSON
	must(t, c.call(http.MethodPost, "/api/v1/challenges", intake("Prod", "P", "N"), &ch))
	// Its evidence is checked by clamd: a clean file is kept checked, EICAR refused.
	var evidence struct {
		VirusCheck string `json:"virus_check"`
	}
	must(t, c.upload(fmt.Sprintf("/api/v1/challenges/%d/documents", ch.ID), "survey.csv", []byte("street,missed\nHigh St,4\n"), &evidence))
	if evidence.VirusCheck != "clean" {
		t.Errorf("a clean file uploaded in production is %q, want clean", evidence.VirusCheck)
	}
	err = c.upload(fmt.Sprintf("/api/v1/challenges/%d/documents", ch.ID), "eicar.txt", scannertest.EICAR, nil)
	wantProblem(t, err, http.StatusUnprocessableEntity, "", "")
	if !strings.Contains(fmt.Sprint(err), "contains a virus") {
		t.Errorf("EICAR uploaded in production: %v", err)
	}
	must(t, c.call(http.MethodPost, fmt.Sprintf("/api/v1/challenges/%d/submit", ch.ID), nil, &ch))
	var round struct {
		ID int `json:"id"`
	}
	must(t, c.call(http.MethodPost, "/api/v1/rounds", map[string]any{"name": "Prod round", "budget_pence": 1_000_000_00,
		"starts_at": time.Now(), "ends_at": time.Now().AddDate(1, 0, 0)}, &round))
	must(t, c.call(http.MethodPost, fmt.Sprintf("/api/v1/challenges/%d/selection", ch.ID), map[string]any{"select": true, "round_id": round.ID}, &ch))
	wantStage(t, ch, "selected")

	// Prometheus scrapes the API's metrics on their own listener; the public's has none.
	if resp, err := http.Get(base + "/metrics"); err != nil {
		t.Errorf("GET /metrics on the public listener: %v", err)
	} else if resp.Body.Close(); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /metrics on the public listener: %d, want 404", resp.StatusCode)
	}
	resp, err := http.Get("http://" + metricsAddr + "/metrics")
	must(t, err)
	scraped, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Contains(scraped, []byte("catalyst_http_request_duration_seconds")) {
		t.Errorf("the metrics listener: %d\n%.500s", resp.StatusCode, scraped)
	}

	// The demo sign-in does not exist in production.
	resp, err = http.Get(base + "/sign-in")
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /sign-in in production = %d, want 404", resp.StatusCode)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitOK(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s did not answer 200 within a minute", url)
}

// TestTheServerWaitsForTheLargestUploadOnASlowLine: the production server neither cuts off a
// supplier sending the largest document over a slow line nor holds a stalled connection for
// ever: its read and write timeouts cover the largest document at slowestUpload, and no less
// than two minutes; headers come within 10 s and idle connections close.
func TestTheServerWaitsForTheLargestUploadOnASlowLine(t *testing.T) {
	for _, mb := range []int64{1, 25, 5000} {
		srv := apiServer(":0", http.NotFoundHandler(), mb<<20)
		upload := time.Duration(mb<<20/slowestUpload) * time.Second
		if srv.ReadTimeout < upload || srv.ReadTimeout < 2*time.Minute || srv.ReadTimeout > upload+5*time.Minute ||
			srv.WriteTimeout != srv.ReadTimeout || srv.ReadHeaderTimeout != 10*time.Second || srv.IdleTimeout == 0 {
			t.Errorf("%d MB documents: read %s, write %s, headers %s, idle %s (the upload takes %s)", mb,
				srv.ReadTimeout, srv.WriteTimeout, srv.ReadHeaderTimeout, srv.IdleTimeout, upload)
		}
	}
}
