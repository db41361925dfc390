package main

import (
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/catalyst-sbri/catalyst/api"
	"github.com/catalyst-sbri/catalyst/service"
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

// runReceipt is `catalyst receipt verify FILE [--vkey KEY]`: a supplier's receipt file (as the
// API and the bid's page give it) checked offline, by anyone: its sealed form hashes to the
// receipt's hash, and the public log's signed checkpoint holds the receipt's entry.
func runReceipt(args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return fmt.Errorf("usage: catalyst receipt verify FILE [--vkey KEY]")
	}
	fs := flag.NewFlagSet("receipt verify", flag.ContinueOnError)
	vkey := fs.String("vkey", get(envLogVKey), "the log's verifier key, from its /log/vkey")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("usage: catalyst receipt verify FILE [--vkey KEY]")
	}
	file := fs.Arg(0)
	if err := fs.Parse(fs.Args()[1:]); err != nil { // flags after the file too
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("usage: catalyst receipt verify FILE [--vkey KEY]")
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var r api.ReceiptFile
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("%s is not a receipt file: %w", file, err)
	}
	if *vkey == "" {
		return fmt.Errorf("give the log's verifier key with --vkey (it is served at /log/vkey)")
	}
	c, _, err := service.CheckReceiptOffline(service.ReceiptClaim{Receipt: r.Receipt, ContentHash: r.ContentHash, Sealed: r.Sealed, Log: r.Log}, *vkey)
	if err != nil {
		return err // its words say what does not check
	}
	_, err = fmt.Fprintf(out, "The receipt %s verifies: its sealed form hashes to %s, and entry %d of the log %s, whose checkpoint of %d entries is signed with the key given, holds it.\n",
		r.Receipt, r.ContentHash, r.Log.Index, c.Origin, c.Size)
	return err
}
