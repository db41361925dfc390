package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// TestANewSupplierRegistersOnItsFirstSignIn walks the first sign-in and the registration form
// as a browser without JavaScript: mistakes come back named, with what was typed kept.
func TestANewSupplierRegistersOnItsFirstSignIn(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	c := browser(t)
	resp, err := c.PostForm(srv.URL+"/sign-in/new", url.Values{"name": {"Rosa Diaz"}, "email": {"rosa@newco.example"}})
	if code, _ := readBody(t, resp, err); code != http.StatusSeeOther || resp.Header.Get("Location") != "/organisation" {
		t.Fatalf("first sign-in: %d to %q", code, resp.Header.Get("Location"))
	}
	c.CheckRedirect = nil
	_, page := read(t)(c.Get(srv.URL + "/organisation"))
	wantIn(t, "the registration page", page, "Register your organisation", "North West (England)", "Micro: fewer than 10 staff")
	csrf := csrfInput.FindStringSubmatch(page)[1]
	code, page := read(t)(c.PostForm(srv.URL+"/organisation", url.Values{"csrf_token": {csrf}, "name": {"Newco Ltd"}, "legal_form": {"company"},
		"company_number": {"ABC"}, "incorporated_on-day": {"31"}, "incorporated_on-month": {"2"}, "incorporated_on-year": {"2024"}}))
	if code != http.StatusUnprocessableEntity {
		t.Errorf("a bad registration: %d", code)
	}
	wantIn(t, "the refused registration", page, "<title>Error: Register your organisation", `href="#company_number"`, "like 01234567 or SC123456",
		`href="#incorporated_on"`, "Enter a real date", `href="#size"`, `href="#region"`, `value="Newco Ltd"`, `value="ABC"`)
	code, page = read(t)(c.PostForm(srv.URL+"/organisation", url.Values{"csrf_token": {csrf}, "name": {"Newco Ltd"}, "legal_form": {"sole_trader"},
		"size": {"micro"}, "region": {"Scotland"}}))
	if code != http.StatusOK {
		t.Fatalf("registering: %d", code)
	}
	wantIn(t, "the organisation page", page, "Your organisation is registered", "Newco Ltd", "Sole trader", "Scotland", "newco.example")

	// Coming back as "someone new" with the same email signs in to the account, never refused.
	again := browser(t)
	resp, err = again.PostForm(srv.URL+"/sign-in/new", url.Values{"name": {"Rosa D"}, "email": {"ROSA@newco.example"}})
	if code, _ := readBody(t, resp, err); code != http.StatusSeeOther || resp.Header.Get("Location") != "/challenges" {
		t.Fatalf("signing in as new with an email that has an account: %d to %q", code, resp.Header.Get("Location"))
	}
	again.CheckRedirect = nil
	_, page = read(t)(again.Get(srv.URL + "/organisation"))
	wantIn(t, "the organisation page, signed in again", page, "Newco Ltd")
}
