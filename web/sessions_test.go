package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent/auditevent"
	"github.com/catalyst-sbri/catalyst/ent/session"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/service"
)

var endSessionForm = regexp.MustCompile(`action="/your-data/sessions/(\d+)/end"`)

// TestAPersonEndsTheirOtherSessionsAndAnAdminEndsAll: a person sees their sessions, this
// browser's marked, and ends another, whose browser is then signed out; an admin ends every
// session of a person without deactivating them, who may sign in again; past MaxSessions the
// oldest ends. Each end is in the trail.
func TestAPersonEndsTheirOtherSessionsAndAnAdminEndsAll(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	sys := authz.AsSystem(testdb.Fixture(), "test")
	dana := w.People[SupplierOwn]
	signedIn := func(c *http.Client) bool {
		resp, err := c.Get(srv.URL + "/your-data")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK && resp.Request.URL.Path == "/your-data"
	}

	laptop, csrf := signInAs(t, srv.URL, dana.Email)
	phone, _ := signInAs(t, srv.URL, dana.Email)
	_, page := read(t)(laptop.Get(srv.URL + "/your-data"))
	wantIn(t, "her sessions", page, "Your signed-in sessions (2; at most "+strconv.Itoa(service.MaxSessions)+" at once", "This browser")
	forms := endSessionForm.FindAllStringSubmatch(page, -1)
	if len(forms) != 1 {
		t.Fatalf("%d sessions offered to end, want the other one", len(forms))
	}
	code, page := read(t)(laptop.PostForm(srv.URL+"/your-data/sessions/"+forms[0][1]+"/end", url.Values{"csrf_token": {csrf}}))
	if code != http.StatusOK {
		t.Fatalf("ending the phone's session: %d", code)
	}
	wantIn(t, "after ending it", page, "That session is ended", "Your signed-in sessions (1;")
	if signedIn(phone) || !signedIn(laptop) {
		t.Errorf("after ending the phone's session: phone signed in %v, laptop %v", signedIn(phone), signedIn(laptop))
	}
	// Someone else's session is not hers to end, and says nothing of whether it exists.
	other, _ := signInAs(t, srv.URL, w.People[SupplierOther].Email)
	theirs := w.DB.Session.Query().Where(session.PersonID(w.People[SupplierOther].ID)).OnlyX(sys)
	if code, _ := read(t)(laptop.PostForm(srv.URL+"/your-data/sessions/"+strconv.Itoa(theirs.ID)+"/end", url.Values{"csrf_token": {csrf}})); code != http.StatusNotFound || !signedIn(other) {
		t.Errorf("ending another person's session: %d", code)
	}

	admin, adminCSRF := signInAs(t, srv.URL, w.People[Admin].Email)
	_, page = read(t)(admin.Get(srv.URL + "/people/" + strconv.Itoa(dana.ID)))
	wantIn(t, "her record, to an admin", page, "End their sessions")
	code, page = read(t)(admin.PostForm(srv.URL+"/people/"+strconv.Itoa(dana.ID)+"/end-sessions", url.Values{"csrf_token": {adminCSRF}}))
	if code != http.StatusOK {
		t.Fatalf("the admin ending her sessions: %d", code)
	}
	wantIn(t, "after the admin ended them", page, "Their sessions are ended (1)")
	if signedIn(laptop) {
		t.Error("her laptop is still signed in after the admin ended her sessions")
	}
	if again, _ := signInAs(t, srv.URL, dana.Email); !signedIn(again) {
		t.Error("she cannot sign in again")
	}
	// An admin's own sessions are theirs to end on their data page.
	_, page = read(t)(admin.Get(srv.URL + "/people/" + strconv.Itoa(w.People[Admin].ID)))
	wantIn(t, "the admin's own record", page, "End your own sessions on your data page")

	// Past MaxSessions, the oldest ends.
	first, _ := signInAs(t, srv.URL, w.People[Finance].Email)
	for range service.MaxSessions {
		signInAs(t, srv.URL, w.People[Finance].Email)
	}
	if n := w.DB.Session.Query().Where(session.PersonID(w.People[Finance].ID)).CountX(sys); n != service.MaxSessions || signedIn(first) {
		t.Errorf("%d sessions after %d sign-ins; the first still signed in: %v", n, service.MaxSessions+1, signedIn(first))
	}
	for action, want := range map[string]int{"person.session_ended": 1, "person.sessions_ended": 1} {
		if n := w.DB.AuditEvent.Query().Where(auditevent.Action(action)).CountX(sys); n != want {
			t.Errorf("%d %s events, want %d", n, action, want)
		}
	}
}
