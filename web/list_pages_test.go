package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/notice"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// Every long list on the pages says how much of it a page shows, and pages through the rest
// (GOV.UK pagination): nothing stops without saying so. Each list here holds more than a page.
func TestEveryLongListPagesAndSaysHowMany(t *testing.T) {
	w := NewWorld(t)
	sys := authz.AsSystem(testdb.Fixture(), "test")
	srv := httptest.NewServer(w.H)
	defer srv.Close()

	admin := w.People[Admin]
	for i := range emailsPerPage + 7 {
		w.DB.Email.Create().SetTo(fmt.Sprintf("r%d@example.org", i)).SetTemplate(string(domain.NoticeGateDecided)).
			SetUnsubscribeToken(fmt.Sprintf("list-%d", i)).ExecX(sys)
	}
	for i := range noticesPerPage + 3 {
		w.DB.Notice.Create().SetRecipientID(admin.ID).SetTemplate(string(domain.NoticeGateDecided)).
			SetValues(map[string]string{"n": fmt.Sprint(i)}).ExecX(sys)
	}
	hook := w.Webhook()
	for i := range deliveriesPerPage + 1 {
		w.DB.WebhookDelivery.Create().SetEndpointID(hook.ID).SetMessageID(fmt.Sprintf("msg_list_%d", i)).
			SetEvent("contract.awarded").SetPayload([]byte("{}")).ExecX(sys)
	}
	emails := w.DB.Email.Query().CountX(sys)
	deliveries := hook.QueryDeliveries().CountX(sys)
	notices := w.DB.Notice.Query().Where(notice.RecipientID(admin.ID)).CountX(sys)

	c := browser(t)
	read(t)(c.PostForm(srv.URL+"/sign-in", url.Values{"email": {admin.Email}}))
	next := regexp.MustCompile(`<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="next">`)
	for _, l := range []struct {
		path      string
		size, all int
		what      string
	}{
		{"/emails", emailsPerPage, emails, "emails"},
		{"/notices", noticesPerPage, notices, "notices"},
		{fmt.Sprintf("/webhooks/%d", hook.ID), deliveriesPerPage, deliveries, "deliveries"},
	} {
		code, page := read(t)(c.Get(srv.URL + l.path))
		if code != http.StatusOK || !strings.Contains(page, fmt.Sprintf("showing 1 to %d of %d", l.size, l.all)) {
			t.Errorf("%s: %d, want it to say it shows 1 to %d of %d %s", l.path, code, l.size, l.all, l.what)
			continue
		}
		m := next.FindStringSubmatch(page)
		if m == nil {
			t.Errorf("%s: no link to the next page", l.path)
			continue
		}
		code, page = read(t)(c.Get(srv.URL + strings.ReplaceAll(m[1], "&amp;", "&")))
		last := min(2*l.size, l.all)
		if code != http.StatusOK || !strings.Contains(page, fmt.Sprintf("showing %d to %d of %d", l.size+1, last, l.all)) ||
			!strings.Contains(page, `rel="prev"`) {
			t.Errorf("%s, page 2: %d, want %d to %d of %d with a link back", l.path, code, l.size+1, last, l.all)
		}
	}
}
