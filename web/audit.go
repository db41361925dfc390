package web

import (
	"net/http"
	"slices"

	"github.com/catalyst-sbri/catalyst/api"

	"github.com/labstack/echo/v4"
)

// auditPageSize is how many of the newest events the page shows; the CSV has every one.
const auditPageSize = 200

func (s *Server) auditPage(c echo.Context) error {
	f, filter, err := api.ReadAuditFilter(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	rows, err := s.Svc.LatestAuditEvents(ctx, filter, auditPageSize)
	if err != nil {
		return err
	}
	total, err := s.Svc.CountAuditEvents(ctx, filter)
	if err != nil {
		return err
	}
	types, err := s.Svc.AuditRecordTypes(ctx)
	if err != nil {
		return err
	}
	if f.RecordType != "" && !slices.Contains(types, f.RecordType) {
		types = append(types, f.RecordType) // the filter asked for stays chosen, though it finds none
	}
	q := c.QueryString()
	data := struct {
		Filter      api.AuditFilter
		RecordTypes []string
		Events      []api.AuditView
		Total       int
		CSVLink     string
		ReadLog     bool
	}{Filter: f, RecordTypes: types, Total: total, CSVLink: "/api/v1/audit.csv"}
	if v, ok := api.CurrentViewer(c); ok {
		data.ReadLog = s.MayOpen(v, "/reads")
	}
	if q != "" {
		data.CSVLink += "?" + q
	}
	for _, r := range rows {
		data.Events = append(data.Events, api.AuditViewOf(r))
	}
	return s.render(c, http.StatusOK, "audit", "Audit trail", "audit", data)
}
