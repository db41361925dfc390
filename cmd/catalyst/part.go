package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"filippo.io/torchwood"

	"github.com/catalyst-sbri/catalyst/devstack"
	"github.com/catalyst-sbri/catalyst/devstack/s3server"
	"github.com/catalyst-sbri/catalyst/email"
	"github.com/catalyst-sbri/catalyst/witness"
)

// runPart is `catalyst part temporal|s3|mail|witness`: one part of the production topology, run from
// this machine's own code for scripts/topology.sh, where no container engine runs. In
// production these are a Temporal cluster and MinIO; the API and the worker cannot tell the
// difference; the mail part is a test SMTP server that keeps what it is sent (a department's
// relay, or GOV.UK Notify, in production). The witness is not Catalyst's own part: a department or a watchdog runs it, on
// its own machine, to cosign the public log's checkpoints (c2sp.org/tlog-witness).
//
//	catalyst part temporal --postgres URL --frontend HOST:PORT [--log DIR]
//	catalyst part s3 --data DIR
//	catalyst part mail --data DIR [--addr HOST:PORT]
//	catalyst part witness --data DIR --name NAME --log-vkey KEY [--addr HOST:PORT]
func runPart(ctx context.Context, args []string, out io.Writer) error {
	usage := errors.New("usage: catalyst part temporal --postgres URL --frontend HOST:PORT [--log DIR] | catalyst part s3 --data DIR | catalyst part mail --data DIR [--addr HOST:PORT] | catalyst part witness --data DIR --name NAME --log-vkey KEY [--addr HOST:PORT]")
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
	case "mail":
		data := fs.String("data", "", "the folder for the messages")
		addr := fs.String("addr", "127.0.0.1:0", "where to listen for SMTP")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if *data == "" {
			return usage
		}
		sink, err := email.StartSink(*data, *addr)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "SMTP URL: smtp://%s?tls=none\n", sink.Addr())
		<-ctx.Done()
		return sink.Close()
	case "witness":
		data := fs.String("data", "", "the folder for the witness's key and the trees it holds")
		name := fs.String("name", "", "the witness's name, as its cosignatures carry it (e.g. witness.audit.example)")
		logKey := fs.String("log-vkey", "", "the verifier key of the log to follow, from its /log/vkey")
		addr := fs.String("addr", "127.0.0.1:7380", "where to listen")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if *data == "" || *name == "" || *logKey == "" {
			return usage
		}
		return runWitness(ctx, *data, *name, *logKey, *addr, out)
	}
	return usage
}

// runWitness serves a witness until ctx ends. Its key is made on first start and kept in the
// data folder (witness.key, readable by its owner alone), like its trees (witness.json).
func runWitness(ctx context.Context, data, name, logKey, addr string, out io.Writer) error {
	if err := os.MkdirAll(data, 0o700); err != nil {
		return err
	}
	keyFile := filepath.Join(data, "witness.key")
	seed, err := os.ReadFile(keyFile)
	if errors.Is(err, os.ErrNotExist) {
		seed = make([]byte, ed25519.SeedSize)
		if _, err := rand.Read(seed); err != nil {
			return err
		}
		err = os.WriteFile(keyFile, seed, 0o600)
	}
	if err != nil {
		return err
	}
	if len(seed) != ed25519.SeedSize {
		return fmt.Errorf("%s is not a witness key", keyFile)
	}
	signer, err := torchwood.NewCosignatureSigner(name, ed25519.NewKeyFromSeed(seed))
	if err != nil {
		return fmt.Errorf("the witness's name %q: %w", name, err)
	}
	w, err := witness.New(signer, []string{logKey}, filepath.Join(data, "witness.json"))
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: w, ReadHeaderTimeout: 5 * time.Second}
	fmt.Fprintf(out, "Witness: http://%s\nIts verifier key: %s\nFor Catalyst's worker: %s=\"http://%s %s\"\n",
		ln.Addr(), w.VerifierKey(), envLogWitness.Name, ln.Addr(), w.VerifierKey())
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
