// Command catalyst is the one binary: `dev` runs everything in one process on local files;
// `api`, `worker` and `migrate` are the production processes; `seed` loads demo data.
package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"syscall"
	"time"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `catalyst runs challenge-based innovation procurement (GovTech Catalyst / SBRI).

Usage:
  catalyst dev [--data DIR] [--addr HOST:PORT] [--demo=false]
                                                 everything in one process, with demo data
  catalyst api                                   the HTTP API and pages (production)
  catalyst worker                                the Temporal worker (production)
  catalyst migrate [--data DIR]                  apply the versioned migrations (production, or a dev folder)
  catalyst seed                                  load the demo data into a running system (production)
  catalyst audit verify [--data DIR]             check the audit trail's hash chain (dev folder or production database)
  catalyst people grant --email E --role R [--name N] [--data DIR]
                                                 give a person a role (how the first admin is made)
  catalyst people import FILE [--preview] [--data DIR]
                                                 add suppliers and their people from a CSV (see the README)
  catalyst token issue --email E --role R --name N [--days D] [--data DIR]
                                                 print a new API token for a person in one role
  catalyst part temporal|s3|mail|witness ...     a Temporal server in PostgreSQL, an S3 server or a test SMTP
                                                 server for scripts/topology.sh (production uses a cluster,
                                                 MinIO and Notify), or a witness to the public log
  catalyst log key --origin NAME                 print a new signing key for the transparency log and its verifier key
  catalyst receipt verify FILE [--vkey KEY]      check a bid's receipt file offline: its sealed form and the log's proof
  catalyst probe URL                             exit 0 if URL answers 200 (for container health checks)
  catalyst version                               print the version

Production commands are configured by environment variables: see the README.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	stopProfile, err := profileCPU(os.Getenv(envCPUProfile.Name), os.Args[1:])
	if err == nil {
		err = run(ctx, os.Args[1:])
		stopProfile()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "catalyst:", err)
		os.Exit(1)
	}
}

// profileCPU starts a CPU profile of the whole process in dir, named by the command and the
// process ID, when dir is set: how the production topology's processes are seen spending their
// time under a rush. The returned function ends it; a process killed hard leaves none.
func profileCPU(dir string, args []string) (func(), error) {
	if dir == "" || len(args) == 0 || !slices.Contains([]string{"dev", "api", "worker", "part"}, args[0]) {
		return func() {}, nil // only the processes that run for long: not a probe or a migrate
	}
	name := "catalyst-" + args[0]
	if args[0] == "part" && len(args) > 1 {
		name += "-" + filepath.Base(args[1])
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%s-%d.pprof", name, os.Getpid())))
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Print(usage)
		return fmt.Errorf("name a command")
	}
	switch args[0] {
	case "dev":
		return runDev(ctx, args[1:])
	case "api":
		return runAPI(ctx)
	case "worker":
		return runWorker(ctx)
	case "migrate":
		return runMigrate(ctx, args[1:], os.Stdout)
	case "seed":
		return runSeedCommand(ctx)
	case "audit":
		return runAudit(ctx, args[1:], os.Stdout)
	case "people":
		return runPeople(ctx, args[1:], os.Stdout)
	case "token":
		return runToken(ctx, args[1:], os.Stdout)
	case "probe":
		return probe(ctx, args[1:])
	case "part":
		return runPart(ctx, args[1:], os.Stdout)
	case "log":
		return runLog(args[1:], os.Stdout)
	case "receipt":
		return runReceipt(args[1:], os.Stdout)
	case "version":
		fmt.Println("catalyst", version)
		return nil
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	}
	fmt.Print(usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// probe is a health check for images with no shell or curl.
func probe(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: catalyst probe URL")
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, args[0], nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", args[0], resp.Status)
	}
	return nil
}
