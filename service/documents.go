package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/docstore"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/records"
	"github.com/catalyst-sbri/catalyst/scanner"
)

// Documents and the malware scanner. Every upload path (a bid's documents, a contract's and its
// milestones', a challenge's evidence) stores the file through storeUpload: the document store
// checks its name and content, the scanner then reads it. A virus found refuses the upload, its
// bytes deleted and the refusal audited; a scanner with no verdict in time leaves the document
// being checked, which nobody but its uploader may fetch until the worker's next check
// (records.CheckWaitingDocuments) finds it clean. Where no scanner runs (catalyst dev) each
// document is kept as not checked, and its pages say so.

// upload is a file stored for an upload, with what the scanner found.
type upload struct {
	docstore.Stored
	Check     domain.DocumentCheck
	CheckedAt *time.Time
}

// storeUpload stores a file for the record (recordType, recordID) under prefix and scans it.
func (s *Service) storeUpload(ctx context.Context, prefix, filename string, content io.Reader, recordType string, recordID int) (upload, error) {
	stored, err := s.Docs.Put(ctx, docstore.NewKey(prefix), filename, content)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return upload{}, fmt.Errorf("%w: the limit is %d MB", docstore.ErrTooLarge, s.Docs.MaxSize()>>20)
	}
	if err != nil {
		return upload{}, err
	}
	up := upload{Stored: stored, Check: domain.CheckNone}
	if !s.Docs.Scans() {
		return up, nil
	}
	check, finding := records.CheckOf(s.Docs.Scan(ctx, stored.Key))
	up.Check = check
	if check != domain.CheckWaiting {
		now := time.Now().UTC()
		up.CheckedAt = &now
	}
	if check != domain.CheckVirusFound {
		return up, nil
	}
	_ = s.Docs.Delete(context.WithoutCancel(ctx), stored.Key)
	err = s.DB.WithTx(authz.AsSystem(ctx, "scanner"), func(tx *ent.Tx) error {
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "document.refused", recordType, recordID, nil,
			map[string]any{"filename": filename, "sha256": stored.SHA256, "size": stored.Size, "found": finding})
	})
	if err != nil {
		return upload{}, err
	}
	return upload{}, domain.Problems{{Field: "file", Message: domain.VirusFoundMessage(filename, finding)}}
}

// record sets what the upload knows of the document on its record: who uploaded it and its check.
func (up upload) record(ctx context.Context, c *ent.DocumentCreate) *ent.DocumentCreate {
	if v, _ := authz.FromContext(ctx); v.PersonID != 0 {
		c.SetUploadedBy(v.PersonID)
	}
	return c.SetObjectKey(up.Key).SetContentType(up.ContentType).SetSize(up.Size).SetSha256(up.SHA256).
		SetVirusCheck(up.Check).SetNillableVirusCheckedAt(up.CheckedAt)
}

// mayFetchDocument refuses the bytes of a document its check keeps from the viewer
// (domain.DocumentCheck.MayFetch).
func mayFetchDocument(ctx context.Context, d *ent.Document) error {
	v, _ := authz.FromContext(ctx)
	uploader := d.UploadedBy != nil && v.PersonID != 0 && *d.UploadedBy == v.PersonID
	err := d.VirusCheck.MayFetch(uploader)
	switch {
	case errors.Is(err, domain.ErrBeingChecked):
		return conflict("document-being-checked", "%s: %v", d.Filename, err)
	case errors.Is(err, domain.ErrVirusFound):
		return &Refusal{Kind: Gone, Code: "document-virus-found", Title: "A virus was found in this document",
			Detail: fmt.Sprintf("%s: %v (%s)", d.Filename, err, d.VirusFound)}
	}
	return err
}

// mayCheckDocument: a document is checked again by the programme team, or by its uploader.
func mayCheckDocument(ctx context.Context, d *ent.Document) error {
	v, _ := authz.FromContext(ctx)
	if v.InProgrammeTeam() || d.UploadedBy != nil && v.PersonID != 0 && *d.UploadedBy == v.PersonID {
		return nil
	}
	return forbidden("only the programme team or the person who uploaded a document may have it checked again")
}

// CheckDocumentAgain has the scanner check a document now (after its signatures were updated,
// or while it is still being checked), records the verdict, and returns the document.
func (s *Service) CheckDocumentAgain(ctx context.Context, id int) (*ent.Document, error) {
	d, err := s.DB.Document.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := mayCheckDocument(ctx, d); err != nil {
		return nil, err
	}
	if err := documentGone(d); err != nil {
		return nil, err
	}
	if !s.Docs.Scans() {
		return nil, conflict("no-scanner", "this service runs without a virus scanner, so documents cannot be checked")
	}
	checked, err := records.CheckDocument(ctx, s.DB, s.Docs, d)
	if errors.Is(err, scanner.ErrScanner) {
		return nil, conflict("scanner-unavailable", "the virus scanner did not answer, so %s keeps its last check (%s); try again in a few minutes",
			d.Filename, strings.ToLower(d.VirusCheck.Label()))
	}
	return checked, err
}
