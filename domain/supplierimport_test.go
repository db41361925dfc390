package domain

import (
	"errors"
	"strings"
	"testing"
)

func TestAnImportFileIsReadRowByRow(t *testing.T) {
	file := "\uFEFFEmail, Person_Name ,organisation_name,companies_house_number\n" +
		"ana@acme.example,Ana Lee,Acme Ltd,1234567\n" + // row 2: the number padded as Companies House writes it
		",No Email,Acme Ltd,\n" + // 3
		"bo@acme.example,,,\n" + // 4: no name, no organisation
		"not-an-email,Cy Dee,Acme Ltd,\n" + // 5
		"ANA@acme.example,Ana Again,Acme Ltd,\n" + // 6: the same person as row 2
		"di@acme.example,Di Eve,Acme Ltd,99999999\n" + // 7: Acme given another number
		"ed@bee.example,Ed Fox,Bee Ltd,01234567\n" + // 8: Acme's number given to Bee
		"fay@bee.example,Fay Gee,Bee Ltd,NOTANUMBER\n" + // 9
		"gil@bee.example,Gil Hay\n" + // 10: too few values
		"hal@bee.example,Hal Ives,bee ltd,\n" // 11: the same organisation, however it is written
	rows, refused, err := ReadSupplierImport([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0] != (ImportRow{Row: 2, OrganisationName: "Acme Ltd", CompanyNumber: "01234567", PersonName: "Ana Lee", Email: "ana@acme.example"}) ||
		rows[1].Row != 11 || rows[1].OrganisationName != "bee ltd" {
		t.Fatalf("rows taken: %+v", rows)
	}
	want := map[int]string{
		3:  "Enter the person's email address",
		4:  "Enter the organisation's name; enter the person's name",
		5:  `"not-an-email" is not an email address`,
		6:  "ana@acme.example is also in row 2",
		7:  "Row 2 gives Acme Ltd the Companies House number 01234567, not 99999999",
		8:  "Row 2 gives the Companies House number 01234567 to Acme Ltd, not Bee Ltd",
		9:  "Enter the Companies House number as 8 characters",
		10: "it has 2 values, but the first row names 4 columns",
	}
	if len(refused) != len(want) {
		t.Fatalf("refused: %+v", refused)
	}
	for _, r := range refused {
		if !strings.Contains(r.Reason, want[r.Row]) {
			t.Errorf("row %d: %q, want it to say %q", r.Row, r.Reason, want[r.Row])
		}
	}
}

func TestAnImportFileThatCannotBeReadIsRefusedWhole(t *testing.T) {
	for name, c := range map[string]struct{ file, says string }{
		"empty":          {"", "it is empty"},
		"header only":    {"organisation_name,companies_house_number,person_name,email\n", "it has no rows"},
		"missing column": {"organisation_name,person_name,email\nA,B,c@d.e\n", "it lacks companies_house_number"},
		"unknown column": {"organisation_name,companies_house_number,person_name,email,phone\n", `Catalyst does not know "phone"`},
		"column twice":   {"email,email,organisation_name,companies_house_number,person_name\n", "names the column email twice"},
		"not utf-8":      {"organisation_name,companies_house_number,person_name,email\n\xff,,x,y@z.example\n", "it is not UTF-8"},
		"bad quoting":    {"organisation_name,companies_house_number,person_name,email\n\"Acme,,Ana,a@b.example\n", "row 2 cannot be read as CSV"},
		"too large":      {strings.Repeat("x", MaxImportBytes+1), "larger than 2 MB"},
		"too many rows": {"organisation_name,companies_house_number,person_name,email\n" +
			strings.Repeat("Acme,,Ana,a@b.example\n", MaxImportRows+1), "more than 10000 rows"},
	} {
		_, _, err := ReadSupplierImport([]byte(c.file))
		if !errors.Is(err, ErrImportFile) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v, want it to say %q", name, err, c.says)
		}
	}
}
