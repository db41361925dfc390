package api

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// TestTheDocumentIsNoLooserThanTheServer: the server refuses what the document refuses (every
// request is held to it, contract.go), so the document must also refuse what the server
// refuses, or a client built from it sends requests that fail. These are the kinds of rule the
// server keeps that a schema can say: required text is never empty or blank, a record number is at least
// 1, a list of the programme's fields, events, stages or targets is that list, and a page is 1 to
// 200 long.
func TestTheDocumentIsNoLooserThanTheServer(t *testing.T) {
	k, err := apiContract()
	if err != nil {
		t.Fatal(err)
	}
	fields := stringsOf(domain.Fields)
	var events []string
	for _, e := range domain.WebhookEvents {
		events = append(events, e.Type)
	}
	lists := map[string][]string{"fields": fields, "field": fields, "events": events, "stage": domain.ChallengeStage("").Values()}
	idLike := func(name string) bool {
		return name == "id" || strings.HasSuffix(name, "_id") || strings.HasSuffix(name, "_ids")
	}

	var walk func(where, name string, s *openapi3.Schema, required bool)
	walk = func(where, name string, s *openapi3.Schema, required bool) {
		if s == nil {
			return
		}
		at := where + " " + name
		switch {
		case s.Type.Is("string") && required && (s.MinLength < 1 || s.Pattern == "") && s.Enum == nil && s.Format == "":
			t.Errorf("%s is required text but may be empty or blank: give it minLength 1 and pattern \\S", at)
		case s.Type.Is("integer") && idLike(name) && (s.Min == nil || *s.Min < 1):
			t.Errorf("%s is a record number without minimum 1", at)
		}
		if want, ok := lists[name]; ok && s.Type.Is("string") {
			if got := enumStrings(s.Enum); !slices.Equal(got, want) {
				t.Errorf("%s lists %v, but the server takes %v", at, got, want)
			}
		}
		for prop, ref := range s.Properties {
			walk(where, prop, ref.Value, slices.Contains(s.Required, prop))
		}
		if s.Items != nil {
			walk(where, name, s.Items.Value, false)
		}
		if ap := s.AdditionalProperties.Schema; ap != nil {
			walk(where, name+".*", ap.Value, false)
		}
	}
	for key, o := range k.operations {
		params := append(openapi3.Parameters{}, o.item.Parameters...)
		for _, p := range append(params, o.op.Parameters...) {
			walk(key, p.Value.Name, p.Value.Schema.Value, false)
			if p.Value.Name == "limit" {
				if s := p.Value.Schema.Value; s.Min == nil || *s.Min != 1 || s.Max == nil || *s.Max != 200 {
					t.Errorf("%s limit is not 1 to 200, as every list's page is", key)
				}
			}
		}
		if o.op.RequestBody == nil {
			continue
		}
		if media := o.op.RequestBody.Value.Content.Get("application/json"); media != nil {
			walk(key, "body", media.Schema.Value, false)
		}
	}
	targets := documentSchema(t, "Targets").Properties["targets"].Value
	if got, want := slices.Sorted(maps.Keys(targets.Properties)), slices.Sorted(slices.Values(stringsOf(domain.Targets))); !slices.Equal(got, want) {
		t.Errorf("the targets are %v in the document, %v in the server", got, want)
	}
}

// TestTheServerRefusesWhatTheDocumentRefuses: a request the document refuses is refused before
// anything happens, with each field's problem in words that say what to send.
func TestTheServerRefusesWhatTheDocumentRefuses(t *testing.T) {
	w := NewWorld(t)
	trail := w.DB.AuditEvent.Query().CountX(testdb.Fixture())
	for _, c := range []struct {
		name, persona, method, path, body string
		status                            int
		field, says                       string
	}{
		{"a search over its length", Anon, http.MethodGet, "/api/v1/competitions?q=" + strings.Repeat("a", 501), "",
			http.StatusBadRequest, "q", `"q" must be at most 500 characters`},
		{"a field that is not one", Anon, http.MethodGet, "/api/v1/lessons?field=" + url.QueryEscape("Astrology"), "",
			http.StatusBadRequest, "field", `"field" must be one of: Health and social care, Transport`},
		{"a page too long", Officer, http.MethodGet, "/api/v1/audit?limit=500", "",
			http.StatusBadRequest, "limit", `"limit" must be at most 200`},
		{"record number 0", AssessorAssigned, http.MethodPost, "/api/v1/interests",
			`{"organisation_id": 0, "kind": "employer", "description": "Worked there"}`,
			http.StatusUnprocessableEntity, "organisation_id", `"organisation_id" must be at least 1`},
		{"an event nobody sends", Admin, http.MethodPost, "/api/v1/webhooks",
			`{"url": "https://finance.example/hook", "events": ["contract.lost"]}`,
			http.StatusUnprocessableEntity, "events[0]", `"events[0]" must be one of: challenge.selected`},
		{"an endpoint inside the network", Admin, http.MethodPost, "/api/v1/webhooks",
			`{"url": "https://169.254.169.254/latest/meta-data/", "events": ["contract.awarded"]}`,
			http.StatusUnprocessableEntity, "url", `Catalyst cannot send to this URL: 169.254.169.254 is not on the public internet`},
		{"a target there is not", Officer, http.MethodPut, "/api/v1/figures/targets", `{"targets": {"happiness": 100}}`,
			http.StatusUnprocessableEntity, "targets", `"targets" has a field this request does not take`},
		{"empty required text", OwnerOwn, http.MethodPost, "/api/v1/challenges", `{"title": "", "public_body": "Anytown", "problem": "Bins"}`,
			http.StatusUnprocessableEntity, "title", `"title" must not be empty`},
		{"blank required text", OwnerOwn, http.MethodPost, "/api/v1/challenges", `{"title": "Bins", "public_body": "  ", "problem": "Bins"}`,
			http.StatusUnprocessableEntity, "public_body", `"public_body" must not be blank`},
	} {
		rec := w.Do(c.persona, c.method, c.path, c.body)
		var p Problem
		_ = json.Unmarshal(rec.Body.Bytes(), &p)
		said := ""
		for _, e := range p.Errors {
			if e.Field == c.field {
				said = e.Message
			}
		}
		if rec.Code != c.status || !strings.HasPrefix(said, c.says) {
			t.Errorf("%s: %d %s; want %d with %s: %s…", c.name, rec.Code, rec.Body, c.status, c.field, c.says)
		}
	}
	if after := w.DB.AuditEvent.Query().CountX(testdb.Fixture()); after != trail {
		t.Errorf("refused requests wrote %d audit events", after-trail)
	}
}

func enumStrings(vs []any) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = fmt.Sprint(v)
	}
	return out
}

func stringsOf[S ~string](xs []S) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// documentSchema is one of the document's named schemas.
func documentSchema(t *testing.T, name string) *openapi3.Schema {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(OpenAPIDocument())
	if err != nil {
		t.Fatal(err)
	}
	ref := doc.Components.Schemas[name]
	if ref == nil {
		t.Fatalf("the document has no schema %s", name)
	}
	return ref.Value
}
