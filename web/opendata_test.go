package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/ocds/ocdstest"
)

// Anyone reads the open contracting data, valid OCDS 1.1 by the standard's schemas, at stable
// URLs; nothing sealed is in it.
func TestOpenContractingData(t *testing.T) {
	w := NewWorld(t)
	sys := authz.AsSystem(testdb.Fixture(), "test")
	rec := w.Do(Anon, http.MethodGet, "/ocds/releases.json", "")
	if rec.Code != http.StatusOK {
		t.Fatalf("the bulk download: %d %s", rec.Code, rec.Body)
	}
	if err := ocdstest.ReleasePackage(rec.Body.Bytes()); err != nil {
		t.Fatalf("the bulk release package is not valid OCDS 1.1: %v", err)
	}
	var pkg struct {
		Releases []struct {
			OCID string   `json:"ocid"`
			Tag  []string `json:"tag"`
		} `json:"releases"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &pkg); err != nil {
		t.Fatal(err)
	}
	ocids := map[string]bool{}
	for _, r := range pkg.Releases {
		ocids[r.OCID] = true
	}
	want := fmt.Sprintf("ocds-catalyst-%d", w.CompA.ID)
	if !ocids[want] {
		t.Fatalf("competition A (%s) is not published: %v", want, ocids)
	}
	// Sealed bids are not in it: not their titles, not their summaries.
	for _, b := range w.DB.Bid.Query().AllX(sys) {
		if b.Title != "" && strings.Contains(rec.Body.String(), b.Title) {
			t.Errorf("a bid's title %q is published", b.Title)
		}
	}
	for ocid := range ocids {
		for _, kind := range []string{"releases", "records"} {
			r := w.Do(Anon, http.MethodGet, "/ocds/"+kind+"/"+ocid+".json", "")
			if r.Code != http.StatusOK {
				t.Fatalf("%s of %s: %d", kind, ocid, r.Code)
			}
			check := ocdstest.ReleasePackage
			if kind == "records" {
				check = ocdstest.RecordPackage
			}
			if err := check(r.Body.Bytes()); err != nil {
				t.Errorf("%s of %s is not valid OCDS 1.1: %v", kind, ocid, err)
			}
		}
	}
	rec = w.Do(Anon, http.MethodGet, "/ocds/records.json", "")
	if err := ocdstest.RecordPackage(rec.Body.Bytes()); rec.Code != http.StatusOK || err != nil {
		t.Errorf("the bulk records: %d %v", rec.Code, err)
	}
	for _, p := range []string{"/ocds/releases/ocds-catalyst-999999.json", "/ocds/releases/nonsense", "/ocds/records/ocds-other-1.json"} {
		if r := w.Do(Anon, http.MethodGet, p, ""); r.Code != http.StatusNotFound || !strings.Contains(r.Body.String(), "ocid") && !strings.Contains(r.Body.String(), "not published") {
			t.Errorf("%s: %d %s", p, r.Code, r.Body)
		}
	}
	if r := w.Do(Anon, http.MethodGet, "/open-data", ""); r.Code != http.StatusOK || !strings.Contains(r.Body.String(), want) {
		t.Errorf("the open data page: %d", r.Code)
	}
}
