package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/ent/person"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// TestTheProgrammeManagesPeopleOnPages: a person is added with their roles (mistakes named,
// what was typed kept), their roles are changed, and deactivating them ends their sessions and
// tokens at once.
func TestTheProgrammeManagesPeopleOnPages(t *testing.T) {
	w := NewWorld(t)
	ctx := testdb.Fixture()
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	c := browser(t)
	read(t)(c.PostForm(srv.URL+"/sign-in", url.Values{"email": {"admin@programme.example"}}))
	code, page := read(t)(c.Get(srv.URL + "/people"))
	if code != http.StatusOK || !strings.Contains(page, "dana@acme.example") {
		t.Fatalf("the people page: %d", code)
	}
	csrf := csrfInput.FindStringSubmatch(page)[1]
	acme := strconv.Itoa(w.BidAcme.OrganisationID)

	code, page = read(t)(c.PostForm(srv.URL+"/people", url.Values{"csrf_token": {csrf}, "name": {"Ravi Patel"}, "email": {"ravi at acme"},
		"roles": {"challenge_owner"}, "organisation_id": {acme}}))
	for _, want := range []string{`href="#email"`, "right format", `href="#organisation_id"`, "a public body", `value="Ravi Patel"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the refused person lacks %q", want)
		}
	}
	if code != http.StatusUnprocessableEntity {
		t.Errorf("the refused person: %d", code)
	}
	resp, err := c.PostForm(srv.URL+"/people", url.Values{"csrf_token": {csrf}, "name": {"Ravi Patel"}, "email": {"Ravi@Acme.example"},
		"roles": {"supplier"}, "organisation_id": {acme}})
	if code, _ := readBody(t, resp, err); code != http.StatusSeeOther {
		t.Fatalf("adding a person: %d", code)
	}
	_, page = read(t)(c.Get(srv.URL + resp.Header.Get("Location")))
	if !strings.Contains(page, "Ravi Patel can now sign in") {
		t.Error("no confirmation after adding a person")
	}
	ravi := w.DB.Person.Query().Where(person.Email("ravi@acme.example")).OnlyX(ctx)

	// Deactivating ends the sessions and tokens of the person at once.
	dana := w.People[SupplierOwn]
	danaBrowser := browser(t)
	read(t)(danaBrowser.PostForm(srv.URL+"/sign-in", url.Values{"email": {dana.Email}}))
	if code, _ := read(t)(danaBrowser.Get(srv.URL + "/notices")); code != http.StatusOK {
		t.Fatalf("dana signed in: %d", code)
	}
	resp, err = c.PostForm(srv.URL+"/people/"+strconv.Itoa(dana.ID)+"/deactivate", url.Values{"csrf_token": {csrf}})
	if code, _ := readBody(t, resp, err); code != http.StatusSeeOther {
		t.Fatalf("deactivating: %d", code)
	}
	if code, _ := read(t)(danaBrowser.Get(srv.URL + "/notices")); code != http.StatusUnauthorized {
		t.Errorf("a deactivated person's session still works: %d", code)
	}
	if rec := w.Do(SupplierOwn, http.MethodGet, "/api/v1/challenges", ""); rec.Code != http.StatusUnauthorized {
		t.Errorf("a deactivated person's token still works: %d", rec.Code)
	}
	if code, _ := read(t)(browser(t).PostForm(srv.URL+"/sign-in", url.Values{"email": {dana.Email}})); code != http.StatusForbidden {
		t.Errorf("a deactivated person signed in again: %d", code)
	}
	_, page = read(t)(c.Get(srv.URL + "/people/" + strconv.Itoa(dana.ID)))
	if !strings.Contains(page, "They cannot sign in") || strings.Contains(page, "/deactivate") || strings.Contains(page, `action="/people/`+strconv.Itoa(dana.ID)+`"`) {
		t.Error("the person's page does not say they are deactivated, or still offers to change or deactivate them")
	}
	// Nobody deactivates themselves or changes their own roles: their own page says so instead
	// of offering it, and the command refuses it too.
	self := "/people/" + strconv.Itoa(w.People[Admin].ID)
	_, page = read(t)(c.Get(srv.URL + self))
	if strings.Contains(page, "/deactivate") || !strings.Contains(page, "You cannot deactivate yourself") {
		t.Error("the programme's own page offers to deactivate them, or does not say why not")
	}
	if strings.Contains(page, `action="`+self+`"`) || !strings.Contains(page, "You cannot change your own roles") {
		t.Error("the programme's own page offers to change their roles, or does not say why not")
	}
	if code, _ := read(t)(c.PostForm(srv.URL+self, url.Values{"csrf_token": {csrf}, "roles": {"assessor"}})); code != http.StatusConflict {
		t.Errorf("changing one's own roles: %d, want 409", code)
	}
	if got := w.DB.Person.GetX(ctx, w.People[Admin].ID); len(got.Roles) != 1 || got.Roles[0] != "admin" {
		t.Errorf("the programme changed their own roles to %v", got.Roles)
	}
	// Changing roles: a supplier made an assessor with expertise.
	resp, err = c.PostForm(srv.URL+"/people/"+strconv.Itoa(ravi.ID), url.Values{"csrf_token": {csrf}, "roles": {"assessor"},
		"organisation_id": {acme}, "expertise": {"Transport"}})
	if code, _ := readBody(t, resp, err); code != http.StatusSeeOther {
		t.Fatalf("changing roles: %d", code)
	}
	if got := w.DB.Person.GetX(ctx, ravi.ID); len(got.Roles) != 1 || got.Roles[0] != "assessor" || len(got.Expertise) != 1 {
		t.Errorf("stored %v %v", got.Roles, got.Expertise)
	}
}

// TestAProgrammeOfficerReadsPeopleButChangesNobody: the programme officer opens the people and a
// person's record (to act for them, say) but is offered neither adding nor changing anyone, and
// is told why; the commands refuse them too. The admin is offered both.
func TestAProgrammeOfficerReadsPeopleButChangesNobody(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	officer, csrf := signInAs(t, srv.URL, "officer@programme.example")
	code, page := read(t)(officer.Get(srv.URL + "/people"))
	if code != http.StatusOK {
		t.Fatalf("the people page as the programme officer: %d", code)
	}
	wantIn(t, "the people page as the programme officer", page, "dana@acme.example", "Only an admin adds people and changes their roles.")
	if strings.Contains(page, `action="/people"`) {
		t.Error("the programme officer is offered adding a person")
	}
	dana := "/people/" + strconv.Itoa(w.People[SupplierOwn].ID)
	_, page = read(t)(officer.Get(srv.URL + dana))
	if strings.Contains(page, `action="`+dana+`"`) || strings.Contains(page, dana+"/deactivate") {
		t.Error("the programme officer is offered changing or deactivating a person")
	}
	if code, _ := read(t)(officer.PostForm(srv.URL+"/people", url.Values{"csrf_token": {csrf}, "name": {"Ravi Patel"},
		"email": {"ravi@acme.example"}, "roles": {"supplier"}})); code != http.StatusForbidden {
		t.Errorf("the programme officer adding a person: %d, want 403", code)
	}
	admin, _ := signInAs(t, srv.URL, "admin@programme.example")
	_, page = read(t)(admin.Get(srv.URL + "/people"))
	if !strings.Contains(page, `action="/people"`) {
		t.Error("the admin is not offered adding a person")
	}
}
