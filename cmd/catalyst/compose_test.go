package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
)

// repoRoot is resolved before any test runs: the end-to-end test's S3 server changes the
// working directory.
var repoRoot = func() string {
	p, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		panic(err)
	}
	return p
}()

// TestComposeGivesEachProcessItsConfiguration loads docker-compose.yml with the compose-spec
// loader (no Docker engine runs here) and checks that every catalyst service gets every variable
// its command requires, with values the binary accepts, and that the topology is whole.
func TestComposeGivesEachProcessItsConfiguration(t *testing.T) {
	opts, err := cli.NewProjectOptions([]string{filepath.Join(repoRoot, "docker-compose.yml")},
		cli.WithWorkingDirectory(repoRoot), cli.WithName("catalyst"))
	if err != nil {
		t.Fatal(err)
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("docker-compose.yml does not load: %v", err)
	}
	for _, name := range []string{"postgres", "temporal-schema", "temporal", "temporal-namespace", "temporal-ui", "minio", "catalyst-migrate", "catalyst-api", "catalyst-worker"} {
		if _, ok := project.Services[name]; !ok {
			t.Errorf("service %s is missing", name)
		}
	}
	commands := map[string]string{"catalyst-api": "api", "catalyst-worker": "worker", "catalyst-migrate": "migrate"}
	for svcName, command := range commands {
		svc, ok := project.Services[svcName]
		if !ok {
			continue
		}
		if len(svc.Command) == 0 || svc.Command[0] != command {
			t.Errorf("%s runs %v, want %q", svcName, svc.Command, command)
		}
		if svc.Build == nil {
			t.Errorf("%s is not built from the Dockerfile", svcName)
		}
		// The binary's own validation, run on the service's environment.
		for _, v := range allEnv() {
			val := ""
			if p := svc.Environment[v.Name]; p != nil {
				val = *p
			}
			t.Setenv(v.Name, val)
		}
		if _, err := loadConfig(command); err != nil {
			t.Errorf("%s (catalyst %s): %v", svcName, command, err)
		}
	}
	for name, svc := range project.Services {
		oneShot := svc.Restart == "no"
		if svc.HealthCheck == nil && !oneShot && name != "temporal-ui" {
			t.Errorf("long-running service %s has no health check", name)
		}
	}
	for _, vol := range []string{"catalyst-postgres", "catalyst-minio"} {
		if _, ok := project.Volumes[vol]; !ok {
			t.Errorf("named volume %s is missing", vol)
		}
	}
}

func allEnv() []envVar {
	return []envVar{envDatabaseURL, envTemporal, envNamespace, envS3Endpoint, envS3AccessKey, envS3SecretKey, envS3Bucket,
		envS3Region, envS3TLS, envAddr, envSessionKey, envDevSignIn, envMaxDocument, envWorkerHealth,
		envPublicURL, envNotifyKey, envNotifyTpls, envSMTPURL, envMailFrom, envOCIDPrefix, envShortestOpen, envCPUProfile, envClamd, envMetricsAddr, envSecurity, envCleartext, envTemporalTLS, envTemporalCA, envTemporalCert, envTemporalKey, envTemporalName, envTemporalAPIKey, envProxies}
}

func TestConfigNamesEveryProblem(t *testing.T) {
	for _, v := range allEnv() {
		t.Setenv(v.Name, "")
	}
	t.Setenv(envS3TLS.Name, "maybe")
	t.Setenv(envDevSignIn.Name, "true")
	t.Setenv(envShortestOpen.Name, "1s")
	_, err := loadConfig("api")
	if err == nil {
		t.Fatal("an empty environment was accepted")
	}
	for _, want := range []string{"CATALYST_DATABASE_URL is not set", "CATALYST_TEMPORAL_ADDRESS is not set", "CATALYST_S3_ENDPOINT is not set",
		"CATALYST_SESSION_KEY is not set: set it to 64 hex characters", "CATALYST_S3_USE_TLS must be true or false",
		"the demo sign-in cannot be enabled in production", "CATALYST_SHORTEST_OPEN must be a duration from 5s", "CATALYST_CLAMD is not set"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%v", want, err)
		}
	}
	// A worker given a mail provider half set up is told what is missing.
	t.Setenv(envSMTPURL.Name, "smtp://mail.example:587")
	t.Setenv(envMailFrom.Name, "nobody")
	_, err = loadConfig("worker")
	if err == nil || !strings.Contains(err.Error(), "CATALYST_PUBLIC_URL must be set to send email") || !strings.Contains(err.Error(), "not an email address") {
		t.Errorf("a half-set SMTP provider gave %v", err)
	}
	t.Setenv(envSMTPURL.Name, "")
	t.Setenv(envNotifyKey.Name, "not-a-key")
	t.Setenv(envPublicURL.Name, "https://catalyst.example")
	_, err = loadConfig("worker")
	if err == nil || !strings.Contains(err.Error(), "no default Notify template") && !strings.Contains(err.Error(), "Notify's form") {
		t.Errorf("a bad Notify key gave %v", err)
	}
	t.Setenv(envNotifyKey.Name, "")
	t.Setenv(envDatabaseURL.Name, "mysql://root:hunter2@db/x")
	_, err = loadConfig("migrate")
	if err == nil || !strings.Contains(err.Error(), "must be a postgres:// URL") || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("a MySQL URL gave %v; want a refusal that hides the password", err)
	}
}
