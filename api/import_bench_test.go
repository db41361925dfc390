package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// BenchmarkSupplierImport: 1,000 suppliers' people (250 organisations) brought on board by one
// import through the API, against the same 1,000 people added one request at a time (POST
// /api/v1/people, as an admin), in the same run on the same kind of database.
//
//	go test -run '^$' -bench BenchmarkSupplierImport -benchtime 1x ./api/
func BenchmarkSupplierImport(b *testing.B) {
	const n = 1000
	for range b.N {
		w := NewWorld(b)
		var csv strings.Builder
		csv.WriteString("organisation_name,companies_house_number,person_name,email\n")
		for i := range n {
			fmt.Fprintf(&csv, "Supplier %d Ltd,%08d,Person %d,person%d@supplier%d.example\n", i/4, 20000000+i/4, i, i, i/4)
		}
		t0 := time.Now()
		rec := w.Do(Admin, http.MethodPost, "/api/v1/imports/suppliers", csv.String(), "Content-Type", "text/csv")
		imported := time.Since(t0)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"organisations_created":250`) {
			b.Fatalf("import: %d %.300s", rec.Code, rec.Body)
		}

		// The baseline: the same people one request each, into one organisation the world has.
		t0 = time.Now()
		for i := range n {
			body := fmt.Sprintf(`{"name": "Other %d", "email": "other%d@acme.example", "roles": ["supplier"], "organisation_id": %d}`, i, i, w.BidAcme.OrganisationID)
			if rec := w.Do(Admin, http.MethodPost, "/api/v1/people", body); rec.Code != http.StatusCreated {
				b.Fatalf("add person: %d %s", rec.Code, rec.Body)
			}
		}
		oneByOne := time.Since(t0)
		b.ReportMetric(imported.Seconds(), "import-s")
		b.ReportMetric(oneByOne.Seconds(), "one-by-one-s")
		fmt.Printf("%d people: one import %.2f s (%.0f a second); one request each %.2f s (%.0f a second); import/one-by-one time %.2f\n",
			n, imported.Seconds(), n/imported.Seconds(), oneByOne.Seconds(), n/oneByOne.Seconds(), imported.Seconds()/oneByOne.Seconds())
	}
}
