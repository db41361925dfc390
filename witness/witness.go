// Package witness is a c2sp.org/tlog-witness witness, and the client a log uses to ask one.
//
// A witness is run by someone other than the log's operator (a department, a watchdog): it
// remembers the latest tree of each log it follows, and cosigns a checkpoint only when the log
// proves it consistent with that tree, so a log that shows two histories to two people is
// caught by whoever holds a cosigned checkpoint. Cosignatures are c2sp.org/tlog-cosignature
// (cosignature/v1), made by filippo.io/torchwood's signer.
package witness

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"filippo.io/torchwood"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Tree is a log's tree as the witness last cosigned it.
type Tree struct {
	Size int64     `json:"size"`
	Hash tlog.Hash `json:"hash"`
}

// Witness cosigns checkpoints of the logs it follows, each consistent with the last it cosigned.
type Witness struct {
	signer *torchwood.CosignatureSigner
	logs   map[string]note.Verifier // the logs it follows, by origin
	state  string                   // the file its trees are kept in

	mu    sync.Mutex
	trees map[string]Tree
}

// New is a witness signing with signer, following the logs whose verifier keys are given, and
// keeping its trees in the file state (read now if it exists).
func New(signer *torchwood.CosignatureSigner, logVKeys []string, state string) (*Witness, error) {
	w := &Witness{signer: signer, logs: map[string]note.Verifier{}, state: state, trees: map[string]Tree{}}
	for _, k := range logVKeys {
		v, err := note.NewVerifier(k)
		if err != nil {
			return nil, fmt.Errorf("the log key %q: %w", k, err)
		}
		w.logs[v.Name()] = v
	}
	b, err := os.ReadFile(state)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		if err := json.Unmarshal(b, &w.trees); err != nil {
			return nil, fmt.Errorf("the witness's state %s: %w", state, err)
		}
	}
	return w, nil
}

// VerifierKey is the witness's cosignature key in vkey form, for logs and verifiers to name it.
func (w *Witness) VerifierKey() string { return w.signer.Verifier().String() }

// Refusal is a checkpoint the witness does not cosign, with the status the protocol gives it.
type Refusal struct {
	Status int
	Reason string
	Known  int64 // for a conflict: the size the witness knows
}

func (r *Refusal) Error() string { return r.Reason }

// AddCheckpoint cosigns the signed checkpoint if the log's key signed it and proof shows it
// consistent with the tree of oldSize the witness holds; it keeps the new tree before it
// answers, and returns its cosignature as the note's signature line.
func (w *Witness) AddCheckpoint(oldSize int64, proof tlog.TreeProof, signed []byte) ([]byte, error) {
	origin, _, _ := strings.Cut(string(signed), "\n")
	v, ok := w.logs[origin]
	if !ok {
		return nil, &Refusal{Status: http.StatusNotFound, Reason: "this witness does not follow the log " + origin}
	}
	n, err := note.Open(signed, note.VerifierList(v))
	if err != nil {
		return nil, &Refusal{Status: http.StatusForbidden, Reason: "the checkpoint is not signed by the log's key"}
	}
	c, err := torchwood.ParseCheckpoint(n.Text)
	if err != nil {
		return nil, &Refusal{Status: http.StatusBadRequest, Reason: "the note is not a checkpoint: " + err.Error()}
	}
	if oldSize > c.N {
		return nil, &Refusal{Status: http.StatusBadRequest, Reason: "the old size is beyond the checkpoint's"}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	known := w.trees[origin]
	if known.Size != oldSize {
		return nil, &Refusal{Status: http.StatusConflict, Reason: "the witness's tree is not of the old size", Known: known.Size}
	}
	if oldSize > 0 {
		if err := tlog.CheckTree(proof, c.N, c.Hash, known.Size, known.Hash); err != nil {
			return nil, &Refusal{Status: http.StatusUnprocessableEntity, Reason: "the checkpoint is not consistent with the tree the witness holds: " + err.Error()}
		}
	}
	w.trees[origin] = Tree{Size: c.N, Hash: c.Hash}
	if err := w.keep(); err != nil {
		w.trees[origin] = known
		return nil, err
	}
	cosigned, err := note.Sign(&note.Note{Text: n.Text}, w.signer)
	if err != nil {
		return nil, err
	}
	// The signed note is the text, a blank line, then the signature lines: the witness's is last.
	_, line, _ := bytes.Cut(cosigned, []byte("\n\n"))
	return line, nil
}

// keep writes the trees to the state file whole, then renames it in place, so a crash leaves
// the old state or the new, never half of one.
func (w *Witness) keep() error {
	b, err := json.Marshal(w.trees)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(w.state), ".witness-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), w.state)
}

// ServeHTTP answers POST /add-checkpoint as c2sp.org/tlog-witness says.
func (w *Witness) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/add-checkpoint" {
		http.NotFound(rw, r)
		return
	}
	if r.Method != http.MethodPost {
		rw.Header().Set("Allow", http.MethodPost)
		http.Error(rw, "use POST", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, 64<<10))
	if err != nil {
		http.Error(rw, "the request is too large", http.StatusRequestEntityTooLarge)
		return
	}
	oldSize, proof, signed, err := ParseRequest(body)
	if err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	line, err := w.AddCheckpoint(oldSize, proof, signed)
	var refused *Refusal
	switch {
	case errors.As(err, &refused) && refused.Status == http.StatusConflict:
		rw.Header().Set("Content-Type", "text/x.tlog.size")
		rw.WriteHeader(http.StatusConflict)
		fmt.Fprintf(rw, "%d\n", refused.Known)
	case errors.As(err, &refused):
		http.Error(rw, refused.Reason, refused.Status)
	case err != nil:
		http.Error(rw, "the witness could not keep its state", http.StatusInternalServerError)
	default:
		rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = rw.Write(line)
	}
}

// Request is the body of an add-checkpoint request: the old size, the consistency proof from it
// (a hash a line, base64), a blank line, and the signed checkpoint.
func Request(oldSize int64, proof tlog.TreeProof, signed []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "old %d\n", oldSize)
	for _, h := range proof {
		b.WriteString(h.String() + "\n")
	}
	b.WriteString("\n")
	b.Write(signed)
	return b.Bytes()
}

// ParseRequest reads an add-checkpoint request's body.
func ParseRequest(body []byte) (int64, tlog.TreeProof, []byte, error) {
	head, signed, ok := bytes.Cut(body, []byte("\n\n"))
	if !ok {
		return 0, nil, nil, errors.New("the request has no blank line before its checkpoint")
	}
	lines := strings.Split(string(head), "\n")
	size, ok := strings.CutPrefix(lines[0], "old ")
	oldSize, err := strconv.ParseInt(size, 10, 64)
	if !ok || err != nil || oldSize < 0 {
		return 0, nil, nil, errors.New(`the request does not start with "old <size>"`)
	}
	proof := make(tlog.TreeProof, len(lines)-1)
	for i, l := range lines[1:] {
		if proof[i], err = tlog.ParseHash(l); err != nil {
			return 0, nil, nil, fmt.Errorf("the proof's line %d is not a hash", i+1)
		}
	}
	return oldSize, proof, signed, nil
}

// ErrConflict is a witness's answer that it holds another size than the old size sent: Ask
// again with the consistency proof from Known.
type ErrConflict struct{ Known int64 }

func (e *ErrConflict) Error() string {
	return fmt.Sprintf("the witness holds the log at size %d", e.Known)
}

// Ask sends a signed checkpoint, with the proof of its consistency with the tree of oldSize, to
// the witness at base (add-checkpoint is beneath it) and returns its cosignature line, checked
// with the witness's verifier.
func Ask(ctx context.Context, hc *http.Client, base string, v note.Verifier, oldSize int64, proof tlog.TreeProof, signed []byte) ([]byte, error) {
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(base, "/")+"/add-checkpoint", bytes.NewReader(Request(oldSize, proof, signed)))
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return nil, err
	}
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusConflict:
		known, err := strconv.ParseInt(strings.TrimSpace(string(body)), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("the witness answered 409 without its size: %q", body)
		}
		return nil, &ErrConflict{Known: known}
	default:
		return nil, fmt.Errorf("the witness answered %d: %s", resp.StatusCode, strings.TrimSpace(string(body)))
	}
	// The cosignature must verify on the checkpoint, with the witness's own key.
	if _, err := note.Open(append(bytes.Clone(signed), body...), note.VerifierList(v)); err != nil {
		return nil, fmt.Errorf("the witness's answer is not its cosignature of the checkpoint: %w", err)
	}
	return body, nil
}

// algCosignatureV1 is the signed-note key type of c2sp.org/tlog-cosignature's Ed25519 keys.
const algCosignatureV1 = 4

// NewVerifier reads a witness's verifier key (name+hash+base64 of 0x04 and the Ed25519 public
// key), as VerifierKey writes it, into a note verifier of its cosignatures: each signs
// "cosignature/v1\ntime <unix seconds>\n" and the checkpoint, and carries the time before the
// signature.
func NewVerifier(vkey string) (note.Verifier, error) {
	name, rest, _ := strings.Cut(vkey, "+")
	hash16, key64, _ := strings.Cut(rest, "+")
	hash, err1 := strconv.ParseUint(hash16, 16, 32)
	key, err2 := base64.StdEncoding.DecodeString(key64)
	if name == "" || len(hash16) != 8 || err1 != nil || err2 != nil || len(key) != 1+ed25519.PublicKeySize || key[0] != algCosignatureV1 {
		return nil, fmt.Errorf("%q is not a witness's cosignature key", vkey)
	}
	sum := sha256.Sum256(append([]byte(name+"\n"), key...))
	if binary.BigEndian.Uint32(sum[:]) != uint32(hash) {
		return nil, fmt.Errorf("the witness key %q's hash does not match its name and key", vkey)
	}
	pub := ed25519.PublicKey(key[1:])
	return cosignatureVerifier{name: name, hash: uint32(hash), verify: func(msg, sig []byte) bool {
		if len(sig) != 8+ed25519.SignatureSize {
			return false
		}
		t := binary.BigEndian.Uint64(sig)
		return ed25519.Verify(pub, fmt.Appendf(nil, "cosignature/v1\ntime %d\n%s", t, msg), sig[8:])
	}}, nil
}

type cosignatureVerifier struct {
	name   string
	hash   uint32
	verify func(msg, sig []byte) bool
}

func (v cosignatureVerifier) Name() string                { return v.name }
func (v cosignatureVerifier) KeyHash() uint32             { return v.hash }
func (v cosignatureVerifier) Verify(msg, sig []byte) bool { return v.verify(msg, sig) }
