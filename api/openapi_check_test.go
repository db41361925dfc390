package api

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/catalyst-sbri/catalyst/internal/testworld"
)

// TestTheResponseCheckCatchesDrift: a status, a field or a type the document does not give is
// caught, so a passing API test means its answers match the document.
func TestTheResponseCheckCatchesDrift(t *testing.T) {
	router, err := testworld.Router(OpenAPIDocument())
	if err != nil {
		t.Fatal(err)
	}
	answer := func(status int, ct, body string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		rec.Header().Set("Content-Type", ct)
		rec.WriteHeader(status)
		rec.WriteString(body)
		return rec
	}
	get := func(path string) *http.Request { return httptest.NewRequest(http.MethodGet, path, nil) }
	for name, c := range map[string]struct {
		r   *http.Request
		rec *httptest.ResponseRecorder
	}{
		"an undocumented status": {get("/api/v1/challenges/1"), answer(418, "application/problem+json", `{"type":"t","title":"t","status":418}`)},
		"a field the schema lacks": {get("/api/v1/organisations"), answer(200, "application/json",
			`{"items":[{"id":1,"name":"Acme","public_body":false,"colour":"red"}]}`)},
		"a document's content as octet-stream": {get("/api/v1/documents/1/content"), answer(200, "application/octet-stream", "x")},
		"a problem without its type":           {get("/api/v1/challenges/1"), answer(404, "application/problem+json", `{"title":"t","status":404}`)},
	} {
		if testworld.CheckResponse(router, c.r, c.rec) == nil {
			t.Errorf("%s passed the check", name)
		}
	}
	if err := testworld.CheckResponse(router, get("/api/v1/organisations"), answer(200, "application/json",
		`{"items":[{"id":1,"name":"Acme","public_body":false}]}`)); err != nil {
		t.Errorf("a good answer failed the check: %v", err)
	}
}
