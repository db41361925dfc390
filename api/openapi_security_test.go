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
)

// The document says of each operation exactly what the server's access rules say: one anyone may
// call declares anonymous access ({} among its security requirements), and one that needs
// sign-in does not. A client generated from the document then neither withholds a public call
// nor sends one unauthenticated that will be refused.
func TestTheDocumentSaysWhoMayCallEachOperation(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(OpenAPIDocument())
	if err != nil {
		t.Fatal(err)
	}
	param := regexp.MustCompile(`\{([^}]+)\}`)
	var wrong []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			rule, ok := routeAccess[method+" "+param.ReplaceAllString(path, ":$1")]
			if !ok {
				continue // a route without a rule is refused to all; TestOpenAPIMatchesRoutes finds it
			}
			sec := doc.Security
			if op.Security != nil {
				sec = *op.Security
			}
			anonymous := len(sec) == 0
			for _, req := range sec {
				anonymous = anonymous || len(req) == 0
			}
			switch {
			case rule.public && !anonymous:
				wrong = append(wrong, method+" "+path+" is public, but the document says it needs sign-in")
			case !rule.public && anonymous:
				wrong = append(wrong, method+" "+path+" needs sign-in, but the document says anyone may call it")
			}
		}
	}
	sort.Strings(wrong)
	if len(wrong) > 0 {
		t.Errorf("the document and the access rules disagree:\n%s", strings.Join(wrong, "\n"))
	}
}

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
	w := newWorld(t)
	srv := httptest.NewServer(w.h)
	defer srv.Close()
	param := regexp.MustCompile(`\{([^}]+)\}`)
	checked := 0
	for path, item := range doc.Paths.Map() {
		if item.Get == nil || strings.Contains(path, "{") || !routeAccess["GET "+param.ReplaceAllString(path, ":$1")].public {
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
