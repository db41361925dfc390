package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/catalyst-sbri/catalyst/domain"
)

// Every command (a POST under /api/) takes an Idempotency-Key, so each says so, and documents
// the two answers the key can give of itself: 409 while the first request with it is still being
// answered, 422 when the key was used for another request.
func TestEveryCommandDocumentsItsIdempotencyKey(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(OpenAPIDocument())
	if err != nil {
		t.Fatal(err)
	}
	var wrong []string
	for path, item := range doc.Paths.Map() {
		op := item.Post
		if op == nil || !strings.HasPrefix(path, "/api/") {
			continue
		}
		if op.Parameters.GetByInAndName("header", "Idempotency-Key") == nil {
			wrong = append(wrong, "POST "+path+" does not take the Idempotency-Key header")
		}
		for _, status := range []int{409, 422} {
			if op.Responses.Status(status) == nil {
				wrong = append(wrong, fmt.Sprintf("POST %s does not document %d", path, status))
			}
		}
	}
	sort.Strings(wrong)
	if len(wrong) > 0 {
		t.Errorf("commands without their Idempotency-Key's answers:\n%s", strings.Join(wrong, "\n"))
	}
}

// A query parameter's documented maxLength is the server's: one character more is refused with
// 400, and the longest allowed is taken. Checked on every public operation that has one.
func TestAQueryParametersLimitIsTheDocuments(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(OpenAPIDocument())
	if err != nil {
		t.Fatal(err)
	}
	w := NewWorld(t)
	s, _, err := build(Deps{SessionKey: make([]byte, 32)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	param := regexp.MustCompile(`\{([^}]+)\}`)
	checked := 0
	for path, item := range doc.Paths.Map() {
		if item.Get == nil || strings.Contains(path, "{") || !s.access["GET "+param.ReplaceAllString(path, ":$1")].public {
			continue
		}
		for _, p := range item.Get.Parameters {
			s := p.Value.Schema.Value
			if p.Value.In != "query" || s.MaxLength == nil {
				continue
			}
			checked++
			for n, want := range map[int]bool{int(*s.MaxLength): true, int(*s.MaxLength) + 1: false} {
				resp, err := http.Get(srv.URL + path + "?" + url.Values{p.Value.Name: {strings.Repeat("a", n)}}.Encode())
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if ok := resp.StatusCode != http.StatusBadRequest; ok != want {
					t.Errorf("GET %s with %s of %d characters (documented at most %d): %d", path, p.Value.Name, n, *s.MaxLength, resp.StatusCode)
				}
			}
		}
	}
	if checked == 0 {
		t.Error("no public query parameter with a maxLength was checked")
	}
}

// The limits the server enforces that a schema cannot hold are said in the document, with the
// figures the domain uses: a milestone's month, and how late a keyed submit refused busy may be
// sent again.
func TestTheDocumentSaysTheLimitsItCannotSchema(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(OpenAPIDocument())
	if err != nil {
		t.Fatal(err)
	}
	month := doc.Components.Schemas["Milestone"].Value.Properties["month"].Value.Description
	if want := fmt.Sprintf("%d months in phase 1 and %d in phase 2", domain.PhaseTermMonths(1), domain.PhaseTermMonths(2)); !strings.Contains(month, want) {
		t.Errorf("a milestone's month is described %q, without %q", month, want)
	}
	submit := doc.Paths.Find("/api/v1/bids/{id}/submit").Post.Description
	if want := fmt.Sprintf("up to %d minutes after the deadline", int(domain.LateRetryWindow.Minutes())); !strings.Contains(submit, want) {
		t.Errorf("the submit is described %q, without %q", submit, want)
	}
}
