package web

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/torchwood"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/api"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/docstore"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/internal/testworld"
	"github.com/catalyst-sbri/catalyst/records"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/translog"
	"github.com/catalyst-sbri/catalyst/witness"
)

// tileFetcher reads the log's tiles over HTTP, as any client of c2sp.org/tlog-tiles would.
type tileFetcher struct {
	t    *testing.T
	base string
}

func (f tileFetcher) Height() int { return translog.TileHeight }

func (f tileFetcher) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, tile := range tiles {
		b, code := f.get(translog.TilePath(tile.L, tile.N, tile.W))
		if code != http.StatusOK {
			return nil, fmt.Errorf("tile %+v: %d %s", tile, code, b)
		}
		out[i] = b
	}
	return out, nil
}

func (f tileFetcher) SaveTiles([]tlog.Tile, [][]byte) {}

func (f tileFetcher) get(path string) ([]byte, int) {
	f.t.Helper()
	resp, err := http.Get(f.base + "/log/" + path)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return b, resp.StatusCode
}

// TestTheTransparencyLogIsServedAndVerifies: the sequencer takes in the audit trail and a bid's
// receipt; anyone, signed out, fetches the checkpoint, the verifier key and the tiles as
// c2sp.org/tlog-tiles lays them out; the checkpoint's signature verifies with the key; every
// entry is proved in the tree from the tiles alone, and the later checkpoint is proved
// consistent with the earlier; no entry names who bid; and a hash changed in the store is caught.
func TestTheTransparencyLogIsServedAndVerifies(t *testing.T) {
	skey, vkey, err := translog.NewKey(rand.Reader, "catalyst.test/log")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	w := testworld.New(t, func(db *ent.Client, docs *docstore.Store) (http.Handler, error) {
		return NewTestHandler(t, api.Deps{DB: db, Docs: docs, SessionKey: make([]byte, 32), Log: Quiet, LogVerifierKey: vkey})
	})
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	f := tileFetcher{t: t, base: srv.URL}
	if _, code := f.get("checkpoint"); code != http.StatusNotFound {
		t.Errorf("the checkpoint of an empty log: %d, want 404", code)
	}

	ctx := testdb.Fixture()
	seq := &activities.LogSequencer{DB: w.DB, Signer: signer, Batch: 7} // small batches, so a run ends mid-trail
	integrate := func() {
		t.Helper()
		for {
			n, err := seq.Integrate(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if n < seq.Batch {
				return
			}
		}
	}
	integrate()
	first, code := f.get("checkpoint")
	if code != http.StatusOK {
		t.Fatalf("the checkpoint: %d %s", code, first)
	}
	key, code := f.get("vkey")
	if code != http.StatusOK || strings.TrimSpace(string(key)) != vkey {
		t.Fatalf("the verifier key: %d %q", code, key)
	}
	older, err := translog.OpenCheckpoint(first, strings.TrimSpace(string(key)))
	if err != nil {
		t.Fatal(err)
	}

	// A bid is received, and more happens; the log takes it in. (The world's sealed bid is given
	// the hash its sealed form really has, as a submit would.)
	sealed := w.DB.Bid.Query().Where(bid.ID(w.SealedAcme.ID)).WithDocuments().OnlyX(ctx)
	w.SealedAcme = w.DB.Bid.UpdateOne(sealed).SetContentHash(service.ContentHash(sealed)).SaveX(ctx)
	err = w.DB.WithTx(ctx, func(tx *ent.Tx) error {
		return records.Audit(ctx, tx, authz.Actor{Who: "dana@acme.example"}, "bid.submitted", "bid", w.SealedAcme.ID,
			nil, map[string]any{"receipt": *w.SealedAcme.Receipt, "content_hash": w.SealedAcme.ContentHash})
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 300 { // past the first full tile
		if err := w.DB.WithTx(ctx, func(tx *ent.Tx) error {
			return records.Audit(ctx, tx, authz.Actor{Who: "test"}, "test.step", "challenge", w.ChallengeA.ID, nil, nil)
		}); err != nil {
			t.Fatal(err)
		}
	}
	integrate()
	latest, _ := f.get("checkpoint")
	cp, err := translog.OpenCheckpoint(latest, vkey)
	if err != nil {
		t.Fatal(err)
	}
	events := w.DB.AuditEvent.Query().CountX(ctx)
	if cp.Size != int64(events)+1 || cp.Origin != "catalyst.test/log" {
		t.Fatalf("the checkpoint covers %d entries of %s, want the %d audit events and one receipt", cp.Size, cp.Origin, events)
	}

	// An independent client of c2sp.org/tlog-tiles and tlog-checkpoint (filippo.io/torchwood)
	// parses the checkpoint and reads every entry, checking each bundle against the tree.
	parsed, err := torchwood.ParseCheckpoint(string(cp.Text()))
	if err != nil || parsed.N != cp.Size || parsed.Hash != cp.Root || parsed.Origin != cp.Origin {
		t.Fatalf("torchwood reads the checkpoint as %+v, %v", parsed, err)
	}
	fetcher, err := torchwood.NewTileFetcher(srv.URL + "/log/")
	if err != nil {
		t.Fatal(err)
	}
	client, err := torchwood.NewClient(fetcher)
	if err != nil {
		t.Fatal(err)
	}
	var read int64
	for range 10 { // it may stop before a partial tile; resuming reads the rest
		for i, e := range client.Entries(ctx, parsed.Tree, read) {
			if i != read || len(e) == 0 {
				t.Fatalf("torchwood read entry %d (%q) where %d was due", i, e, read)
			}
			read++
		}
		if err := client.Err(); err != nil {
			t.Fatalf("torchwood refused the log after %d entries: %v", read, err)
		}
		if read == cp.Size {
			break
		}
	}
	if read != cp.Size {
		t.Errorf("torchwood read %d entries of %d", read, cp.Size)
	}

	// Every entry is proved in the tree from the served tiles alone.
	tree := tlog.Tree{N: cp.Size, Hash: cp.Root}
	hashes := tlog.TileHashReader(tree, f)
	var receipts int
	for bundle := int64(0); bundle*translog.TileWidth < cp.Size; bundle++ {
		width := int(min(cp.Size-bundle*translog.TileWidth, translog.TileWidth))
		b, code := f.get(translog.TilePath(-1, bundle, width))
		if code != http.StatusOK {
			t.Fatalf("entry bundle %d: %d", bundle, code)
		}
		entries, err := translog.ReadEntryBundle(b)
		if err != nil || len(entries) != width {
			t.Fatalf("entry bundle %d holds %d entries (%v), want %d", bundle, len(entries), err, width)
		}
		for i, e := range entries {
			index := bundle*translog.TileWidth + int64(i)
			proof, err := tlog.ProveRecord(cp.Size, index, hashes)
			if err != nil {
				t.Fatalf("proving entry %d: %v", index, err)
			}
			if err := tlog.CheckRecord(proof, cp.Size, cp.Root, index, tlog.RecordHash(e)); err != nil {
				t.Errorf("entry %d is not in the tree: %v", index, err)
			}
			if strings.Contains(string(e), "acme") || strings.Contains(string(e), "dana") {
				t.Errorf("entry %d names who bid: %s", index, e)
			}
			var r translog.Receipt
			if json.Unmarshal(e, &r) == nil && r.Kind == translog.KindReceipt {
				receipts++
				if r.Receipt != *w.SealedAcme.Receipt || r.Competition != w.SealedAcme.CompetitionID || r.SHA256 != w.SealedAcme.ContentHash {
					t.Errorf("the receipt's entry: %s", e)
				}
			}
		}
	}
	if receipts != 1 {
		t.Errorf("%d receipts in the log, want 1", receipts)
	}
	proof, err := tlog.ProveTree(cp.Size, older.Size, hashes)
	if err != nil {
		t.Fatal(err)
	}
	if err := tlog.CheckTree(proof, cp.Size, cp.Root, older.Size, older.Root); err != nil {
		t.Errorf("the later checkpoint is not consistent with the earlier: %v", err)
	}
	if _, code := f.get(translog.TilePath(0, 5, translog.TileWidth)); code != http.StatusNotFound {
		t.Errorf("a tile beyond the tree: %d, want 404", code)
	}

	// The supplier's receipt carries its entry and proof, which anyone checks with the key alone.
	var receipt api.ReceiptFile
	rec := w.Do(SupplierOwn, http.MethodGet, fmt.Sprintf("/api/v1/bids/%d/receipt", w.SealedAcme.ID), "")
	if err := json.Unmarshal(rec.Body.Bytes(), &receipt); err != nil || receipt.Log == nil {
		t.Fatalf("the receipt: %d %s", rec.Code, rec.Body)
	}
	if in, err := receipt.Log.Check(vkey); err != nil || in.Size != cp.Size {
		t.Errorf("the receipt's proof: %+v %v", in, err)
	}
	forged := *receipt.Log
	forged.Entry = strings.Replace(forged.Entry, `"competition":`, `"competition":1`, 1)
	if _, err := forged.Check(vkey); err == nil {
		t.Error("a receipt whose entry was changed checks")
	}

	// The competition closes: the sequencer records on it the checkpoint that holds its close,
	// and so every bid received by the deadline; its page and its open data publish it, and the
	// receipt is proved against it, however much the log grows after.
	comp := w.SealedAcme.CompetitionID
	if err := w.DB.WithTx(ctx, func(tx *ent.Tx) error {
		return records.Audit(ctx, tx, authz.Actor{Reason: "the deadline passed"}, "competition.assessment", "competition", comp, nil, nil)
	}); err != nil {
		t.Fatal(err)
	}
	integrate()
	closing := service.ClosingLogOf(w.DB.Competition.GetX(ctx, comp))
	if closing == nil || closing.Size != cp.Size+1 {
		t.Fatalf("the checkpoint at the close: %+v, want the log's %d entries with the close", closing, cp.Size+1)
	}
	for range 3 {
		if err := w.DB.WithTx(ctx, func(tx *ent.Tx) error {
			return records.Audit(ctx, tx, authz.Actor{Who: "test"}, "test.after", "challenge", w.ChallengeA.ID, nil, nil)
		}); err != nil {
			t.Fatal(err)
		}
	}
	integrate()
	rec = w.Do(SupplierOwn, http.MethodGet, fmt.Sprintf("/api/v1/bids/%d/receipt", w.SealedAcme.ID), "")
	if err := json.Unmarshal(rec.Body.Bytes(), &receipt); err != nil || receipt.Log == nil {
		t.Fatalf("the receipt after the close: %d %s", rec.Code, rec.Body)
	}
	if in, err := receipt.Log.Check(vkey); err != nil || in.Size != closing.Size {
		t.Errorf("the receipt after the close is proved against %+v (%v), want the close's checkpoint of %d", in, err, closing.Size)
	}
	page := w.Do(Anon, http.MethodGet, fmt.Sprintf("/competitions/%d", comp), "").Body.String()
	wantIn(t, "the competition's page", page, "In the public log", fmt.Sprintf("checkpoint of %d entries signed at the close", closing.Size))
	if view := w.Do(Anon, http.MethodGet, fmt.Sprintf("/api/v1/competitions/%d", comp), "").Body.String(); !strings.Contains(view, `"closing_checkpoint":"catalyst.test/log\n`) {
		t.Errorf("the competition in the API has no checkpoint at the close: %s", view)
	}
	ocid := fmt.Sprintf("/ocds/releases/ocds-catalyst-%d.json", comp)
	if r := w.Do(Anon, http.MethodGet, ocid, "").Body.String(); !strings.Contains(r, `"documentType":"bidders"`) || !strings.Contains(r, fmt.Sprintf("the %d entries that hold every bid", closing.Size)) {
		t.Errorf("the open data has no checkpoint at the close: %s", r)
	}

	// A witness, run by someone else, cosigns the latest checkpoint and then the next, proved
	// consistent with it; the log serves each cosignature after its own signature, and beside
	// the latest checkpoint, the latest one cosigned.
	if _, code := f.get("cosigned-checkpoint"); code != http.StatusNotFound {
		t.Errorf("the cosigned checkpoint before any witness: %d, want 404", code)
	}
	_, wpriv, _ := ed25519.GenerateKey(rand.Reader)
	wsigner, err := torchwood.NewCosignatureSigner("witness.test", wpriv)
	if err != nil {
		t.Fatal(err)
	}
	wit, err := witness.New(wsigner, []string{vkey}, filepath.Join(t.TempDir(), "witness.json"))
	if err != nil {
		t.Fatal(err)
	}
	wsrv := httptest.NewServer(wit)
	defer wsrv.Close()
	wv, err := witness.NewVerifier(wit.VerifierKey())
	if err != nil {
		t.Fatal(err)
	}
	lw := &activities.LogWitness{DB: w.DB, URL: wsrv.URL, Verifier: wv}
	for round := range 2 {
		if got, err := lw.Cosign(context.Background()); err != nil || !got {
			t.Fatalf("witnessing round %d: %v %v", round, got, err)
		}
		served, _ := f.get("checkpoint")
		logV, _ := note.NewVerifier(vkey)
		both, err := note.Open(served, note.VerifierList(logV, wsigner.Verifier()))
		if err != nil || len(both.Sigs) != 2 {
			t.Fatalf("round %d: the served checkpoint with its cosignature: %v %+v\n%s", round, err, both, served)
		}
		cosigned, _ := f.get("cosigned-checkpoint")
		if string(cosigned) != string(served) {
			t.Errorf("round %d: the cosigned checkpoint is not the latest:\n%s\n%s", round, cosigned, served)
		}
		if got, err := lw.Cosign(context.Background()); err != nil || got {
			t.Errorf("round %d: asked again for a checkpoint cosigned: %v %v", round, got, err)
		}
		if err := w.DB.WithTx(ctx, func(tx *ent.Tx) error {
			return records.Audit(ctx, tx, authz.Actor{Who: "test"}, "test.witnessed", "challenge", w.ChallengeA.ID, nil, nil)
		}); err != nil {
			t.Fatal(err)
		}
		integrate()
	}

	// Anyone, signed out, checks the receipt file on a page; a changed one is refused with why.
	check := func(file []byte) (int, string) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "receipt.json")
		_, _ = fw.Write(file)
		_ = mw.Close()
		r := w.Do(Anon, http.MethodPost, "/receipts/check", body.String(), "Content-Type", mw.FormDataContentType())
		return r.Code, r.Body.String()
	}
	good, _ := json.Marshal(receipt)
	code, got := check(good)
	if code != http.StatusOK {
		t.Fatalf("checking the receipt signed out: %d %s", code, got)
	}
	wantIn(t, "the receipt checked", got, "The receipt is in the public log", "Among the bids received by the deadline", *w.SealedAcme.Receipt)
	changed := receipt
	changed.Sealed.Title += " (changed)"
	bad, _ := json.Marshal(changed)
	if code, got := check(bad); code != http.StatusUnprocessableEntity || !strings.Contains(got, "its sealed form hashes to") {
		t.Errorf("a receipt whose sealed form was changed: %d", code)
	}
	if code, got := check([]byte("not json")); code != http.StatusUnprocessableEntity || !strings.Contains(got, "is not a Catalyst receipt") {
		t.Errorf("a file that is not a receipt: %d", code)
	}
	// A program checks the same file through the API, signed out, as one service call.
	rec = w.Do(Anon, http.MethodPost, "/api/v1/receipts/check", string(good))
	var lc api.LogCheckView
	if err := json.Unmarshal(rec.Body.Bytes(), &lc); err != nil || rec.Code != http.StatusOK || lc.Receipt != *w.SealedAcme.Receipt ||
		!lc.BeforeClose || lc.ClosingSize == 0 || lc.LatestSize < lc.CheckpointSize {
		t.Errorf("the receipt checked through the API: %d %s", rec.Code, rec.Body)
	}
	if rec := w.Do(Anon, http.MethodPost, "/api/v1/receipts/check", string(bad)); rec.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(rec.Body.String(), "its sealed form hashes to") {
		t.Errorf("a changed receipt checked through the API: %d %s", rec.Code, rec.Body)
	}

	// A hash changed behind the log's back: the tiles no longer agree with the signed root.
	sys := authz.AsSystem(ctx, "tamper")
	tamper := "UPDATE log_hashes SET hash = ? WHERE id = 3"
	if testdb.Postgres() {
		tamper = "UPDATE log_hashes SET hash = $1 WHERE id = 3"
	}
	if _, err := w.DB.ExecContext(sys, tamper, make([]byte, 32)); err != nil {
		t.Fatal(err)
	}
	fresh := tlog.TileHashReader(tree, f)
	if _, err := tlog.ProveRecord(cp.Size, 2, fresh); err == nil {
		t.Error("a tampered tile was taken as the signed tree's")
	}
}
