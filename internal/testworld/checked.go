package testworld

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

var (
	specOnce   sync.Once
	specRouter routers.Router
	specErr    error
)

// Router loads and validates the OpenAPI document once, with kin-openapi.
func Router(document []byte) (routers.Router, error) {
	specOnce.Do(func() {
		doc, err := openapi3.NewLoader().LoadFromData(document)
		if err == nil {
			err = doc.Validate(context.Background())
		}
		if err != nil {
			specErr = err
			return
		}
		// Binary and CSV answers are checked for their status and type, not read as JSON.
		for _, ct := range []string{"text/csv", "application/pdf", "image/png", "image/jpeg", "application/zip"} {
			openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
		}
		specRouter, specErr = gorillamux.NewRouter(doc)
	})
	return specRouter, specErr
}

// Checked is h for tests: every response the tests receive from a documented route is checked
// against the OpenAPI document (its status, type, headers and body), so the document and the
// answers cannot drift apart.
func Checked(t testing.TB, h http.Handler, document []byte) (http.Handler, error) {
	router, err := Router(document)
	if err != nil {
		t.Fatalf("the OpenAPI document is not valid: %v", err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Keep what the handler reads of the body for the check, and answer into a recorder.
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if err := CheckResponse(router, r, rec); err != nil {
			t.Error(err)
		}
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}), nil
}

// CheckResponse says how a response of a documented route differs from the OpenAPI document.
func CheckResponse(router routers.Router, r *http.Request, rec *httptest.ResponseRecorder) error {
	// HTTP's own rules, for pages and API alike (RFC 9110 §15.5.2, §15.5.6).
	if rec.Code == http.StatusUnauthorized && !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer ") {
		return fmt.Errorf("%s %s answered 401 without a WWW-Authenticate challenge", r.Method, r.URL.Path)
	}
	if rec.Code == http.StatusMethodNotAllowed && rec.Header().Get("Allow") == "" {
		return fmt.Errorf("%s %s answered 405 without Allow", r.Method, r.URL.Path)
	}
	if !Documented(r.URL.Path) || (r.Method == http.MethodOptions && rec.Code == http.StatusNoContent && rec.Header().Get("Allow") != "") {
		return nil // pages and assets; OPTIONS, which HTTP answers for every path with its methods
	}
	// The document's server is "/": match on the path alone.
	probe := r.Clone(context.Background())
	probe.URL = &url.URL{Path: r.URL.Path, RawQuery: r.URL.RawQuery}
	probe.Host, probe.RequestURI = "", ""
	if probe.Method == http.MethodHead {
		probe.Method = http.MethodGet // HEAD is GET's answer without its body (RFC 9110 §9.3.2)
	}
	route, params, err := router.FindRoute(probe)
	if errors.Is(err, routers.ErrPathNotFound) || errors.Is(err, routers.ErrMethodNotAllowed) {
		if rec.Code != http.StatusNotFound && rec.Code != http.StatusMethodNotAllowed {
			return fmt.Errorf("%s %s answered %d but is not in the OpenAPI document", r.Method, r.URL.Path, rec.Code)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", r.Method, r.URL.Path, err)
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: probe, PathParams: params, Route: route},
		Status:                 rec.Code,
		Header:                 rec.Header(),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	input.SetBodyBytes(bytes.Clone(rec.Body.Bytes()))
	if err := openapi3filter.ValidateResponse(context.Background(), input); err != nil {
		return fmt.Errorf("%s %s answered %d as the OpenAPI document does not say:\n%w\nbody: %.300s", r.Method, r.URL.Path, rec.Code, err, rec.Body)
	}
	// A problem's detail is one sentence a person reads: several problems go in errors.
	var p struct {
		Detail string `json:"detail"`
	}
	if rec.Header().Get("Content-Type") == "application/problem+json" && json.Unmarshal(rec.Body.Bytes(), &p) == nil &&
		strings.ContainsAny(p.Detail, "\n\r") {
		return fmt.Errorf("%s %s answered a problem whose detail is not one line: %q", r.Method, r.URL.Path, p.Detail)
	}
	return nil
}

// Documented says whether the OpenAPI document describes a path: the API's, and the health checks.
func Documented(path string) bool {
	return strings.HasPrefix(path, "/api/") || path == "/readyz" || path == "/healthz"
}
