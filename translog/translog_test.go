package translog

import (
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// The paths are c2sp.org/tlog-tiles' own examples, and every path parses back to its tile; any
// other spelling of a tile is refused, so each tile has one address.
func TestTilePathsAreTheSpecifications(t *testing.T) {
	for _, c := range []struct {
		level int
		n     int64
		width int
		path  string
	}{
		{0, 1234067, TileWidth, "tile/0/x001/x234/067"},
		{0, 1234067, 8, "tile/0/x001/x234/067.p/8"},
		{-1, 1234067, TileWidth, "tile/entries/x001/x234/067"},
		{2, 0, 3, "tile/2/000.p/3"},
		{1, 1000, TileWidth, "tile/1/x001/000"},
	} {
		if got := TilePath(c.level, c.n, c.width); got != c.path {
			t.Errorf("TilePath(%d, %d, %d) = %q, want %q", c.level, c.n, c.width, got, c.path)
		}
		l, n, w, err := ParseTilePath(c.path)
		if err != nil || l != c.level || n != c.n || w != c.width {
			t.Errorf("ParseTilePath(%q) = %d %d %d %v", c.path, l, n, w, err)
		}
	}
	for _, bad := range []string{"tile/0/1234067", "tile/0/x000/067", "tile/0/001/067", "tile/0/067.p/256", "tile/0/067.p/0",
		"tile/00/067", "tile/x/067", "tile/0/67", "tile/0/067.p/08", "checkpoint"} {
		if _, _, _, err := ParseTilePath(bad); err == nil {
			t.Errorf("ParseTilePath(%q) took it", bad)
		}
	}
}

// A checkpoint signed with a key is opened with its verifier key, derived from the signing key
// alone; a changed byte, or another log's key, fails.
func TestACheckpointIsSignedAndOpened(t *testing.T) {
	skey, vkey, err := NewKey(rand.Reader, "catalyst.example/log")
	if err != nil {
		t.Fatal(err)
	}
	if derived, err := VerifierKey(skey); err != nil || derived != vkey {
		t.Fatalf("the verifier key derived from the signing key = %q %v, want %q", derived, err, vkey)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	c := Checkpoint{Origin: "catalyst.example/log", Size: 3, Root: tlog.RecordHash([]byte("x"))}
	msg, err := c.Sign(signer)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(msg), "catalyst.example/log\n3\n") {
		t.Errorf("the checkpoint reads %q", msg)
	}
	got, err := OpenCheckpoint(msg, vkey)
	if err != nil || got != c {
		t.Errorf("opened %+v %v, want %+v", got, err, c)
	}
	tampered := []byte(strings.Replace(string(msg), "\n3\n", "\n4\n", 1))
	if _, err := OpenCheckpoint(tampered, vkey); err == nil {
		t.Error("a checkpoint with its size changed opened")
	}
	_, other, _ := NewKey(rand.Reader, "catalyst.example/log")
	if _, err := OpenCheckpoint(msg, other); err == nil {
		t.Error("a checkpoint opened with another key")
	}
}

// Entries say nothing of who: a receipt holds its number, competition, time and hash only.
func TestAReceiptEntrySaysNothingOfWhoBid(t *testing.T) {
	e := string(ReceiptEntry(7, "CAT-7-12-ABCDEF0123", time.Date(2027, 3, 1, 11, 59, 58, 0, time.UTC), strings.Repeat("ab", 32)))
	want := `{"competition":7,"kind":"receipt","receipt":"CAT-7-12-ABCDEF0123","received_at":"2027-03-01T11:59:58Z","sha256":"` + strings.Repeat("ab", 32) + `"}`
	if e != want {
		t.Errorf("the receipt's entry = %s, want %s", e, want)
	}
	if a := string(AuditEntry(42, "cd")); a != `{"kind":"audit","seq":42,"sha256":"cd"}` {
		t.Errorf("the audit entry = %s", a)
	}
	b, _ := EntryBundle([][]byte{[]byte("a"), []byte("bc")})
	back, err := ReadEntryBundle(b)
	if err != nil || len(back) != 2 || string(back[1]) != "bc" || len(b) != 7 {
		t.Errorf("the bundle %x reads back as %q %v", b, back, err)
	}
}
