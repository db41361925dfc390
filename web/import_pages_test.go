package web

import (
	"bytes"
	"html"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent/person"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// carriedFile is the file a preview carries on to its import.
var carriedFile = regexp.MustCompile(`name="csv" value="([^"]*)"`)

// TestTheProgrammeImportsSuppliersOnAPage: a programme officer finds the import from the people
// page, uploads a CSV, reads row by row what it would do (nothing kept yet), imports it, and is
// told what was done; a file that is not an import is refused beside the field.
func TestTheProgrammeImportsSuppliersOnAPage(t *testing.T) {
	w := NewWorld(t)
	ctx := authz.AsSystem(testdb.Fixture(), "test")
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	c := browser(t)
	read(t)(c.PostForm(srv.URL+"/sign-in", url.Values{"email": {"officer@programme.example"}}))
	_, page := read(t)(c.Get(srv.URL + "/people"))
	if !strings.Contains(page, `href="/people/import"`) {
		t.Fatal("the people page does not lead a programme officer to the import")
	}
	code, page := read(t)(c.Get(srv.URL + "/people/import"))
	if code != http.StatusOK || !strings.Contains(page, "companies_house_number") {
		t.Fatalf("the import page: %d", code)
	}
	csrf := csrfInput.FindStringSubmatch(page)[1]
	upload := func(fields map[string]string, file string) (int, string) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("csrf_token", csrf)
		for k, v := range fields {
			_ = mw.WriteField(k, v)
		}
		if file != "" {
			fw, _ := mw.CreateFormFile("file", "suppliers.csv")
			_, _ = fw.Write([]byte(file))
		}
		_ = mw.Close()
		return read(t)(c.Post(srv.URL+"/people/import", mw.FormDataContentType(), &body))
	}

	code, page = upload(nil, "")
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, `href="#file"`) || !strings.Contains(page, "Choose a CSV file") {
		t.Errorf("no file chosen: %d", code)
	}
	code, page = upload(nil, "name;email\nAna;ana@x.example\n")
	if code != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(page), "it lacks organisation_name") {
		t.Errorf("a file without the columns: %d", code)
	}

	file := "organisation_name,companies_house_number,person_name,email\r\n" +
		"Pine Labs Ltd,07654321,Pia Pine,pia@pine.example\r\n" +
		"Pine Labs Ltd,,Paz Pine,paz@pine.example\r\n" +
		"Acme,,Ed,ed@binsight.example\r\n"
	code, page = upload(nil, file)
	if code != http.StatusOK {
		t.Fatalf("the preview: %d", code)
	}
	text := html.UnescapeString(page)
	for _, want := range []string{"Check the suppliers to import", "Nothing has been imported yet", "Pia Pine", "paz@pine.example",
		"ed@binsight.example already belongs to Binsight", "Import 2 people"} {
		if !strings.Contains(text, want) {
			t.Errorf("the preview lacks %q", want)
		}
	}
	if n := w.DB.Person.Query().Where(person.EmailIn("pia@pine.example", "paz@pine.example")).CountX(ctx); n != 0 {
		t.Fatalf("the preview added %d people", n)
	}
	carried := carriedFile.FindStringSubmatch(page)
	if carried == nil {
		t.Fatal("the preview does not carry its file on to the import")
	}
	code, page = upload(map[string]string{"csv": html.UnescapeString(carried[1]), "import": "yes"}, "")
	text = html.UnescapeString(page)
	if code != http.StatusOK || !strings.Contains(text, "2 people were added and can now sign in") || !strings.Contains(text, "1 new organisation") {
		t.Fatalf("the import: %d", code)
	}
	if n := w.DB.Person.Query().Where(person.EmailIn("pia@pine.example", "paz@pine.example"), person.HasOrganisation()).CountX(ctx); n != 2 {
		t.Errorf("%d of the 2 people were added", n)
	}

	// Someone who may not import is not offered it, and the page says why.
	s := browser(t)
	read(t)(s.PostForm(srv.URL+"/sign-in", url.Values{"email": {"owner@anytown.gov.uk"}}))
	if code, _ := read(t)(s.Get(srv.URL + "/people/import")); code != http.StatusForbidden {
		t.Errorf("a challenge owner opened the import: %d", code)
	}
}
