package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/translog"
	"github.com/catalyst-sbri/catalyst/witness"
)

// TestAWitnessRunsAsItsOwnPart: `catalyst part witness` makes its key on first start, readable
// by its owner alone, prints the line Catalyst's worker takes, and keeps the same key when it
// starts again.
func TestAWitnessRunsAsItsOwnPart(t *testing.T) {
	data := t.TempDir()
	_, vkey, err := translog.NewKey(strings.NewReader(strings.Repeat("k", 64)), "catalyst.test/log")
	if err != nil {
		t.Fatal(err)
	}
	start := func() string {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		r, w := io.Pipe()
		done := make(chan error, 1)
		go func() {
			done <- runPart(ctx, []string{"witness", "--data", data, "--name", "witness.test", "--log-vkey", vkey, "--addr", "127.0.0.1:0"}, w)
			w.Close()
		}()
		var line string
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if _, v, ok := strings.Cut(sc.Text(), envLogWitness.Name+"="); ok {
				line = strings.Trim(v, `"`)
				break
			}
		}
		cancel()
		go io.Copy(io.Discard, r)
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the witness did not stop")
		}
		return line
	}
	first := start()
	url, key, ok := strings.Cut(first, " ")
	if !ok || !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("the worker's line: %q", first)
	}
	if _, err := witness.NewVerifier(key); err != nil {
		t.Errorf("the printed key: %v", err)
	}
	info, err := os.Stat(filepath.Join(data, "witness.key"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("the witness's key file: %v %v", info, err)
	}
	_, again, _ := strings.Cut(start(), " ")
	if again != key {
		t.Errorf("restarted, the witness has another key: %s, was %s", again, key)
	}
}
