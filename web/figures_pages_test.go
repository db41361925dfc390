package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/catalyst-sbri/catalyst/api"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// The programme reads its figures on a page without JavaScript, downloads them, and sets its
// targets; a wrong target is named and what was typed kept.
func TestTheProgrammesFiguresOnPages(t *testing.T) {
	w := NewWorld(t)
	sys := authz.AsSystem(testdb.Fixture(), "test")
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	c := browser(t)
	read(t)(c.PostForm(srv.URL+"/sign-in", url.Values{"email": {"officer@programme.example"}}))
	code, page := read(t)(c.Get(srv.URL + "/figures"))
	if code != http.StatusOK {
		t.Fatalf("the figures page: %d", code)
	}
	for _, want := range []string{"Who we reach", `<svg role="img" aria-labelledby="reach-title reach-desc"`, "Small and medium-sized enterprises",
		"Turnarounds in days", "Money by challenge and round", "Bids submitted", `value="92"`, `value="21"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the figures page lacks %q", want)
		}
	}

	// The funnel counts what the records hold.
	var v api.FiguresView
	getFigures := func() {
		t.Helper()
		rec := w.Do(Officer, http.MethodGet, "/api/v1/figures", "")
		if rec.Code != http.StatusOK {
			t.Fatalf("GET /api/v1/figures: %d", rec.Code)
		}
		v = api.FiguresView{}
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
	}
	getFigures()
	bids := w.DB.Bid.Query().Where(bid.SubmittedAtNotNil(), bid.StatusNotIn(domain.BidDraft, domain.BidWithdrawn)).CountX(sys)
	if v.Funnel[3].Label != "Bids submitted" || v.Funnel[3].Count != bids || bids == 0 {
		t.Errorf("funnel %+v, want %d bids", v.Funnel, bids)
	}

	resp, err := c.Get(srv.URL + "/figures.csv?table=reach")
	code, body := readBody(t, resp, err)
	if code != http.StatusOK || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("the CSV: %d %s", code, resp.Header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) != 6 || rows[0][0] != "Group" || rows[1][0] != "Small and medium-sized enterprises" {
		t.Errorf("the CSV: %v %v", rows, err)
	}
	// The money ends with the programme's total, after each round's.
	_, body = read(t)(c.Get(srv.URL + "/figures.csv?table=money"))
	money, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(money) < 2 || strings.Join(money[len(money)-1][:2], ",") != "All rounds,Total" ||
		len(money) > 2 && money[len(money)-2][1] != "Round total" {
		t.Errorf("the money CSV: %v %v", money, err)
	}
	if code, _ := read(t)(c.Get(srv.URL + "/figures.csv?table=secrets")); code != http.StatusUnprocessableEntity {
		t.Errorf("an unknown table: %d", code)
	}
	resp, err = c.Get(srv.URL + "/figures.xlsx")
	code, body = readBody(t, resp, err)
	if code != http.StatusOK {
		t.Fatalf("the XLSX: %d", code)
	}
	book, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	if sheets := book.GetSheetList(); strings.Join(sheets, ",") != "Who we reach,How fast,Money,Funnel" {
		t.Errorf("sheets %v", sheets)
	}
	label, _ := book.GetCellValue("Funnel", "A5")
	count, _ := book.GetCellValue("Funnel", "B5")
	if label != "Bids submitted" || count != strconv.Itoa(bids) {
		t.Errorf("the workbook's funnel: %q %q", label, count)
	}

	csrf := csrfInput.FindStringSubmatch(page)[1]
	form := url.Values{"csrf_token": {csrf}}
	for _, tg := range domain.Targets {
		form.Set(string(tg), "50")
	}
	form.Set("decision_days", "0")
	form.Set("sme", "lots")
	code, page = read(t)(c.PostForm(srv.URL+"/figures/targets", form))
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, `href="#sme"`) || !strings.Contains(page, `value="lots"`) {
		t.Fatalf("a wrong target: %d", code)
	}
	form.Set("sme", "90")
	code, page = read(t)(c.PostForm(srv.URL+"/figures/targets", form))
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, "Enter a number of days from 1 to 365") {
		t.Fatalf("zero days: %d", code)
	}
	form.Set("decision_days", "14")
	resp, err = c.PostForm(srv.URL+"/figures/targets", form)
	if code, _ := readBody(t, resp, err); code != http.StatusSeeOther {
		t.Fatalf("saving targets: %d", code)
	}
	getFigures()
	if v.Targets["decision_days"] != 14 || v.Targets["sme"] != 90 || v.Time[0].TargetDays != 14 || v.Reach[0].TargetPercent != 90 {
		t.Errorf("targets after saving: %v", v.Targets)
	}

	// Only the programme team reads them.
	dana := browser(t)
	read(t)(dana.PostForm(srv.URL+"/sign-in", url.Values{"email": {w.People[SupplierOwn].Email}}))
	for _, p := range []string{"/figures", "/figures.csv?table=reach", "/figures.xlsx"} {
		if code, _ := read(t)(dana.Get(srv.URL + p)); code != http.StatusForbidden && code != http.StatusNotFound {
			t.Errorf("a supplier read %s: %d", p, code)
		}
	}
}
