package service

import (
	"context"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/notice"
)

// Notice is a notice as its recipient reads it.
type Notice struct {
	Row  *ent.Notice
	Text string
}

// MyNotices lists the notices sent to the signed-in person, newest first, up to Limit+1 after
// the cursor (a notice ID; 0 from the newest).
func (s *Service) MyNotices(ctx context.Context, page Page) ([]Notice, error) {
	v, _ := authz.FromContext(ctx)
	q := s.DB.Notice.Query().Where(notice.RecipientID(v.PersonID)).Order(ent.Desc(notice.FieldID)).Offset(page.Offset).Limit(page.Limit + 1)
	if page.After != 0 {
		q.Where(notice.IDLT(page.After))
	}
	rows, err := q.All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Notice, len(rows))
	for i, n := range rows {
		out[i] = Notice{Row: n, Text: domain.NoticeTemplate(n.Template).Text(n.Values)}
	}
	return out, nil
}

// CountMyNotices is how many notices the signed-in person has.
func (s *Service) CountMyNotices(ctx context.Context) (int, error) {
	v, _ := authz.FromContext(ctx)
	return s.DB.Notice.Query().Where(notice.RecipientID(v.PersonID)).Count(ctx)
}
