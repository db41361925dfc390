// Package translog is Catalyst's public transparency log as the C2SP specifications describe
// it: an append-only Merkle tree (RFC 6962 hashing, through golang.org/x/mod/sumdb/tlog) served
// as tiles (c2sp.org/tlog-tiles), whose checkpoints (c2sp.org/tlog-checkpoint) are signed notes
// (c2sp.org/signed-note, through golang.org/x/mod/sumdb/note), so that existing verifiers and
// witnesses check it unchanged. It holds the formats and the arithmetic, and no I/O.
//
// The log is public, so an entry carries nothing sealed or personal: an audit event enters as
// a commitment (its sequence number and the SHA-256 of its canonical form), a bid as its
// receipt (the receipt number, the competition, when it was received and the SHA-256 of its
// sealed form), never who bid.
package translog

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// TileHeight is the tiles' height that c2sp.org/tlog-tiles fixes: 256 hashes or entries a tile.
const TileHeight = 8

// TileWidth is how many hashes or entries a full tile holds.
const TileWidth = 1 << TileHeight

// The kinds of entry.
const (
	KindAudit   = "audit"
	KindReceipt = "receipt"
)

// AuditCommitment is an audit event as the log holds it: which event, and the SHA-256 of its
// canonical form (the hash its chain already gives it). Fields are in name order, so the JSON is
// canonical (RFC 8785) as encoding/json writes it.
type AuditCommitment struct {
	Kind   string `json:"kind"`
	Seq    int64  `json:"seq"`
	SHA256 string `json:"sha256"`
}

// Receipt is a sealed bid as the log holds it: its receipt, never who bid.
type Receipt struct {
	Competition int    `json:"competition"`
	Kind        string `json:"kind"`
	Receipt     string `json:"receipt"`
	ReceivedAt  string `json:"received_at"` // RFC 3339 in UTC
	SHA256      string `json:"sha256"`      // of the bid's canonical sealed form, in hex
}

// Received is when the bid was received; zero if the entry's time is not RFC 3339.
func (r Receipt) Received() time.Time {
	t, _ := time.Parse(time.RFC3339Nano, r.ReceivedAt)
	return t
}

// AuditEntry is the entry for the audit event seq whose canonical form hashes to sha256Hex.
func AuditEntry(seq int64, sha256Hex string) []byte {
	b, _ := json.Marshal(AuditCommitment{Kind: KindAudit, Seq: seq, SHA256: sha256Hex})
	return b
}

// ReceiptEntry is the entry for a bid received at the time given.
func ReceiptEntry(competition int, receipt string, receivedAt time.Time, sha256Hex string) []byte {
	b, _ := json.Marshal(Receipt{Competition: competition, Kind: KindReceipt, Receipt: receipt,
		ReceivedAt: receivedAt.UTC().Format(time.RFC3339Nano), SHA256: sha256Hex})
	return b
}

// Checkpoint is a tree head as c2sp.org/tlog-checkpoint writes it: the origin, the size and the
// root hash in base64, each on its line.
type Checkpoint struct {
	Origin string
	Size   int64
	Root   tlog.Hash
}

// Text is the checkpoint's body, the text its signatures sign.
func (c Checkpoint) Text() string {
	return fmt.Sprintf("%s\n%d\n%s\n", c.Origin, c.Size, base64.StdEncoding.EncodeToString(c.Root[:]))
}

// Sign makes the signed note of the checkpoint.
func (c Checkpoint) Sign(s note.Signer) ([]byte, error) {
	return note.Sign(&note.Note{Text: c.Text()}, s)
}

// OpenCheckpoint checks a signed checkpoint against the verifier key and reads it.
func OpenCheckpoint(msg []byte, vkey string) (Checkpoint, error) {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return Checkpoint{}, err
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return Checkpoint{}, fmt.Errorf("the checkpoint's signature does not verify: %w", err)
	}
	return ParseCheckpoint(n.Text)
}

// ParseCheckpoint reads a checkpoint's body (the first three lines; extension lines may follow).
func ParseCheckpoint(text string) (Checkpoint, error) {
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 4 {
		return Checkpoint{}, errors.New("a checkpoint has an origin, a size and a root hash, each on its line")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 {
		return Checkpoint{}, fmt.Errorf("the checkpoint's size %q is not a number", lines[1])
	}
	raw, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(raw) != tlog.HashSize {
		return Checkpoint{}, fmt.Errorf("the checkpoint's root hash %q is not 32 bytes of base64", lines[2])
	}
	var root tlog.Hash
	copy(root[:], raw)
	return Checkpoint{Origin: lines[0], Size: size, Root: root}, nil
}

// NewKey makes a signing key for the log named origin, and its verifier key in note form.
func NewKey(rand io.Reader, origin string) (skey, vkey string, err error) {
	return note.GenerateKey(rand, origin)
}

// VerifierKey is the verifier key, in note form, of an Ed25519 signing key in note form.
func VerifierKey(skey string) (string, error) {
	parts := strings.SplitN(skey, "+", 5)
	if len(parts) != 5 || parts[0] != "PRIVATE" || parts[1] != "KEY" {
		return "", errors.New("the log's key is not a signed-note private key (PRIVATE+KEY+name+hash+key)")
	}
	raw, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != 1 {
		return "", errors.New("the log's key is not an Ed25519 signed-note key")
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	return note.NewEd25519VerifierKey(parts[2], pub)
}

// TilePath is where a tile is served, under the log's prefix: tile/<L>/<N>[.p/<W>], or
// tile/entries/<N>[.p/<W>] for an entry bundle (level -1), with N in x-prefixed groups of three
// digits.
func TilePath(level int, n int64, width int) string {
	l := strconv.Itoa(level)
	if level < 0 {
		l = "entries"
	}
	p := "tile/" + l + "/" + tileIndex(n)
	if width < TileWidth {
		p += ".p/" + strconv.Itoa(width)
	}
	return p
}

func tileIndex(n int64) string {
	s := fmt.Sprintf("%03d", n%1000)
	for n >= 1000 {
		n /= 1000
		s = fmt.Sprintf("x%03d/%s", n%1000, s)
	}
	return s
}

// ParseTilePath reads a tile's path (after the log's prefix): its level (-1 for an entry
// bundle), index and width.
func ParseTilePath(p string) (level int, n int64, width int, err error) {
	bad := fmt.Errorf("%q is not a tile's path", p)
	rest, ok := strings.CutPrefix(p, "tile/")
	if !ok {
		return 0, 0, 0, bad
	}
	l, rest, ok := strings.Cut(rest, "/")
	if !ok {
		return 0, 0, 0, bad
	}
	if l == "entries" {
		level = -1
	} else if level, err = strconv.Atoi(l); err != nil || level < 0 || level > 63 || strconv.Itoa(level) != l {
		return 0, 0, 0, bad
	}
	width = TileWidth
	if i := strings.Index(rest, ".p/"); i >= 0 {
		w, werr := strconv.Atoi(rest[i+3:])
		if werr != nil || w < 1 || w >= TileWidth || strconv.Itoa(w) != rest[i+3:] {
			return 0, 0, 0, bad
		}
		width, rest = w, rest[:i]
	}
	groups := strings.Split(rest, "/")
	for i, g := range groups {
		last := i == len(groups)-1
		if !last {
			var cut bool
			if g, cut = strings.CutPrefix(g, "x"); !cut {
				return 0, 0, 0, bad
			}
		}
		if len(g) != 3 || strings.Trim(g, "0123456789") != "" {
			return 0, 0, 0, bad
		}
		d, _ := strconv.Atoi(g)
		n = n*1000 + int64(d)
	}
	if TilePath(level, n, width) != p { // one path per tile: no leading zero groups
		return 0, 0, 0, bad
	}
	return level, n, width, nil
}

// EntryBundle is an entry bundle's bytes: each entry with its length in two bytes, big-endian.
func EntryBundle(entries [][]byte) ([]byte, error) {
	var out []byte
	for _, e := range entries {
		if len(e) > 0xffff {
			return nil, fmt.Errorf("an entry of %d bytes is longer than a bundle holds", len(e))
		}
		out = binary.BigEndian.AppendUint16(out, uint16(len(e)))
		out = append(out, e...)
	}
	return out, nil
}

// ReadEntryBundle splits an entry bundle into its entries.
func ReadEntryBundle(b []byte) ([][]byte, error) {
	var out [][]byte
	for len(b) > 0 {
		if len(b) < 2 {
			return nil, errors.New("the entry bundle ends inside an entry's length")
		}
		n := int(binary.BigEndian.Uint16(b))
		if len(b) < 2+n {
			return nil, errors.New("the entry bundle ends inside an entry")
		}
		out, b = append(out, b[2:2+n]), b[2+n:]
	}
	return out, nil
}

// Tile is a tlog tile of the log's height.
func Tile(level int, n int64, width int) tlog.Tile {
	return tlog.Tile{H: TileHeight, L: level, N: n, W: width}
}

// Inclusion is an entry with the proof that a signed checkpoint's tree holds it: enough for
// anyone holding the log's verifier key to check, offline.
type Inclusion struct {
	Index      int64    `json:"index"`
	Entry      string   `json:"entry"`      // the entry as the log holds it
	Checkpoint string   `json:"checkpoint"` // the signed checkpoint it is proved against
	Proof      []string `json:"proof"`      // the RFC 6962 inclusion proof, each hash in base64
}

// NewInclusion is the inclusion of entry index in the tree of the signed checkpoint.
func NewInclusion(index int64, entry []byte, checkpoint string, proof tlog.RecordProof) Inclusion {
	in := Inclusion{Index: index, Entry: string(entry), Checkpoint: checkpoint, Proof: make([]string, len(proof))}
	for i, h := range proof {
		in.Proof[i] = base64.StdEncoding.EncodeToString(h[:])
	}
	return in
}

// Check verifies the checkpoint's signature with the verifier key and the entry's proof against
// it, and returns the checkpoint.
func (in Inclusion) Check(vkey string) (Checkpoint, error) {
	c, err := OpenCheckpoint([]byte(in.Checkpoint), vkey)
	if err != nil {
		return c, err
	}
	proof := make(tlog.RecordProof, len(in.Proof))
	for i, p := range in.Proof {
		raw, err := base64.StdEncoding.DecodeString(p)
		if err != nil || len(raw) != tlog.HashSize {
			return c, fmt.Errorf("the proof's hash %d is not 32 bytes of base64", i)
		}
		copy(proof[i][:], raw)
	}
	if err := tlog.CheckRecord(proof, c.Size, c.Root, in.Index, tlog.RecordHash([]byte(in.Entry))); err != nil {
		return c, fmt.Errorf("entry %d is not in the log's tree of %d entries: %w", in.Index, c.Size, err)
	}
	return c, nil
}
