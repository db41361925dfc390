package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/api"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/ui"
)

// receiptCheckData is the public check of a receipt against the transparency log.
type receiptCheckData struct {
	Form   ui.Form
	Result *service.LogCheck
}

// checkReceiptPage lets anyone, signed in or not, check a receipt file against the public log.
func (s *Server) checkReceiptPage(c echo.Context) error {
	return s.render(c, http.StatusOK, "receipt_check", "Check a receipt in the public log", "", receiptCheckData{Form: ui.Form{Values: map[string]string{}}})
}

// checkReceiptForm checks the uploaded receipt file: its sealed form, the log's signature, its
// entry's proof, and the log as it stands.
func (s *Server) checkReceiptForm(c echo.Context) error {
	d := receiptCheckData{Form: ui.Form{Values: map[string]string{}}}
	refuse := func(msg string) error {
		d.Form.Problems = domain.Problems{{Field: "file", Message: msg}}
		return s.render(c, http.StatusUnprocessableEntity, "receipt_check", "Error: Check a receipt in the public log", "", d)
	}
	r, chosen, err := receiptFile(c)
	switch {
	case !chosen:
		return refuse("Choose the receipt file you downloaded after you submitted")
	case err != nil:
		return refuse("The file is not a Catalyst receipt: choose the receipt file (a .json file) you downloaded after you submitted")
	}
	v, err := s.Svc.CheckReceiptInLog(c.Request().Context(), service.ReceiptClaim{Receipt: r.Receipt, ContentHash: r.ContentHash, Sealed: r.Sealed, Log: r.Log})
	if errors.As(err, &d.Form.Problems) {
		return s.render(c, http.StatusUnprocessableEntity, "receipt_check", "Error: Check a receipt in the public log", "", d)
	}
	if err != nil {
		return err
	}
	d.Result = &v
	return s.render(c, http.StatusOK, "receipt_check", "Check a receipt in the public log", "", d)
}

// receiptFile reads the receipt file a form uploaded as "file"; chosen is false when none was.
func receiptFile(c echo.Context) (r api.ReceiptFile, chosen bool, err error) {
	fh, err := c.FormFile("file")
	if err != nil || fh.Size == 0 {
		return r, false, nil
	}
	f, err := fh.Open()
	if err != nil {
		return r, true, err
	}
	defer f.Close()
	return r, true, json.NewDecoder(io.LimitReader(f, 4<<20)).Decode(&r)
}
