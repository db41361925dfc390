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

// LogCheckView is a receipt checked against the public transparency log, as anyone may check it.
type LogCheckView struct {
	Receipt       string    `json:"receipt"`
	CompetitionID int       `json:"competition_id"`
	ReceivedAt    time.Time `json:"received_at"`
	SHA256        string    `json:"sha256"`
	// Index is the receipt's entry in the log; CheckpointSize the signed checkpoint its proof is
	// against; LatestSize the log now, proved consistent with that checkpoint.
	Index          int64 `json:"index"`
	CheckpointSize int64 `json:"checkpoint_size"`
	LatestSize     int64 `json:"latest_size"`
	// ClosingSize is the competition's checkpoint at its close (absent while it is open);
	// BeforeClose says whether the receipt is within it: among the bids received by the deadline.
	ClosingSize int64 `json:"closing_size,omitempty"`
	BeforeClose bool  `json:"before_close"`
}

// checkReceipt is the public check of a receipt file against the log: the page /receipts/check
// for a program, one service call.
func (s *Server) checkReceipt(c echo.Context) error {
	var r ReceiptFile
	if err := bind(c, &r); err != nil {
		return err
	}
	v, err := s.Svc.CheckReceiptInLog(c.Request().Context(), service.ReceiptClaim{Receipt: r.Receipt, ContentHash: r.ContentHash, Sealed: r.Sealed, Log: r.Log})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, LogCheckView{Receipt: v.Entry.Receipt, CompetitionID: v.Entry.Competition, ReceivedAt: v.Entry.Received(),
		SHA256: v.Entry.SHA256, Index: v.Index, CheckpointSize: v.Checkpoint.Size, LatestSize: v.Latest.Size, ClosingSize: v.Closing,
		BeforeClose: v.BeforeClose})
}
