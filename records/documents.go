package records

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/document"
	"github.com/catalyst-sbri/catalyst/scanner"
)

// A document's malware check: an upload is scanned as it is recorded (the service), and the
// worker checks again every document still waiting for a verdict, and every document kept
// before a scanner ran, once one does. Only the verdicts change a document's check; a scan that
// gives none leaves it as it was.

// scanningName is the identity the worker's checks act as.
const scanningName = "scanner"

// Scanning is the document store's scan of a stored document.
type Scanning interface {
	Scans() bool
	Scan(ctx context.Context, key string) (scanner.Verdict, error)
}

// CheckOf is the check a scan's answer gives a document: clean, a virus found (and its name),
// or still being checked when the scanner gave no verdict.
func CheckOf(v scanner.Verdict, err error) (domain.DocumentCheck, string) {
	switch {
	case err != nil:
		return domain.CheckWaiting, ""
	case v.Clean:
		return domain.CheckClean, ""
	}
	return domain.CheckVirusFound, v.Finding
}

// CheckDocument scans a stored document and records the verdict; a scan with none leaves the
// document as it was and returns the scanner's error. A virus found in a document, and a
// verdict that changes what it was, go in the audit trail.
func CheckDocument(ctx context.Context, db *ent.Client, docs Scanning, d *ent.Document) (*ent.Document, error) {
	if d.DeletedAt != nil {
		return d, nil // its bytes are gone under the retention schedule
	}
	v, err := docs.Scan(ctx, d.ObjectKey)
	if err != nil {
		return d, err
	}
	check, finding := CheckOf(v, nil)
	sys := authz.AsSystem(ctx, scanningName)
	err = db.WithTx(sys, func(tx *ent.Tx) error {
		now := time.Now().UTC()
		n, err := tx.Document.Update().Where(document.ID(d.ID), document.DeletedAtIsNil()).
			SetVirusCheck(check).SetVirusFound(finding).SetVirusCheckedAt(now).Save(sys)
		if err != nil || n == 0 {
			return err
		}
		if check == d.VirusCheck && check != domain.CheckVirusFound {
			return nil
		}
		// A person who asked for the check again is its actor; the worker's checks are the scanner's.
		actor := authz.ActorOf(sys, "the malware scanner")
		if _, asked := authz.FromContext(ctx); asked {
			actor = authz.ActorOf(ctx, "the malware scanner")
		}
		return Audit(sys, tx, actor, "document.checked", "document", d.ID,
			map[string]any{"check": d.VirusCheck}, map[string]any{"check": check, "found": finding})
	})
	if err != nil {
		return d, err
	}
	return db.Document.Get(sys, d.ID)
}

// DocumentsToCheck are the documents waiting for the scanner's verdict, oldest first, at most n:
// those being checked, and those kept before a scanner ran.
func DocumentsToCheck(ctx context.Context, db *ent.Client, n int) ([]*ent.Document, error) {
	return db.Document.Query().
		Where(document.VirusCheckIn(domain.CheckWaiting, domain.CheckNone), document.DeletedAtIsNil()).
		Order(ent.Asc(document.FieldID)).Limit(n).All(authz.AsSystem(ctx, scanningName))
}

// CheckWaitingDocuments checks up to n documents waiting for a verdict and says how many it
// checked. It stops at the scanner's first failure (away: the rest would fail too); a document
// that cannot be read is passed over, and said, so it never holds the others back.
func CheckWaitingDocuments(ctx context.Context, db *ent.Client, docs Scanning, n int) (int, error) {
	if !docs.Scans() {
		return 0, nil
	}
	waiting, err := DocumentsToCheck(ctx, db, n)
	if err != nil {
		return 0, err
	}
	checked := 0
	var unread []error
	for _, d := range waiting {
		if _, err := CheckDocument(ctx, db, docs, d); errors.Is(err, scanner.ErrScanner) || ctx.Err() != nil {
			return checked, err
		} else if err != nil {
			unread = append(unread, fmt.Errorf("document %d: %w", d.ID, err))
			continue
		}
		checked++
	}
	return checked, errors.Join(unread...)
}
