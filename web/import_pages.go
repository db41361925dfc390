package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/ui"
)

// The supplier import's page: the programme team uploads a CSV of suppliers and their people,
// reads row by row what the import would create and refuse, and then imports it. The preview
// carries the file on to the import in its form, so nothing is kept between the two; the
// import judges every row again, as the records then stand.

type importData struct {
	Form    ui.Form
	Actions service.Actions
	MaxRows int
	MaxMB   int
	// Result is the preview (Result.Preview) or the import done; File is the file previewed,
	// sent again with the import.
	Result *service.SupplierImport
	File   string
}

func (s *Server) importPage(c echo.Context) error {
	return s.renderImport(c, http.StatusOK, importData{})
}

func (s *Server) renderImport(c echo.Context, status int, d importData) error {
	d.Actions = service.PeopleActions(c.Request().Context())
	d.MaxRows, d.MaxMB = domain.MaxImportRows, domain.MaxImportBytes>>20
	if d.Form.Values == nil {
		d.Form.Values = map[string]string{}
	}
	title := "Import suppliers"
	switch {
	case d.Result != nil && d.Result.Preview:
		title = "Check the suppliers to import"
	case d.Result != nil:
		title = "Suppliers imported"
	}
	return s.render(c, status, "people_import", d.Form.Title(title), "people", d)
}

// importForm previews an uploaded file, or imports the file a preview carried ("import").
func (s *Server) importForm(c echo.Context) error {
	d := importData{}
	file, chosen, err := importFile(c)
	switch {
	case errors.Is(err, errImportTooLarge):
		d.Form.Problems = domain.Problems{{Field: "file", Message: "The file must be smaller than " + strconv.Itoa(domain.MaxImportBytes>>20) + " MB: split it into smaller files"}}
		return s.renderImport(c, http.StatusRequestEntityTooLarge, d)
	case err != nil:
		return err
	case !chosen:
		d.Form.Problems = domain.Problems{{Field: "file", Message: "Choose a CSV file of suppliers to import"}}
		return s.renderImport(c, http.StatusUnprocessableEntity, d)
	}
	preview := c.FormValue("import") != "yes"
	im, err := s.Svc.ImportSuppliers(c.Request().Context(), service.ImportInput{File: file, Preview: preview})
	if errors.Is(err, domain.ErrImportFile) {
		d.Form.Problems = domain.Problems{domain.ProblemWith("file", err)}
		return s.renderImport(c, http.StatusUnprocessableEntity, d)
	}
	if err != nil {
		return err
	}
	d.Result = &im
	if preview {
		d.File = string(file)
	}
	return s.renderImport(c, http.StatusOK, d)
}

var errImportTooLarge = errors.New("the import file is too large")

// importFile is the file the form sent: uploaded as "file", or carried by a preview as "csv".
func importFile(c echo.Context) (file []byte, chosen bool, err error) {
	if err := c.Request().ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, true, errImportTooLarge
		}
		if !errors.Is(err, http.ErrNotMultipart) {
			return nil, false, nil
		}
	}
	if carried := c.FormValue("csv"); carried != "" {
		return []byte(carried), true, nil
	}
	fh, err := c.FormFile("file")
	if err != nil || fh.Size == 0 {
		return nil, false, nil
	}
	f, err := fh.Open()
	if err != nil {
		return nil, true, err
	}
	defer f.Close()
	file, err = io.ReadAll(io.LimitReader(f, domain.MaxImportBytes+1))
	if len(file) > domain.MaxImportBytes {
		return nil, true, errImportTooLarge
	}
	return file, true, err
}
