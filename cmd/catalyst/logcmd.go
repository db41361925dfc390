package main

import (
	"crypto/rand"
	"flag"
	"fmt"
	"io"

	"github.com/catalyst-sbri/catalyst/translog"
)

// runLog is `catalyst log key --origin NAME`: a new signing key for the transparency log, named
// for its origin (conventionally the log's URL without its scheme, such as
// catalyst.example.gov.uk/log), printed as the two settings the worker and the API take.
func runLog(args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "key" {
		return fmt.Errorf("usage: catalyst log key --origin NAME")
	}
	fs := flag.NewFlagSet("log key", flag.ContinueOnError)
	origin := fs.String("origin", "", "the log's name, such as catalyst.example.gov.uk/log")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *origin == "" {
		return fmt.Errorf("name the log with --origin, such as --origin catalyst.example.gov.uk/log")
	}
	skey, vkey, err := translog.NewKey(rand.Reader, *origin)
	if err != nil {
		return fmt.Errorf("the origin %q cannot name a key: %w", *origin, err)
	}
	_, err = fmt.Fprintf(out, "%s=%s\n%s=%s\n", envLogKey.Name, skey, envLogVKey.Name, vkey)
	return err
}
