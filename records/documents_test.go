package records_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/devstack/s3server"
	"github.com/catalyst-sbri/catalyst/docstore"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/auditevent"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/records"
	"github.com/catalyst-sbri/catalyst/scanner"
	"github.com/catalyst-sbri/catalyst/scanner/scannertest"
)

// TestTheWorkerChecksWhatIsWaiting: the worker's check finds every document still being
// checked, and every one kept before a scanner ran, and records the verdicts (a virus found in
// the trail); one already clean is left; with the scanner away nothing changes.
func TestTheWorkerChecksWhatIsWaiting(t *testing.T) {
	clamd := scannertest.Start(t)
	t.Chdir(".") // the S3 server moves the working directory; put it back at the end
	s3, err := s3server.Start(filepath.Join(t.TempDir(), "s3"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s3.Stop() })
	store := func(sc scanner.Scanner) *docstore.Store {
		docs, err := docstore.New(docstore.Config{Endpoint: s3.Endpoint, AccessKey: s3.AccessKey, SecretKey: s3.SecretKey,
			Bucket: "records-test", Scanner: sc})
		if err != nil {
			t.Fatal(err)
		}
		return docs
	}
	ctx := testdb.Fixture()
	db := testdb.Open(t)
	docs := store(clamd)
	if err := docs.EnsureBucket(ctx); err != nil {
		t.Fatal(err)
	}
	doc := func(name, content string, check domain.DocumentCheck) *ent.Document {
		stored, err := docs.Put(ctx, docstore.NewKey("t"), name, strings.NewReader(content))
		if err != nil {
			t.Fatal(err)
		}
		return db.Document.Create().SetObjectKey(stored.Key).SetFilename(name).SetContentType(stored.ContentType).
			SetSize(stored.Size).SetSha256(stored.SHA256).SetVirusCheck(check).SaveX(ctx)
	}
	old := doc("old.txt", "kept before a scanner ran", domain.CheckNone)
	waiting := doc("eicar.txt", string(scannertest.EICAR), domain.CheckWaiting)
	clean := doc("clean.txt", "found clean before", domain.CheckClean)

	// The scanner away: no verdict, nothing changes, and the check says why.
	away := store(&scanner.Clamd{Network: "unix", Address: filepath.Join(t.TempDir(), "none.sock")})
	if n, err := records.CheckWaitingDocuments(context.Background(), db, away, 10); n != 0 || !errors.Is(err, scanner.ErrScanner) {
		t.Errorf("with the scanner away: %d checked, %v", n, err)
	}
	if d := db.Document.GetX(ctx, waiting.ID); d.VirusCheck != domain.CheckWaiting || d.VirusCheckedAt != nil {
		t.Errorf("with the scanner away the document became %s", d.VirusCheck)
	}
	// No scanner at all: nothing to do.
	if n, err := records.CheckWaitingDocuments(context.Background(), db, store(nil), 10); n != 0 || err != nil {
		t.Errorf("with no scanner: %d checked, %v", n, err)
	}

	n, err := records.CheckWaitingDocuments(context.Background(), db, docs, 10)
	if n != 2 || err != nil {
		t.Fatalf("checked %d, %v; want the 2 waiting", n, err)
	}
	for _, c := range []struct {
		d     *ent.Document
		check domain.DocumentCheck
		found string
	}{{old, domain.CheckClean, ""}, {waiting, domain.CheckVirusFound, scannertest.Signature}, {clean, domain.CheckClean, ""}} {
		d := db.Document.GetX(ctx, c.d.ID)
		if d.VirusCheck != c.check || d.VirusFound != c.found {
			t.Errorf("%s: %s %q, want %s %q", d.Filename, d.VirusCheck, d.VirusFound, c.check, c.found)
		}
	}
	if d := db.Document.GetX(ctx, clean.ID); d.VirusCheckedAt != nil {
		t.Errorf("%s was checked again, though it was clean", d.Filename)
	}
	sys := authz.AsSystem(ctx, "test")
	events := db.AuditEvent.Query().Where(auditevent.Action("document.checked")).AllX(sys)
	if len(events) != 2 || events[0].Actor != "system:scanner" || events[1].Actor != "system:scanner" {
		t.Fatalf("document.checked events: %d, by %v; want 2, by the scanner", len(events), events)
	}
	if n, err := records.CheckWaitingDocuments(context.Background(), db, docs, 10); n != 0 || err != nil {
		t.Errorf("a second run checked %d, %v; want none waiting", n, err)
	}
}
