package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/service"
)

// SupplierImportView is what a supplier import did, or in a preview would do, row by row.
type SupplierImportView struct {
	Preview              bool                 `json:"preview"`
	Created              []ImportedPersonView `json:"created"`
	Unchanged            []ImportedPersonView `json:"unchanged"`
	Refused              []domain.RowRefusal  `json:"refused"`
	OrganisationsCreated int                  `json:"organisations_created"`
}

// ImportedPersonView is one row taken: the person and their organisation.
type ImportedPersonView struct {
	Row             int    `json:"row"`
	Name            string `json:"name"`
	Email           string `json:"email"`
	Organisation    string `json:"organisation"`
	PersonID        int    `json:"person_id,omitempty"`
	OrganisationID  int    `json:"organisation_id,omitempty"`
	NewPerson       bool   `json:"new_person"`
	NewOrganisation bool   `json:"new_organisation"`
}

// SupplierImportViewOf is an import as the API shows it; every list is present, if empty.
func SupplierImportViewOf(im service.SupplierImport) SupplierImportView {
	v := SupplierImportView{Preview: im.Preview, Created: []ImportedPersonView{}, Unchanged: []ImportedPersonView{},
		Refused: append([]domain.RowRefusal{}, im.Refused...), OrganisationsCreated: im.OrganisationsCreated}
	for _, p := range im.Created {
		v.Created = append(v.Created, importedPersonView(p))
	}
	for _, p := range im.Unchanged {
		v.Unchanged = append(v.Unchanged, importedPersonView(p))
	}
	return v
}

func importedPersonView(p service.ImportedPerson) ImportedPersonView {
	return ImportedPersonView{Row: p.Row, Name: p.Name, Email: p.Email, Organisation: p.Organisation, PersonID: p.PersonID,
		OrganisationID: p.OrganisationID, NewPerson: p.NewPerson, NewOrganisation: p.NewOrganisation}
}

// ImportFileLimit is the most a request carrying an import file may send: the file's own limit,
// with room for a form's other fields.
const ImportFileLimit = domain.MaxImportBytes + 64<<10

func (s *Server) importSuppliers(c echo.Context) error {
	if mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType)); mt != "text/csv" {
		return NewProblem(http.StatusUnsupportedMediaType, "unsupported-media-type", "Send a CSV file",
			"send the file as text/csv, one person a row under the header "+importHeader)
	}
	file, err := io.ReadAll(c.Request().Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return importTooLarge()
	}
	if err != nil {
		return BadRequest("the file could not be read")
	}
	im, err := s.Svc.ImportSuppliers(c.Request().Context(), service.ImportInput{File: file, Preview: c.QueryParam("preview") == "true"})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, SupplierImportViewOf(im))
}

// importHeader is the first row an import file has.
var importHeader = strings.Join(domain.ImportColumns, ",")

// ImportTooLarge says what to do with an import file over the limit.
var ImportTooLarge = fmt.Sprintf("an import file may be at most %d MB and %d people: split it into smaller files",
	domain.MaxImportBytes>>20, domain.MaxImportRows)

func importTooLarge() error {
	return NewProblem(http.StatusRequestEntityTooLarge, "too-large", "The file is too large", ImportTooLarge)
}
