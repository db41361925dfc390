package api

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/authz"
	entemail "github.com/catalyst-sbri/catalyst/ent/email"
	"github.com/catalyst-sbri/catalyst/ent/organisation"
	"github.com/catalyst-sbri/catalyst/ent/person"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// importFile is a programme's supplier list with every kind of row in it: new people in a new
// organisation (named twice, in two cases), someone already here, a supplier who signed in
// without an organisation, and rows refused for what they say or for who they are.
const importFile = "organisation_name,companies_house_number,person_name,email\n" +
	"New Co Ltd,1234567,Nora New,nora@newco.example\n" + // 2: created, with New Co
	"NEW CO LTD,,Ned New,Ned@NewCo.example\n" + // 3: created, in the same New Co
	"Acme,,Dana,dana@acme.example\n" + // 4: already in Acme: unchanged
	"Acme,,Nia New,nia@acme.example\n" + // 5: signed in with no organisation: joins Acme
	"Binsight,,Dana Again,dana@acme.example\n" + // 6: twice in the file
	"Binsight,,No Email,\n" + // 7
	",,No Organisation,no-org@x.example\n" + // 8
	"Other Ltd,,Bad Email,not-an-email\n" + // 9
	"Acme,,Ed,ed@binsight.example\n" + // 10: already in Binsight
	"Anytown,,Tom,tom@anytown.gov.uk\n" + // 11: a public body
	"Acme,,Ann,ann@panel.example\n" // 12: an assessor

func postImport(w *World, persona, query, body string) (*httptest.ResponseRecorder, SupplierImportView) {
	w.T.Helper()
	rec := w.Do(persona, http.MethodPost, "/api/v1/imports/suppliers"+query, body, "Content-Type", "text/csv; charset=utf-8")
	var v SupplierImportView
	if rec.Code == http.StatusOK {
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			w.T.Fatal(err)
		}
	}
	return rec, v
}

func rowsOf(ps []ImportedPersonView) []int {
	var out []int
	for _, p := range ps {
		out = append(out, p.Row)
	}
	return out
}

func TestSuppliersAreImportedRowByRow(t *testing.T) {
	w := NewWorld(t)
	ctx := authz.AsSystem(testdb.Fixture(), "test")
	people := func() int { return w.DB.Person.Query().CountX(ctx) }
	orgs := func() int { return w.DB.Organisation.Query().CountX(ctx) }
	emails := func() int { return w.DB.Email.Query().CountX(ctx) }
	beforePeople, beforeOrgs, beforeEmails := people(), orgs(), emails()

	// A preview says what would happen and keeps nothing.
	rec, preview := postImport(w, Officer, "?preview=true", importFile)
	if rec.Code != http.StatusOK || !preview.Preview || len(preview.Created) != 3 || preview.OrganisationsCreated != 1 {
		t.Fatalf("preview: %d %s", rec.Code, rec.Body)
	}
	if preview.Created[0].PersonID != 0 || preview.Created[2].PersonID != w.DB.Person.Query().Where(person.Email("nia@acme.example")).OnlyIDX(ctx) {
		t.Errorf("a preview names the people who exist, and no one new: %+v", preview.Created)
	}
	if people() != beforePeople || orgs() != beforeOrgs || emails() != beforeEmails {
		t.Fatal("the preview kept something")
	}

	rec, done := postImport(w, Officer, "", importFile)
	if rec.Code != http.StatusOK || done.Preview {
		t.Fatalf("import: %d %s", rec.Code, rec.Body)
	}
	if got := rowsOf(done.Created); len(got) != 3 || got[0] != 2 || got[1] != 3 || got[2] != 5 {
		t.Errorf("created rows %v, want 2, 3 and 5", got)
	}
	if got := rowsOf(done.Unchanged); len(got) != 1 || got[0] != 4 {
		t.Errorf("unchanged rows %v, want 4", got)
	}
	want := map[int]string{
		6:  "dana@acme.example is also in row 4",
		7:  "Enter the person's email address",
		8:  "Enter the organisation's name",
		9:  `"not-an-email" is not an email address`,
		10: "ed@binsight.example already belongs to Binsight",
		11: "Anytown is a public body in Catalyst, not a supplier",
		12: "ann@panel.example already has an account in Catalyst with other roles",
	}
	if len(done.Refused) != len(want) {
		t.Errorf("refused %+v, want rows 6 to 12", done.Refused)
	}
	for _, r := range done.Refused {
		if !strings.Contains(r.Reason, want[r.Row]) {
			t.Errorf("row %d refused for %q, want it to say %q", r.Row, r.Reason, want[r.Row])
		}
	}

	// New Co was made once, with its number as Companies House writes it, and both its people
	// are suppliers in it; Nia joined Acme; every one of them was sent how to sign in.
	newco := w.DB.Organisation.Query().Where(organisation.NameEqualFold("new co ltd")).AllX(ctx)
	if len(newco) != 1 || newco[0].CompanyNumber != "01234567" || newco[0].PublicBody {
		t.Fatalf("New Co: %+v", newco)
	}
	for _, email := range []string{"nora@newco.example", "ned@newco.example", "nia@acme.example"} {
		p := w.DB.Person.Query().Where(person.Email(email)).WithOrganisation().OnlyX(ctx)
		if len(p.Roles) != 1 || p.Roles[0] != string(authz.Supplier) || p.Edges.Organisation == nil {
			t.Errorf("%s: roles %v, organisation %v", email, p.Roles, p.Edges.Organisation)
		}
		if n := w.DB.Email.Query().Where(entemail.To(email)).CountX(ctx); n != 1 {
			t.Errorf("%s was sent %d emails, want the one saying how to sign in", email, n)
		}
	}
	if w.DB.Person.Query().Where(person.Email("nia@acme.example")).QueryOrganisation().OnlyX(ctx).Name != "Acme" {
		t.Error("Nia did not join Acme")
	}
	if people() != beforePeople+2 || orgs() != beforeOrgs+1 || emails() != beforeEmails+3 {
		t.Errorf("people %d, organisations %d, emails %d after: want 2, 1 and 3 more", people()-beforePeople, orgs()-beforeOrgs, emails()-beforeEmails)
	}

	// Imported again, nothing changes: every row taken before is unchanged.
	rec, again := postImport(w, Officer, "", importFile)
	if rec.Code != http.StatusOK || len(again.Created) != 0 || len(again.Unchanged) != 4 || len(again.Refused) != len(want) || again.OrganisationsCreated != 0 {
		t.Fatalf("imported again: %d %s", rec.Code, rec.Body)
	}
	if people() != beforePeople+2 || orgs() != beforeOrgs+1 || emails() != beforeEmails+3 {
		t.Error("importing the same file again changed the records")
	}
}

func TestAnOrganisationIsMatchedByItsNumberThenItsName(t *testing.T) {
	w := NewWorld(t)
	ctx := authz.AsSystem(testdb.Fixture(), "test")
	w.DB.Organisation.Update().Where(organisation.Name("Acme")).SetCompanyNumber("SC123456").ExecX(ctx)
	file := "email,person_name,organisation_name,companies_house_number\n" +
		"ava@acme.example,Ava,Acme Analytics (trading name),sc 123456\n" + // 2: Acme, by its number
		"bea@binsight.example,Bea,binsight,\n" + // 3: Binsight, by its name
		"cal@acme.example,Cal,Acme,01234567\n" // 4: Acme's name with another number
	rec, v := postImport(w, Admin, "", file)
	if rec.Code != http.StatusOK {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if len(v.Created) != 2 || v.Created[0].Organisation != "Acme" || v.Created[1].Organisation != "Binsight" || v.OrganisationsCreated != 0 {
		t.Errorf("created %+v", v.Created)
	}
	if len(v.Refused) != 1 || v.Refused[0].Row != 4 || !strings.Contains(v.Refused[0].Reason, "Acme is registered in Catalyst with the Companies House number SC123456, not 01234567") {
		t.Errorf("refused %+v", v.Refused)
	}
}

// refuseRead is a request body that fails the test if anything reads it.
type refuseRead struct{ t *testing.T }

func (r refuseRead) Read([]byte) (int, error) {
	r.t.Error("the body of a request too large to take was read")
	return 0, http.ErrBodyReadAfterClose
}

func TestAnImportFileTooLargeIsRefusedAtOnce(t *testing.T) {
	w := NewWorld(t)
	req := httptest.NewRequest(http.MethodPost, "/api/v1/imports/suppliers", refuseRead{t})
	req.ContentLength = 50 << 20
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Idempotency-Key", "fifty-megabytes")
	req.Header.Set("Authorization", "Bearer "+w.Tokens[Officer])
	rec := httptest.NewRecorder()
	w.H.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "at most 2 MB and 10000 people: split it into smaller files") {
		t.Errorf("50 MB: %d %s", rec.Code, rec.Body)
	}

	// One that does not say its size is cut off at the limit.
	big := "organisation_name,companies_house_number,person_name,email\n" + strings.Repeat("Acme,,Ana,ana@acme.example\n", 120_000)
	req = httptest.NewRequest(http.MethodPost, "/api/v1/imports/suppliers", io.MultiReader(strings.NewReader(big)))
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+w.Tokens[Officer])
	rec = httptest.NewRecorder()
	w.H.ServeHTTP(rec, req)
	if req.ContentLength != -1 || rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("3 MB of unsaid length (%d): %d %s", req.ContentLength, rec.Code, rec.Body)
	}
	if rec := w.Do(Officer, http.MethodPost, "/api/v1/imports/suppliers", `{"rows": []}`); rec.Code != http.StatusUnsupportedMediaType || !strings.Contains(rec.Body.String(), "text/csv") {
		t.Errorf("JSON: %d %s", rec.Code, rec.Body)
	}
	if rec := w.Do(Officer, http.MethodPost, "/api/v1/imports/suppliers", "name,email\nAna,ana@acme.example\n", "Content-Type", "text/csv"); rec.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(rec.Body.String(), "it lacks organisation_name, companies_house_number, person_name") {
		t.Errorf("the wrong columns: %d %s", rec.Code, rec.Body)
	}
	var n int
	if n = w.DB.Person.Query().Where(person.EmailEQ("ana@acme.example")).CountX(authz.AsSystem(testdb.Fixture(), "test")); n != 0 {
		t.Errorf("a refused file added %d people", n)
	}
}

// TestAPreviewSaysWhatTheImportDoes: a file longer than one batch, with an organisation named
// in its first batch and again in its second: the preview, batch by batch rolled back, answers
// row for row what the import then does, and names no record that does not exist.
func TestAPreviewSaysWhatTheImportDoes(t *testing.T) {
	w := NewWorld(t)
	var csv strings.Builder
	csv.WriteString("organisation_name,companies_house_number,person_name,email\n")
	for i := range 300 {
		org, number := fmt.Sprintf("Small %d Ltd", i), ""
		if i == 0 || i == 299 {
			org, number = "Big Co Ltd", "07000001"
		}
		if i == 298 {
			org = "big co ltd" // by its name, in the second batch
		}
		fmt.Fprintf(&csv, "%s,%s,Person %d,person%d@p.example\n", org, number, i, i)
	}
	rec, preview := postImport(w, Officer, "?preview=true", csv.String())
	if rec.Code != http.StatusOK {
		t.Fatalf("preview: %d %s", rec.Code, rec.Body)
	}
	for _, p := range preview.Created {
		if p.PersonID != 0 || p.OrganisationID != 0 {
			t.Fatalf("the preview names records that do not exist: %+v", p)
		}
	}
	rec, done := postImport(w, Officer, "", csv.String())
	if rec.Code != http.StatusOK {
		t.Fatalf("import: %d %s", rec.Code, rec.Body)
	}
	if preview.OrganisationsCreated != 298 || done.OrganisationsCreated != 298 || len(preview.Created) != 300 || len(done.Created) != len(preview.Created) {
		t.Fatalf("preview %d organisations and %d people, import %d and %d; want 298 and 300", preview.OrganisationsCreated, len(preview.Created),
			done.OrganisationsCreated, len(done.Created))
	}
	for i := range done.Created {
		p, d := preview.Created[i], done.Created[i]
		if p.Row != d.Row || p.Organisation != d.Organisation || p.NewOrganisation != d.NewOrganisation || p.NewPerson != d.NewPerson {
			t.Errorf("row %d: the preview said %+v, the import did %+v", d.Row, p, d)
		}
	}
	if done.Created[299].Organisation != "Big Co Ltd" || done.Created[299].OrganisationID != done.Created[0].OrganisationID {
		t.Errorf("Big Co was made twice: %+v, %+v", done.Created[0], done.Created[299])
	}
}
