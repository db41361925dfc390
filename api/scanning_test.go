package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/docstore"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/auditevent"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/internal/testworld"
	"github.com/catalyst-sbri/catalyst/scanner"
	"github.com/catalyst-sbri/catalyst/scanner/scannertest"
)

// newScanningWorld is the world with its documents checked by a real clamd, which the test may
// make away.
func newScanningWorld(t *testing.T) (*World, *scannertest.Switchable, *scanner.Clamd) {
	t.Helper()
	clamd := scannertest.Start(t)
	sw := &scannertest.Switchable{}
	sw.Use(clamd)
	docs := testworld.DocsScannedBy(t, sw)
	w := testworld.New(t, func(db *ent.Client, _ *docstore.Store) (http.Handler, error) {
		return NewTestHandler(t, Deps{DB: db, Docs: docs, SessionKey: make([]byte, 32), DevSignIn: true, Log: Quiet})
	})
	return w, sw, clamd
}

func upload(w *World, persona, path, filename, content string) (int, DocumentView, string) {
	rec := w.Do(persona, http.MethodPost, path, multipartBody(filename, content), "Content-Type", "multipart/form-data; boundary="+boundary)
	var d DocumentView
	_ = json.Unmarshal(rec.Body.Bytes(), &d)
	return rec.Code, d, rec.Body.String()
}

// TestEveryUploadIsScannedAndAVirusIsRefused: EICAR alone, inside a ZIP and inside a Word
// document is refused on every upload path with the virus's name, nothing recorded and the
// refusal in the trail; a clean file is kept, checked clean, for everyone who may read it.
func TestEveryUploadIsScannedAndAVirusIsRefused(t *testing.T) {
	w, _, _ := newScanningWorld(t)
	sys := authz.AsSystem(testdb.Fixture(), "test")
	eicar := string(scannertest.EICAR)
	infected := []struct{ name, filename, content string }{
		{"EICAR alone", "notes.txt", eicar},
		{"EICAR in a ZIP", "evidence.zip", zipOf(map[string][]byte{"readme.txt": []byte("plan"), "eicar.txt": scannertest.EICAR})},
		{"EICAR in a Word document", "plan.docx", zipOf(map[string][]byte{"[Content_Types].xml": []byte("<Types/>"),
			"word/document.xml": []byte("<w:document/>"), "word/media/image1.png": scannertest.EICAR})},
	}
	paths := map[string]string{
		SupplierOther: fmt.Sprintf("/api/v1/bids/%d/documents", w.DraftBinsight.ID),
		Officer:       fmt.Sprintf("/api/v1/contracts/%d/documents", w.ContractAcme.ID),
		OwnerOwn:      fmt.Sprintf("/api/v1/challenges/%d/documents", w.ChallengeD.ID),
	}
	before := w.DB.Document.Query().CountX(sys)
	refused := 0
	for persona, path := range paths {
		for _, c := range infected {
			code, _, body := upload(w, persona, path, c.filename, c.content)
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, "The file "+c.filename+" contains a virus ("+scannertest.Signature+")") {
				t.Errorf("%s to %s: %d %s", c.name, path, code, body)
			}
			refused++
		}
	}
	if after := w.DB.Document.Query().CountX(sys); after != before {
		t.Errorf("%d documents with a virus were recorded", after-before)
	}
	if n := w.DB.AuditEvent.Query().Where(auditevent.Action("document.refused")).CountX(sys); n != refused {
		t.Errorf("the trail has %d refused uploads, want %d", n, refused)
	}

	for persona, path := range paths {
		code, d, body := upload(w, persona, path, "plan.pdf", "%PDF-1.4\nA plan\n%%EOF\n")
		if code != http.StatusCreated || d.VirusCheck != "clean" || d.VirusCheckedAt == nil {
			t.Fatalf("a clean PDF to %s: %d %s", path, code, body)
		}
	}
}

// TestADocumentIsKeptFromOthersUntilItIsFoundClean: with the scanner away, an upload is kept
// being checked: its uploader may fetch it, nobody else; checked again once the scanner is back,
// a clean one is everyone's who may read it, and one with a virus nobody's.
func TestADocumentIsKeptFromOthersUntilItIsFoundClean(t *testing.T) {
	w, sw, clamd := newScanningWorld(t)
	sw.Use(nil)
	path := fmt.Sprintf("/api/v1/contracts/%d/documents", w.ContractAcme.ID)
	code, clean, body := upload(w, Officer, path, "contract.pdf", "%PDF-1.4\nThe contract\n%%EOF\n")
	if code != http.StatusCreated || clean.VirusCheck != "being_checked" || clean.VirusCheckedAt != nil {
		t.Fatalf("upload with the scanner away: %d %s", code, body)
	}
	code, bad, body := upload(w, Officer, path, "terms.txt", string(scannertest.EICAR))
	if code != http.StatusCreated || bad.VirusCheck != "being_checked" {
		t.Fatalf("EICAR with the scanner away: %d %s", code, body)
	}
	content := func(d DocumentView) string { return fmt.Sprintf("/api/v1/documents/%d/content", d.ID) }
	if rec := w.Do(Officer, http.MethodGet, content(clean), ""); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "The contract") {
		t.Errorf("its uploader fetching it while it is checked: %d %s", rec.Code, rec.Body)
	}
	for _, p := range []string{"/content", ""} {
		rec := w.Do(SupplierOwn, http.MethodGet, fmt.Sprintf("/api/v1/documents/%d%s", clean.ID, p), "")
		if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "document-being-checked") ||
			!strings.Contains(rec.Body.String(), "being checked for viruses") {
			t.Errorf("the supplier fetching %s while it is checked: %d %s", p, rec.Code, rec.Body)
		}
	}
	// Checked again while the scanner is still away: it says so, and nothing changes.
	rec := w.Do(Officer, http.MethodPost, fmt.Sprintf("/api/v1/documents/%d/check", clean.ID), "")
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "scanner-unavailable") {
		t.Errorf("checking with the scanner away: %d %s", rec.Code, rec.Body)
	}
	// Someone who neither uploaded it nor is in the programme team may not have it checked.
	if rec := w.Do(SupplierOwn, http.MethodPost, fmt.Sprintf("/api/v1/documents/%d/check", clean.ID), ""); rec.Code != http.StatusForbidden {
		t.Errorf("the supplier checking the programme's document: %d %s", rec.Code, rec.Body)
	}

	sw.Use(clamd)
	var checked DocumentView
	rec = w.Do(Officer, http.MethodPost, fmt.Sprintf("/api/v1/documents/%d/check", clean.ID), "")
	if err := json.Unmarshal(rec.Body.Bytes(), &checked); rec.Code != http.StatusOK || err != nil || checked.VirusCheck != "clean" {
		t.Fatalf("checked again with the scanner back: %d %s", rec.Code, rec.Body)
	}
	if rec := w.Do(SupplierOwn, http.MethodGet, content(clean), ""); rec.Code != http.StatusOK {
		t.Errorf("the supplier fetching it once clean: %d %s", rec.Code, rec.Body)
	}
	rec = w.Do(Officer, http.MethodPost, fmt.Sprintf("/api/v1/documents/%d/check", bad.ID), "")
	if err := json.Unmarshal(rec.Body.Bytes(), &checked); rec.Code != http.StatusOK || err != nil || checked.VirusCheck != "virus_found" ||
		checked.VirusFound != scannertest.Signature {
		t.Fatalf("EICAR checked again: %d %s", rec.Code, rec.Body)
	}
	for _, p := range []string{Officer, SupplierOwn} {
		rec := w.Do(p, http.MethodGet, content(bad), "")
		if rec.Code != http.StatusGone || !strings.Contains(rec.Body.String(), "document-virus-found") || strings.Contains(rec.Body.String(), "EICAR-STANDARD") {
			t.Errorf("%s fetching the document with a virus: %d %s", p, rec.Code, rec.Body)
		}
	}
}
