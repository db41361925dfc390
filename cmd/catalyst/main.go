// Command catalyst is the one binary: `dev` runs everything in one process on local files;
// `api`, `worker` and `migrate` are the production processes; `seed` loads demo data.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `catalyst runs challenge-based innovation procurement (GovTech Catalyst / SBRI).

Usage:
  catalyst dev [--data DIR] [--addr HOST:PORT]   everything in one process, with demo data
  catalyst api                                   the HTTP API and pages (production)
  catalyst worker                                the Temporal worker (production)
  catalyst migrate                               bring the database schema up to date (production)
  catalyst seed                                  load the demo data into a running system (production)
  catalyst version                               print the version

Production commands are configured by environment variables: see the README.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "catalyst:", err)
		os.Exit(1)
	}
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
		return runMigrate(ctx)
	case "seed":
		return runSeedCommand(ctx)
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
