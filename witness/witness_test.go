package witness_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/torchwood"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/catalyst-sbri/catalyst/translog"
	"github.com/catalyst-sbri/catalyst/witness"
)

// memLog is a log in memory: its stored hashes, and its key.
type memLog struct {
	hashes map[int64]tlog.Hash
	size   int64
	signer note.Signer
}

func newLog(t *testing.T, origin string) (*memLog, string) {
	t.Helper()
	skey, vkey, err := translog.NewKey(rand.Reader, origin)
	if err != nil {
		t.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	return &memLog{hashes: map[int64]tlog.Hash{}, signer: s}, vkey
}

func (l *memLog) reader() tlog.HashReader {
	return tlog.HashReaderFunc(func(xs []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(xs))
		for i, x := range xs {
			out[i] = l.hashes[x]
		}
		return out, nil
	})
}

// grow appends n entries, each tagged, and returns the signed checkpoint of the tree.
func (l *memLog) grow(t *testing.T, n int, tag string) []byte {
	t.Helper()
	for range n {
		hs, err := tlog.StoredHashes(l.size, fmt.Appendf(nil, "%s %d", tag, l.size), l.reader())
		if err != nil {
			t.Fatal(err)
		}
		for i, h := range hs {
			l.hashes[tlog.StoredHashIndex(0, l.size)+int64(i)] = h
		}
		l.size++
	}
	root, err := tlog.TreeHash(l.size, l.reader())
	if err != nil {
		t.Fatal(err)
	}
	signed, err := translog.Checkpoint{Origin: l.signer.Name(), Size: l.size, Root: root}.Sign(l.signer)
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

func (l *memLog) proof(t *testing.T, old int64) tlog.TreeProof {
	t.Helper()
	if old == 0 {
		return nil
	}
	p, err := tlog.ProveTree(l.size, old, l.reader())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func newWitness(t *testing.T, state string, logKeys ...string) (*witness.Witness, *torchwood.CosignatureSigner) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := torchwood.NewCosignatureSigner("witness.test", priv)
	if err != nil {
		t.Fatal(err)
	}
	w, err := witness.New(signer, logKeys, state)
	if err != nil {
		t.Fatal(err)
	}
	return w, signer
}

// TestAWitnessCosignsOnlyAConsistentLog: over HTTP, as c2sp.org/tlog-witness says, a witness
// cosigns a log's first checkpoint and each later one proved consistent with the last, and its
// cosignature verifies with its key as this package reads it and as torchwood's own verifier
// does; it refuses a fork, a wrong old size (saying its own), a checkpoint another key signed
// and a log it does not follow; and it remembers after a restart.
func TestAWitnessCosignsOnlyAConsistentLog(t *testing.T) {
	state := filepath.Join(t.TempDir(), "witness.json")
	log, vkey := newLog(t, "catalyst.test/log")
	w, signer := newWitness(t, state, vkey)
	srv := httptest.NewServer(w)
	defer srv.Close()
	ours, err := witness.NewVerifier(w.VerifierKey())
	if err != nil {
		t.Fatal(err)
	}
	ask := func(old int64, proof tlog.TreeProof, signed []byte) ([]byte, error) {
		return witness.Ask(context.Background(), srv.Client(), srv.URL, ours, old, proof, signed)
	}

	first := log.grow(t, 5, "a")
	line, err := ask(0, nil, first)
	if err != nil {
		t.Fatalf("the first checkpoint: %v", err)
	}
	if _, err := note.Open(append(first, line...), note.VerifierList(signer.Verifier())); err != nil {
		t.Errorf("torchwood's verifier refuses the cosignature: %v", err)
	}
	if !strings.HasPrefix(string(line), "— witness.test ") {
		t.Errorf("the cosignature line: %q", line)
	}

	second := log.grow(t, 7, "b")
	if _, err := ask(5, log.proof(t, 5), second); err != nil {
		t.Fatalf("a consistent checkpoint: %v", err)
	}

	// The witness holds 12 now: an old size of 5 is a conflict that names 12.
	third := log.grow(t, 1, "c")
	var conflict *witness.ErrConflict
	if _, err := ask(5, log.proof(t, 5), third); !errors.As(err, &conflict) || conflict.Known != 12 {
		t.Errorf("a stale old size: %v, want a conflict naming 12", err)
	}

	// A fork: another history of 13 entries sharing none of the witness's tree.
	fork, _ := newLog(t, "catalyst.test/log")
	fork.signer = log.signer
	forked := fork.grow(t, 13, "x")
	if _, err := ask(12, fork.proof(t, 12), forked); err == nil || !strings.Contains(err.Error(), "422") {
		t.Errorf("a forked checkpoint: %v, want 422", err)
	}

	other, _ := newLog(t, "catalyst.test/log")
	if _, err := ask(12, nil, other.grow(t, 12, "a")); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("a checkpoint another key signed: %v, want 403", err)
	}
	stranger, _ := newLog(t, "elsewhere.test/log")
	if _, err := ask(0, nil, stranger.grow(t, 1, "a")); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("a log it does not follow: %v, want 404", err)
	}
	if resp, err := http.Get(srv.URL + "/add-checkpoint"); err != nil || resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != http.MethodPost {
		t.Errorf("GET add-checkpoint: %v %v", resp, err)
	}

	// Restarted on its state, it still holds 12, and takes the log on from there.
	again, _ := newWitness(t, state, vkey)
	if _, err := again.AddCheckpoint(0, nil, third); err == nil {
		t.Error("a restarted witness forgot the tree it held")
	}
	if _, err := again.AddCheckpoint(12, log.proof(t, 12), third); err != nil {
		t.Errorf("a restarted witness refuses the next consistent checkpoint: %v", err)
	}
}

// TestAWitnessKeyIsReadAsWritten: a key that is not a witness's, or whose hash is wrong, is
// refused.
func TestAWitnessKeyIsReadAsWritten(t *testing.T) {
	w, _ := newWitness(t, filepath.Join(t.TempDir(), "w.json"))
	key := w.VerifierKey()
	if _, err := witness.NewVerifier(key); err != nil {
		t.Fatalf("its own key: %v", err)
	}
	_, logKey, _ := translog.NewKey(rand.Reader, "catalyst.test/log")
	for _, bad := range []string{"", "witness.test", logKey, strings.Replace(key, "+", "+0", 1), "other" + key} {
		if _, err := witness.NewVerifier(bad); err == nil {
			t.Errorf("%q was read as a witness key", bad)
		}
	}
}
