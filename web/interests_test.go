package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/ent/interest"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// TestTheInterestsPageDeclaresAndWithdraws walks the assessor's page as a browser would: a
// form with mistakes comes back with each one named and what was typed kept; a good one is
// declared and said so; withdrawing moves it to the withdrawn list.
func TestTheInterestsPageDeclaresAndWithdraws(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	c := browser(t)
	if code, _ := read(t)(c.PostForm(srv.URL+"/sign-in", url.Values{"email": {"otto@panel.example"}})); code != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", code)
	}
	code, page := read(t)(c.Get(srv.URL + "/interests"))
	if code != http.StatusOK || !strings.Contains(page, "You have not declared any interests") || !strings.Contains(page, `href="/interests"`) {
		t.Fatalf("the empty page: %d %s", code, page)
	}
	csrf := csrfInput.FindStringSubmatch(page)[1]

	code, page = read(t)(c.PostForm(srv.URL+"/interests", url.Values{"csrf_token": {csrf}, "description": {"Knows the founder"}}))
	for _, want := range []string{"There is a problem", `href="#organisation_id"`, "Choose the organisation", `href="#kind"`,
		"Choose the kind of interest", ">Knows the founder</textarea>", "<title>Error: "} {
		if !strings.Contains(page, want) {
			t.Errorf("the refused form lacks %q", want)
		}
	}
	if code != http.StatusUnprocessableEntity {
		t.Errorf("the refused form's status = %d, want 422", code)
	}

	acme := w.BidAcme.OrganisationID
	resp, err := c.PostForm(srv.URL+"/interests", url.Values{"csrf_token": {csrf}, "organisation_id": {strconv.Itoa(acme)},
		"kind": {"personal"}, "description": {"Knows the founder"}})
	if code, _ := readBody(t, resp, err); code != http.StatusSeeOther {
		t.Fatalf("declare: %d", code)
	}
	code, page = read(t)(c.Get(srv.URL + resp.Header.Get("Location")))
	if code != http.StatusOK || !strings.Contains(page, "You declared an interest in Acme") || !strings.Contains(page, "Knows the founder") {
		t.Fatalf("after declaring: %d %s", code, page)
	}
	// A repeat is refused on the form, not with an error page.
	code, page = read(t)(c.PostForm(srv.URL+"/interests", url.Values{"csrf_token": {csrf}, "organisation_id": {strconv.Itoa(acme)},
		"kind": {"personal"}, "description": {"Again"}}))
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, "You have already declared this kind of interest in Acme") {
		t.Errorf("a repeated declaration: %d", code)
	}

	id := w.DB.Interest.Query().Where(interest.AssessorID(w.People[AssessorOther].ID)).OnlyIDX(testdb.Fixture())
	if code, _ := read(t)(c.PostForm(srv.URL+fmt.Sprintf("/interests/%d/withdraw", id), nil)); code != http.StatusForbidden {
		t.Errorf("withdrawing without the form's token: %d", code)
	}
	resp, err = c.PostForm(srv.URL+fmt.Sprintf("/interests/%d/withdraw", id), url.Values{"csrf_token": {csrf}})
	if code, _ := readBody(t, resp, err); code != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", code)
	}
	_, page = read(t)(c.Get(srv.URL + resp.Header.Get("Location")))
	if !strings.Contains(page, "You withdrew your interest in Acme") || !strings.Contains(page, "Withdrawn declarations") {
		t.Errorf("after withdrawing: %s", page)
	}
	// Someone else's declaration cannot be withdrawn from the page either.
	resp, err = c.PostForm(srv.URL+fmt.Sprintf("/interests/%d/withdraw", w.InterestAnn.ID), url.Values{"csrf_token": {csrf}})
	if code, _ := readBody(t, resp, err); code != http.StatusNotFound {
		t.Errorf("withdrawing another assessor's interest: %d", code)
	}
}
