package api

import (
	"encoding/csv"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
)

// AuditView is one event of the audit trail.
type AuditView struct {
	ID int `json:"id"`
	// Seq is the event's place in the chain and the public log; absent for the moment (a
	// second at most) before the sequencer places it.
	Seq         *int64    `json:"seq,omitempty"`
	At          time.Time `json:"at"`
	Actor       string    `json:"actor"`
	Action      string    `json:"action"`
	RecordType  string    `json:"record_type"`
	RecordID    int       `json:"record_id"`
	ChallengeID *int      `json:"challenge_id,omitempty"`
	Before      string    `json:"before,omitempty"`
	After       string    `json:"after,omitempty"`
	Reason      string    `json:"reason,omitempty"`
	RequestID   string    `json:"request_id,omitempty"`
	// Token names the API token the actor acted with, and who issued it.
	Token string `json:"token,omitempty"`
	Hash  string `json:"hash,omitempty"`
}

// AuditViewOf is an audit event as the API shows it.
func AuditViewOf(e *ent.AuditEvent) AuditView {
	return AuditView{ID: e.ID, Seq: e.Seq, At: e.At, Actor: e.Actor, Action: e.Action, RecordType: e.RecordType, RecordID: e.RecordID,
		ChallengeID: e.ChallengeID, Before: e.Before, After: e.After, Reason: e.Reason, RequestID: e.RequestID, Token: e.Token, Hash: e.Hash}
}

// AuditFilter is the trail's filters as typed, kept for the page's form.
type AuditFilter struct {
	RecordType  string
	RecordID    string
	Actor       string
	ChallengeID string
}

// ReadAuditFilter reads the trail's filters: by record (type and number), by person, by
// challenge.
func ReadAuditFilter(c echo.Context) (AuditFilter, service.AuditFilter, error) {
	var f AuditFilter
	for _, q := range []struct {
		name string
		to   *string
	}{{"record_type", &f.RecordType}, {"record_id", &f.RecordID}, {"actor", &f.Actor}, {"challenge_id", &f.ChallengeID}} {
		v, err := queryText(c, q.name)
		if err != nil {
			return f, service.AuditFilter{}, err
		}
		*q.to = v
	}
	sf := service.AuditFilter{RecordType: f.RecordType, Actor: f.Actor}
	var err error
	if sf.RecordID, err = queryID(c, "record_id"); err != nil {
		return f, sf, err
	}
	if sf.ChallengeID, err = queryID(c, "challenge_id"); err != nil {
		return f, sf, err
	}
	return f, sf, nil
}

// listAudit pages through the trail the viewer may read, oldest first; the cursor is an
// event's id.
func (s *Server) listAudit(c echo.Context) error {
	_, filter, err := ReadAuditFilter(c)
	if err != nil {
		return err
	}
	after, limit, err := pageArgs(c)
	if err != nil {
		return err
	}
	rows, err := s.Svc.AuditEvents(c.Request().Context(), filter, service.Page{After: after, Limit: limit})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageOf(rows, limit, func(e *ent.AuditEvent) int { return e.ID }, AuditViewOf))
}

// exportAudit streams the filtered trail as CSV, in batches, never all in memory.
func (s *Server) exportAudit(c echo.Context) error {
	_, filter, err := ReadAuditFilter(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	// Read the first batch before writing, so a refusal is still a proper problem document.
	const batch = 500
	next := func(after int) ([]*ent.AuditEvent, error) {
		rows, err := s.Svc.AuditEvents(ctx, filter, service.Page{After: after, Limit: batch - 1})
		return rows, err
	}
	rows, err := next(0)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="catalyst-audit.csv"`)
	c.Response().WriteHeader(http.StatusOK)
	w := NewSafeCSV(c.Response())
	_ = w.Write([]string{"id", "seq", "at_utc", "actor", "action", "record_type", "record_id", "challenge_id", "before", "after", "reason", "request_id", "token", "hash"})
	for len(rows) > 0 {
		for _, e := range rows {
			ch := ""
			if e.ChallengeID != nil {
				ch = strconv.Itoa(*e.ChallengeID)
			}
			seq := ""
			if e.Seq != nil {
				seq = strconv.FormatInt(*e.Seq, 10)
			}
			_ = w.Write([]string{strconv.Itoa(e.ID), seq, e.At.UTC().Format(time.RFC3339), e.Actor, e.Action,
				e.RecordType, strconv.Itoa(e.RecordID), ch, e.Before, e.After, e.Reason, e.RequestID, e.Token, e.Hash})
		}
		w.Flush()
		if err := w.Error(); err != nil {
			return nil // the client went away
		}
		if rows, err = next(rows[len(rows)-1].ID); err != nil {
			s.Log.Error("audit export stopped", "error", err, "request_id", RequestID(c))
			return nil
		}
	}
	return nil
}

// CsvSafe stops a spreadsheet from reading a cell as a formula: one that starts with a formula's
// first character, or holds one after a separator (a spreadsheet that splits on ";" or "," would
// start a cell there). A plain number, negative or not, is left as it is.
func CsvSafe(v string) string {
	if v == "" || plainNumber.MatchString(v) {
		return v
	}
	if strings.ContainsAny(v[:1], formulaStart+"\t\r") {
		return "'" + v
	}
	for i := 0; i < len(v); i++ {
		if v[i] == ',' || v[i] == ';' {
			if rest := strings.TrimLeft(v[i+1:], " \t\""); rest != "" && strings.ContainsAny(rest[:1], formulaStart) {
				return "'" + v
			}
		}
	}
	return v
}

// formulaStart is what a spreadsheet reads a formula from.
const formulaStart = "=+-@"

var plainNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// SafeCSV writes CSV with every cell, headers included, made safe by CsvSafe.
type SafeCSV struct{ *csv.Writer }

// NewSafeCSV writes safe CSV to w.
func NewSafeCSV(w io.Writer) SafeCSV { return SafeCSV{csv.NewWriter(w)} }

// Write writes one row.
func (w SafeCSV) Write(row []string) error {
	safe := make([]string, len(row))
	for i, cell := range row {
		safe[i] = CsvSafe(cell)
	}
	return w.Writer.Write(safe)
}
