package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/catalyst-sbri/catalyst/devstack"
	"github.com/catalyst-sbri/catalyst/devstack/s3server"
)

// runPart is `catalyst part temporal|s3`: one part of the production topology, run from this
// machine's own code for scripts/topology.sh, where no container engine runs. In production
// these are a Temporal cluster and MinIO; the API and the worker cannot tell the difference.
//
//	catalyst part temporal --postgres URL --frontend HOST:PORT [--log DIR]
//	catalyst part s3 --data DIR
func runPart(ctx context.Context, args []string, out io.Writer) error {
	usage := errors.New("usage: catalyst part temporal --postgres URL --frontend HOST:PORT [--log DIR] | catalyst part s3 --data DIR")
	if len(args) == 0 {
		return usage
	}
	fs := flag.NewFlagSet("part "+args[0], flag.ContinueOnError)
	switch args[0] {
	case "temporal":
		pg := fs.String("postgres", "", "the PostgreSQL to persist in, as a URL whose user may create databases")
		frontend := fs.String("frontend", "127.0.0.1:7233", "where the frontend listens")
		logDir := fs.String("log", ".", "the folder for temporal.log")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if *pg == "" {
			return usage
		}
		t, err := devstack.StartTemporalPostgres(*pg, *frontend, *logDir)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Temporal frontend: %s (namespace %q), persisted in PostgreSQL\n", t.HostPort, devstack.Namespace)
		<-ctx.Done()
		return t.Stop()
	case "s3":
		data := fs.String("data", "", "the folder for the objects")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if *data == "" {
			return usage
		}
		srv, err := s3server.Start(*data)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "S3 endpoint: %s\nS3 access key: %s\nS3 secret key: %s\n", srv.Endpoint, srv.AccessKey, srv.SecretKey)
		<-ctx.Done()
		return srv.Stop()
	}
	return usage
}
