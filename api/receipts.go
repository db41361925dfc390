package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/translog"
)

// A bid's receipt, and checking one: the supplier keeps its receipt file and anyone it shows
// it to can check it against the sealed bid.

// ReceiptFile is a receipt as a supplier keeps it: its number, the server's receipt time and the
// SHA-256 over the canonical sealed form, which it carries so it can be hashed again.
type ReceiptFile struct {
	Receipt     string             `json:"receipt"`
	BidID       int                `json:"bid_id"`
	SubmittedAt time.Time          `json:"submitted_at"`
	ContentHash string             `json:"content_hash"`
	HashOf      string             `json:"hash_of"`
	Sealed      service.SealedForm `json:"sealed"`
	// Log is the receipt as the public transparency log holds it, with the proof that the signed
	// checkpoint's tree holds it: anyone with the log's verifier key checks it, offline.
	Log *translog.Inclusion `json:"log,omitempty"`
}

// ReceiptFor is the receipt of the bid the path names, as its supplier keeps it.
func (s *Server) ReceiptFor(c echo.Context) (ReceiptFile, error) {
	id, err := PathID(c)
	if err != nil {
		return ReceiptFile{}, err
	}
	r, err := s.Svc.Receipt(c.Request().Context(), id)
	if err != nil {
		return ReceiptFile{}, err
	}
	return ReceiptFile{Receipt: r.Receipt, BidID: id, SubmittedAt: r.SubmittedAt, ContentHash: r.ContentHash,
		HashOf: "SHA-256 of `sealed` encoded as compact JSON with its fields in this order and map keys sorted", Sealed: r.Sealed, Log: r.Log}, nil
}

// getReceipt is the API's receipt.
func (s *Server) getReceipt(c echo.Context) error {
	r, err := s.ReceiptFor(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// VerifyReceiptRequest is a receipt to check.
type VerifyReceiptRequest struct {
	Receipt     string `json:"receipt"`
	ContentHash string `json:"content_hash"`
}

// VerificationView says whether a sealed bid still matches a receipt.
type VerificationView struct {
	Matches     bool       `json:"matches"`
	BidID       int        `json:"bid_id,omitempty"`
	SubmittedAt *time.Time `json:"submitted_at,omitempty"`
	Problems    []string   `json:"problems"`
}

func (s *Server) verifyReceipt(c echo.Context) error {
	var req VerifyReceiptRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	v, err := s.Svc.VerifyReceipt(c.Request().Context(), req.Receipt, req.ContentHash)
	if err != nil {
		return err
	}
	out := VerificationView{Matches: v.Matches, BidID: v.BidID, Problems: append([]string{}, v.Problems...)}
	if !v.SubmittedAt.IsZero() {
		out.SubmittedAt = &v.SubmittedAt
	}
	return c.JSON(http.StatusOK, out)
}
