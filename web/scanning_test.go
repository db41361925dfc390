package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/catalyst-sbri/catalyst/api"
	"github.com/catalyst-sbri/catalyst/docstore"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/internal/testworld"
	"github.com/catalyst-sbri/catalyst/records"
	"github.com/catalyst-sbri/catalyst/scanner/scannertest"
)

// TestASupplierSeesWhatTheScannerFound: on the bid's pages a file with a virus is refused in
// the page's words; one uploaded while the scanner is away says it is being checked; once the
// worker's check finds a virus in it, the page says to remove it and the bid cannot be
// submitted until it is gone.
func TestASupplierSeesWhatTheScannerFound(t *testing.T) {
	clamd := scannertest.Start(t)
	sw := &scannertest.Switchable{}
	sw.Use(clamd)
	docs := testworld.DocsScannedBy(t, sw)
	w := testworld.New(t, func(db *ent.Client, _ *docstore.Store) (http.Handler, error) {
		return NewTestHandler(t, api.Deps{DB: db, Docs: docs, SessionKey: make([]byte, 32), DevSignIn: true, Log: Quiet})
	})
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	c, csrf := signInAs(t, srv.URL, "ed@binsight.example")
	base := srv.URL + "/bids/" + strconv.Itoa(w.DraftBinsight.ID)
	upload := func(name string, content []byte) (int, string) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("csrf_token", csrf)
		_ = mw.WriteField("task", "documents")
		fw, _ := mw.CreateFormFile("file", name)
		_, _ = fw.Write(content)
		_ = mw.Close()
		return read(t)(c.Post(base+"/documents", mw.FormDataContentType(), &body))
	}

	code, page := upload("eicar.txt", scannertest.EICAR)
	if code != http.StatusUnprocessableEntity {
		t.Errorf("a file with a virus: %d", code)
	}
	wantIn(t, "a file with a virus", page, "There is a problem", "The file eicar.txt contains a virus ("+scannertest.Signature+"), so it was not added", `href="#file"`)

	sw.Use(nil) // the scanner away
	if code, page = upload("later.txt", scannertest.EICAR); code != http.StatusOK {
		t.Fatalf("a file while the scanner is away: %d %s", code, page)
	}
	wantIn(t, "a file while the scanner is away", page, "later.txt", "Being checked for viruses")

	sw.Use(clamd)
	// The world's own documents, kept before a scanner ran, are checked too.
	if n, err := records.CheckWaitingDocuments(context.Background(), w.DB, docs, 10); n != 3 || err != nil {
		t.Fatalf("the worker's check: %d, %v", n, err)
	}
	_, page = read(t)(c.Get(base + "/tasks/documents"))
	wantIn(t, "the documents once the virus was found", page, "A virus was found in it ("+scannertest.Signature+"): remove it and upload a clean copy")
	_, page = read(t)(c.Get(base))
	wantIn(t, "the task list", page, "Remove later.txt: a virus was found in it")
}
