package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
)

// The read log: the programme reads who read what, with filters and a CSV; a supplier reads who
// read its own bid.

// ReadView is one read as the log shows it.
type ReadView struct {
	ID         int       `json:"id"`
	At         time.Time `json:"at"`
	Reader     string    `json:"reader"`
	RecordType string    `json:"record_type"`
	RecordID   int       `json:"record_id"`
	BidID      *int      `json:"bid_id,omitempty"`
	Route      string    `json:"route"`
	RequestID  string    `json:"request_id,omitempty"`
}

// ReadViewOf is one read as the API shows it.
func ReadViewOf(r *ent.ReadEvent) ReadView {
	return ReadView{ID: r.ID, At: r.At, Reader: r.Reader, RecordType: r.RecordType, RecordID: r.RecordID, BidID: r.BidID, Route: r.Route, RequestID: r.RequestID}
}

// ReadFilterOf reads the log's filters from the query: record_type, record_id, bid_id, reader.
func ReadFilterOf(c echo.Context) (service.ReadFilter, error) {
	f := service.ReadFilter{Kind: c.QueryParam("record_type"), Reader: c.QueryParam("reader")}
	var err error
	if f.RecordID, err = queryID(c, "record_id"); err != nil {
		return f, err
	}
	f.BidID, err = queryID(c, "bid_id")
	return f, err
}

func (s *Server) listReads(c echo.Context) error {
	f, err := ReadFilterOf(c)
	if err != nil {
		return err
	}
	if f.After, f.Limit, err = pageArgs(c); err != nil {
		return err
	}
	rows, err := s.Svc.Reads(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageOf(rows, f.Limit, func(r *ent.ReadEvent) int { return r.ID }, ReadViewOf))
}

// exportReads streams the filtered log as CSV, newest first, in batches.
func (s *Server) exportReads(c echo.Context) error {
	f, err := ReadFilterOf(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	f.Limit = 499
	rows, err := s.Svc.Reads(ctx, f) // read before writing, so a refusal is still a problem document
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="catalyst-reads.csv"`)
	c.Response().WriteHeader(http.StatusOK)
	w := NewSafeCSV(c.Response())
	_ = w.Write([]string{"id", "at_utc", "reader", "record_type", "record_id", "bid_id", "route", "request_id"})
	for len(rows) > 0 {
		for _, r := range rows {
			bidID := ""
			if r.BidID != nil {
				bidID = strconv.Itoa(*r.BidID)
			}
			_ = w.Write([]string{strconv.Itoa(r.ID), r.At.UTC().Format(time.RFC3339), r.Reader, r.RecordType, strconv.Itoa(r.RecordID),
				bidID, r.Route, r.RequestID})
		}
		w.Flush()
		if w.Error() != nil {
			return nil // the client went away
		}
		f.After = rows[len(rows)-1].ID
		if rows, err = s.Svc.Reads(ctx, f); err != nil {
			s.Log.Error("read log export stopped", "error", err, "request_id", RequestID(c))
			return nil
		}
	}
	return nil
}

func (s *Server) whoReadYourBid(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	rows, err := s.Svc.WhoReadYourBid(c.Request().Context(), id)
	if err != nil {
		return err
	}
	out := Page[ReadView]{Items: make([]ReadView, 0, len(rows))}
	for _, r := range rows {
		out.Items = append(out.Items, ReadViewOf(r))
	}
	return c.JSON(http.StatusOK, out)
}
