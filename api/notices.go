package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/service"
)

// NoticeView is a notice sent to the signed-in person.
type NoticeView struct {
	ID         int               `json:"id"`
	Template   string            `json:"template"`
	Values     map[string]string `json:"values"`
	Text       string            `json:"text"`
	RecordType string            `json:"record_type,omitempty"`
	RecordID   int               `json:"record_id,omitempty"`
	SentAt     time.Time         `json:"sent_at"`
	// Link is the page the notice is about, and LinkText what a link to it says.
	Link     string `json:"link,omitempty"`
	LinkText string `json:"-"`
}

// NoticeViewOf is a notice as the API shows it.
func NoticeViewOf(n service.Notice) NoticeView {
	v := NoticeView{ID: n.Row.ID, Template: n.Row.Template, Values: n.Row.Values, Text: n.Text,
		RecordType: n.Row.RecordType, RecordID: n.Row.RecordID, SentAt: n.Row.CreatedAt}
	v.Link, v.LinkText = domain.NoticeLink(n.Row.RecordType, n.Row.RecordID)
	return v
}

// listNotices lists the notices sent to the signed-in person, newest first.
func (s *Server) listNotices(c echo.Context) error {
	after, limit, err := pageArgs(c)
	if err != nil {
		return err
	}
	rows, err := s.Svc.MyNotices(c.Request().Context(), service.Page{After: after, Limit: limit})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageOf(rows, limit, func(n service.Notice) int { return n.Row.ID }, NoticeViewOf))
}
