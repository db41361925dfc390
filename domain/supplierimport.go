package domain

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// A supplier import: a department moving to Catalyst brings its list of suppliers, and a popular
// challenge draws hundreds of new organisations, as a CSV of organisations and their people, one
// person a row. This file reads the CSV and judges each row on its own; the service judges it
// against the records (an organisation matched by its Companies House number, then its name; a
// person already elsewhere) and creates what is new.

// The limits of one import file, which the API document states.
const (
	// MaxImportBytes is the largest import file taken: 10,000 rows of long names fit well within.
	MaxImportBytes = 2 << 20
	// MaxImportRows is the most people one file may list.
	MaxImportRows = 10000
)

// The columns of an import file, in the order a template shows them; all four are needed, in
// any order, under these names in the header row.
const (
	ColumnOrganisationName = "organisation_name"
	ColumnCompanyNumber    = "companies_house_number"
	ColumnPersonName       = "person_name"
	ColumnEmail            = "email"
)

// ImportColumns are the columns of an import file.
var ImportColumns = []string{ColumnOrganisationName, ColumnCompanyNumber, ColumnPersonName, ColumnEmail}

// importPersonName is a person's name as an import file gives it: a person's name's rule, named
// for its column.
var importPersonName = Text{Field: ColumnPersonName, Label: "the person's name", Max: PersonName.Max}

// ImportRow is one person of an import file, cleaned.
type ImportRow struct {
	// Row is its row in the file as a spreadsheet numbers it: the header is row 1.
	Row              int
	OrganisationName string
	CompanyNumber    string // "" when the file gives none
	PersonName       string
	Email            string // lower case
}

// RowRefusal is a row of an import file that was not taken, and why.
type RowRefusal struct {
	Row    int    `json:"row"`
	Reason string `json:"reason"`
}

// ErrImportFile is a file that cannot be read as an import at all: nothing in it is taken. It is
// invalid input (ErrInvalidInput) too.
var ErrImportFile = errors.New("the file cannot be imported")

func importFileError(format string, args ...any) error {
	return fmt.Errorf("%w: %w: %s", ErrInvalidInput, ErrImportFile, fmt.Sprintf(format, args...))
}

// ReadSupplierImport reads an import file: the rows that may be taken, and those refused for
// what they say alone (a missing or badly written value, an email address twice in the file,
// one organisation given two numbers). A file that is not a CSV with the four columns, or is
// too large, is refused whole (ErrImportFile).
func ReadSupplierImport(file []byte) ([]ImportRow, []RowRefusal, error) {
	if len(file) > MaxImportBytes {
		return nil, nil, importFileError("it is larger than %d MB: split it into smaller files", MaxImportBytes>>20)
	}
	file = bytes.TrimPrefix(file, []byte("\uFEFF")) // spreadsheets often begin UTF-8 CSV with a byte-order mark
	if !utf8.Valid(file) {
		return nil, nil, importFileError("it is not UTF-8 text: save it from the spreadsheet as “CSV UTF-8”")
	}
	r := csv.NewReader(bytes.NewReader(file))
	r.FieldsPerRecord = -1 // a short or long row is refused on its own, not the whole file
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, importFileError("it is empty: the first row names the columns %s", strings.Join(ImportColumns, ", "))
	}
	if err != nil {
		return nil, nil, importFileError("its first row cannot be read as CSV: %v", csvReason(err))
	}
	col := map[string]int{}
	var unknown []string
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		switch {
		case !slices.Contains(ImportColumns, h):
			unknown = append(unknown, fmt.Sprintf("%q", h))
		case col[h] != 0:
			return nil, nil, importFileError("its first row names the column %s twice", h)
		default:
			col[h] = i + 1 // 0 is "absent"
		}
	}
	var missing []string
	for _, c := range ImportColumns {
		if col[c] == 0 {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 || len(unknown) > 0 {
		msg := fmt.Sprintf("its first row must name the columns %s", strings.Join(ImportColumns, ", "))
		if len(missing) > 0 {
			msg += "; it lacks " + strings.Join(missing, ", ")
		}
		if len(unknown) > 0 {
			msg += "; Catalyst does not know " + strings.Join(unknown, ", ")
		}
		return nil, nil, importFileError("%s", msg)
	}

	var rows []ImportRow
	var refused []RowRefusal
	emailRow := map[string]int{}
	numberOf := map[string]ImportRow{} // by organisation name, lower case: the first row naming it
	nameOf := map[string]ImportRow{}   // by Companies House number
	for n := 2; ; n++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, importFileError("row %d cannot be read as CSV: %v", n, csvReason(err))
		}
		if n-1 > MaxImportRows {
			return nil, nil, importFileError("it has more than %d rows: split it into smaller files", MaxImportRows)
		}
		if len(rec) != len(header) {
			refused = append(refused, RowRefusal{n, fmt.Sprintf("it has %d values, but the first row names %d columns", len(rec), len(header))})
			continue
		}
		get := func(c string) string { return rec[col[c]-1] }
		row, why := importRow(n, get(ColumnOrganisationName), get(ColumnCompanyNumber), get(ColumnPersonName), get(ColumnEmail))
		if why == "" {
			why = sameInFile(row, emailRow, numberOf, nameOf)
		}
		if why != "" {
			refused = append(refused, RowRefusal{n, why})
			continue
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 && len(refused) == 0 {
		return nil, nil, importFileError("it has no rows below the first: add one person a row")
	}
	return rows, refused, nil
}

// importRow cleans one row's values, or says what is wrong with them, all in one sentence.
func importRow(n int, org, number, name, email string) (ImportRow, string) {
	row := ImportRow{Row: n}
	var ps Problems
	row.OrganisationName = OrganisationName.CleanAll(org, &ps)
	row.PersonName = importPersonName.CleanAll(name, &ps)
	row.Email = strings.ToLower(strings.TrimSpace(email))
	if row.Email == "" {
		ps.Add(ColumnEmail, "enter the person's email address")
	} else if !ValidEmail(row.Email) || !utf8.ValidString(row.Email) {
		ps.Add(ColumnEmail, "%q is not an email address in the right format, like name@example.co.uk", strings.TrimSpace(email))
	}
	if strings.TrimSpace(number) != "" {
		var err error
		if row.CompanyNumber, err = CompanyNumber(number); err != nil {
			ps = append(ps, ProblemWith(ColumnCompanyNumber, err))
		}
	}
	if len(ps) == 0 {
		return row, ""
	}
	var parts []string
	for i, p := range ps {
		m := strings.TrimSuffix(p.Message, ".")
		if i > 0 {
			m = strings.ToLower(m[:1]) + m[1:]
		}
		parts = append(parts, m)
	}
	return row, strings.Join(parts, "; ")
}

// sameInFile refuses a row that repeats an earlier row's person, or gives an organisation
// another number (or a number another organisation) than an earlier row did.
func sameInFile(row ImportRow, emailRow map[string]int, numberOf, nameOf map[string]ImportRow) string {
	if first, ok := emailRow[row.Email]; ok {
		return fmt.Sprintf("%s is also in row %d: list each person once", row.Email, first)
	}
	key := strings.ToLower(row.OrganisationName)
	if first, ok := numberOf[key]; ok && first.CompanyNumber != row.CompanyNumber && first.CompanyNumber != "" && row.CompanyNumber != "" {
		return fmt.Sprintf("Row %d gives %s the Companies House number %s, not %s", first.Row, first.OrganisationName, first.CompanyNumber, row.CompanyNumber)
	}
	if first, ok := nameOf[row.CompanyNumber]; ok && row.CompanyNumber != "" && !strings.EqualFold(first.OrganisationName, row.OrganisationName) {
		return fmt.Sprintf("Row %d gives the Companies House number %s to %s, not %s", first.Row, row.CompanyNumber, first.OrganisationName, row.OrganisationName)
	}
	emailRow[row.Email] = row.Row
	if first, ok := numberOf[key]; !ok || first.CompanyNumber == "" {
		numberOf[key] = row
	}
	if row.CompanyNumber != "" {
		if _, ok := nameOf[row.CompanyNumber]; !ok {
			nameOf[row.CompanyNumber] = row
		}
	}
	return ""
}

// csvReason is encoding/csv's error without its position, which the caller gives as a row.
func csvReason(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
