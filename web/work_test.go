package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/api"
)

// Every item in each person's work queue, and everything they wait on, links to a page that
// opens for them.
func TestEveryWorkItemOpensItsPage(t *testing.T) {
	w := NewWorld(t)
	opened := 0
	for _, persona := range []string{Officer, OwnerOwn, AssessorAssigned, AssessorOther, SupplierOwn, SupplierOther} {
		rec := w.Do(persona, http.MethodGet, "/api/v1/me/work", "")
		var work api.WorkView
		if err := json.Unmarshal(rec.Body.Bytes(), &work); err != nil || rec.Code != http.StatusOK {
			t.Fatalf("%s's work: %d %s", persona, rec.Code, rec.Body)
		}
		var links []string
		for _, it := range work.Items {
			links = append(links, it.Link)
		}
		for _, it := range work.Waiting {
			links = append(links, it.Link)
		}
		for _, it := range work.Done {
			if it.Link != "" {
				links = append(links, it.Link)
			}
		}
		for _, link := range links {
			path, _, _ := strings.Cut(link, "#")
			if rec := w.Do(persona, http.MethodGet, path, "", "Accept", "text/html"); rec.Code != http.StatusOK {
				t.Errorf("%s's work links to %s, which answers %d", persona, link, rec.Code)
			}
			opened++
		}
	}
	if opened < 3 {
		t.Errorf("only %d work items in the world", opened)
	}
}
