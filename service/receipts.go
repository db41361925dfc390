package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/translog"
)

// SealedReceipt is what a supplier keeps of a sealed bid: its receipt number, the server's
// receipt time, and the SHA-256 over the canonical form of what was sealed.
type SealedReceipt struct {
	Receipt     string
	SubmittedAt time.Time
	ContentHash string
	Sealed      SealedForm
	// Log is the receipt in the public transparency log, with its proof; nil until the log has
	// taken it in (within a second or so of the submit).
	Log *translog.Inclusion
}

// Receipt is a sealed bid's receipt, to keep and to verify later.
func (s *Service) Receipt(ctx context.Context, bidID int) (SealedReceipt, error) {
	b, err := s.DB.Bid.Query().Where(bid.ID(bidID)).WithDocuments().Only(ctx)
	if err != nil {
		return SealedReceipt{}, err
	}
	if b.Receipt == nil || b.SubmittedAt == nil {
		return SealedReceipt{}, conflict("not-sealed", "bid %d has no receipt: it is %s, and a receipt is given when it is submitted", b.ID, strings.ToLower(b.Status.Label()))
	}
	in, err := s.receiptInLog(ctx, b.ID, b.CompetitionID, *b.Receipt)
	if err != nil {
		return SealedReceipt{}, err
	}
	return SealedReceipt{Receipt: *b.Receipt, SubmittedAt: *b.SubmittedAt, ContentHash: b.ContentHash, Sealed: SealedFormOf(b), Log: in}, nil
}

// Verification says whether a sealed bid still matches a receipt, and if not, why.
type Verification struct {
	Matches     bool
	BidID       int
	SubmittedAt time.Time
	Problems    []string
}

// VerifyReceipt looks up the sealed bid with a receipt number among those the viewer may read,
// hashes its canonical form again and each of its documents' bytes in the store, and says
// whether they still match the receipt's hash.
func (s *Service) VerifyReceipt(ctx context.Context, receipt, contentHash string) (Verification, error) {
	var ps domain.Problems
	receipt, contentHash = strings.TrimSpace(receipt), strings.ToLower(strings.TrimSpace(contentHash))
	if receipt == "" {
		ps.Add("receipt", "Enter the receipt number, as it is on your receipt (it starts CAT-)")
	}
	if len(contentHash) != 64 || strings.Trim(contentHash, "0123456789abcdef") != "" {
		ps.Add("content_hash", "Enter the SHA-256 from your receipt: 64 characters, 0 to 9 and a to f")
	}
	if err := ps.Err(); err != nil {
		return Verification{}, err
	}
	b, err := s.DB.Bid.Query().Where(bid.Receipt(receipt)).WithDocuments().Only(ctx)
	if ent.IsNotFound(err) {
		return Verification{Problems: []string{fmt.Sprintf("No sealed bid you can see has the receipt %s. A bid reopened after it was submitted loses its receipt, and gets a new one when it is submitted again.", receipt)}}, nil
	}
	if err != nil {
		return Verification{}, err
	}
	v := Verification{BidID: b.ID, SubmittedAt: *b.SubmittedAt}
	if got := ContentHash(b); got != contentHash {
		v.Problems = append(v.Problems, fmt.Sprintf("The bid as stored hashes to %s, not the %s on the receipt: it is not what was sealed", got, contentHash))
	}
	if b.ContentHash != contentHash {
		v.Problems = append(v.Problems, "The hash recorded when the bid was sealed is not the one on the receipt")
	}
	for _, d := range b.Edges.Documents {
		if sum, err := s.hashDocument(ctx, d); err != nil {
			v.Problems = append(v.Problems, fmt.Sprintf("The document %q could not be read to check it: %v", d.Filename, err))
		} else if sum != d.Sha256 {
			v.Problems = append(v.Problems, fmt.Sprintf("The document %q no longer has the SHA-256 it was sealed with", d.Filename))
		}
	}
	v.Matches = len(v.Problems) == 0
	return v, nil
}

// hashDocument reads a document's bytes from the store and hashes them.
func (s *Service) hashDocument(ctx context.Context, d *ent.Document) (string, error) {
	r, _, err := s.Docs.Open(ctx, d.ObjectKey)
	if err != nil {
		return "", err
	}
	defer r.Close()
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
