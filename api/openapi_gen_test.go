package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/service"
)

//go:generate env CATALYST_WRITE_OPENAPI=1 go test -count=1 -run TestTheDocumentIsWrittenFromTheRoutesAndTheDomain .

// TestTheDocumentIsWrittenFromTheRoutesAndTheDomain: the parts of openapi.json that the code
// already says are written from the code, so the document cannot drift from it: who may call
// each operation (its security, x-roles, 401 and 403), each path parameter, each command's
// Idempotency-Key and its answers, and every list marked x-enum from the domain's own list.
// People write the rest: summaries, descriptions and schemas. When this fails, run
// `go generate ./api` and read the diff.
func TestTheDocumentIsWrittenFromTheRoutesAndTheDomain(t *testing.T) {
	s, e, err := build(Deps{SessionKey: make([]byte, 32)})
	if err != nil {
		t.Fatal(err)
	}
	var served []servedRoute
	for _, r := range e.Routes() {
		if documented(r.Path) && !strings.HasPrefix(r.Method, "echo_") {
			served = append(served, servedRoute{r.Method, r.Path, s.access[r.Method+" "+r.Path]})
		}
	}
	written, err := writeDocument(OpenAPIDocument(), served)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(written, OpenAPIDocument()) {
		return
	}
	if os.Getenv("CATALYST_WRITE_OPENAPI") == "1" {
		// The S3 server the tests start moves the process into its folder, so the path is the
		// source file's own.
		_, here, _, _ := runtime.Caller(0)
		if err := os.WriteFile(filepath.Join(filepath.Dir(here), "openapi.json"), written, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Log("openapi.json written; rebuild to embed it")
		return
	}
	t.Error("openapi.json is not what the routes and the domain say: run `go generate ./api` and read the diff")
}

type servedRoute struct {
	method, path string
	who          Guard
}

// documentLists are the domain's lists a schema can name with x-enum.
var documentLists = map[string]func() []string{
	"fields":             func() []string { return stringsOf(domain.Fields) },
	"roles":              func() []string { return stringsOf(authz.Roles) },
	"challenge-stages":   domain.ChallengeStage("").Values,
	"competition-states": domain.CompetitionStatus("").Values,
	"bid-states":         domain.BidStatus("").Values,
	"contract-states":    domain.ContractStatus("").Values,
	"milestone-states":   domain.MilestoneStatus("").Values,
	"gate-outcomes":      domain.GateOutcome("").Values,
	"programme-outcomes": domain.ProgrammeOutcome("").Values,
	"challenge-gates":    domain.ChallengeGo("").Values,
	"lesson-kinds":       domain.LessonKind("").Values,
	"interest-kinds":     domain.InterestKind("").Values,
	"selection-methods":  domain.SelectionMethod("").Values,
	"ratings":            domain.RAG("").Values,
	"work-kinds":         func() []string { return service.WorkKinds },
	"retention-kinds":    domain.RetentionKinds,
	"document-checks":    domain.DocumentCheck("").Values,
	"webhook-events": func() []string {
		var out []string
		for _, e := range domain.WebhookEvents {
			out = append(out, e.Type)
		}
		return out
	},
	"lifecycles": func() []string {
		var out []string
		for _, l := range domain.Lifecycles() {
			out = append(out, l.Record)
		}
		return out
	},
}

// writeDocument rewrites hand, the people-written document, with what the served routes and the
// domain say. It keeps every key's order, so the diff shows only what changed.
func writeDocument(hand []byte, served []servedRoute) ([]byte, error) {
	d := json.NewDecoder(bytes.NewReader(hand))
	d.UseNumber()
	root, err := decodeOrdered(d)
	if err != nil {
		return nil, err
	}
	doc := root.(*object)
	paths := doc.get("paths").(*object)
	param := regexp.MustCompile(`:([a-z_]+)`)
	var problems []string
	seen := map[string]bool{}
	for _, r := range served {
		path := param.ReplaceAllString(r.path, "{$1}")
		method := strings.ToLower(r.method)
		seen[method+" "+path] = true
		item, _ := paths.get(path).(*object)
		if item == nil || item.get(method) == nil {
			problems = append(problems, fmt.Sprintf("%s %s is served but not described: add its operation to openapi.json", r.method, path))
			continue
		}
		op := item.get(method).(*object)
		writeAccess(op, r.who)
		for _, name := range param.FindAllStringSubmatch(r.path, -1) {
			writePathParameter(item, op, name[1])
		}
		if r.method == http.MethodPost && strings.HasPrefix(path, "/api/") {
			writeIdempotencyKey(op)
		}
	}
	for _, path := range paths.keys {
		for _, method := range paths.get(path).(*object).keys {
			if method != "parameters" && !seen[method+" "+path] {
				problems = append(problems, fmt.Sprintf("openapi.json describes %s %s, which no route serves", strings.ToUpper(method), path))
			}
		}
	}
	walkObjects(doc, func(o *object) {
		name, ok := o.get("x-enum").(string)
		if !ok {
			return
		}
		list, ok := documentLists[name]
		if !ok {
			problems = append(problems, fmt.Sprintf("x-enum %q is not one of the domain's lists", name))
			return
		}
		var values []any
		for _, v := range list() {
			values = append(values, v)
		}
		o.set("enum", values)
	})
	walkObjects(doc, func(o *object) {
		if use, ok := o.get("x-intake").(string); ok {
			writeIntake(o.get("properties").(*object), use)
		}
	})
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, fmt.Errorf("the document and the routes disagree:\n%s", strings.Join(problems, "\n"))
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	var indented bytes.Buffer
	if err := json.Indent(&indented, bytes.TrimSpace(out.Bytes()), "", "  "); err != nil {
		return nil, err
	}
	indented.WriteByte('\n')
	return indented.Bytes(), nil
}

// writeIntake gives a challenge's schema (use: "create", "edit" or "answer") a property for each
// text question of the intake, as the domain declares it. A draft is created with every answer
// that is not optional.
func writeIntake(properties *object, use string) {
	for _, q := range domain.IntakeQuestions {
		if !q.IsText() {
			continue
		}
		p := newObject("type", "string", "maxLength", q.Max, "description", q.Hint)
		if use == "create" && !q.Optional {
			p.set("minLength", 1)
			p.set("pattern", `\S`)
		}
		properties.set(q.Field, p)
	}
}

// writeAccess says who may call the operation: anyone (an empty requirement beside the two
// ways to sign in, which a public operation also reads), or the roles after signing in in
// either way (the document's default), who are refused with 401 and 403.
func writeAccess(op *object, who Guard) {
	if who.public {
		op.set("security", []any{newObject(), newObject("bearer", []any{}), newObject("session", []any{})})
		op.del("x-roles")
		return
	}
	op.del("security")
	var roles []any
	for _, r := range who.roles {
		roles = append(roles, string(r))
	}
	op.set("x-roles", roles)
	responses := op.get("responses").(*object)
	responses.setOnce("401", newObject("$ref", "#/components/responses/Unauthenticated"))
	responses.setOnce("403", newObject("$ref", "#/components/responses/Forbidden"))
	responses.sortStatuses()
}

// writePathParameter declares a route's path parameter where neither the path nor the operation
// does: a record number is 1 or more.
func writePathParameter(item, op *object, name string) {
	for _, o := range []*object{item, op} {
		ps, _ := o.get("parameters").([]any)
		for _, p := range ps {
			if p := p.(*object); p.get("in") == "path" && p.get("name") == name {
				return
			}
		}
	}
	schema := newObject("type", "string", "minLength", json.Number("1"))
	if name == "id" {
		schema = newObject("type", "integer", "minimum", json.Number("1"))
	}
	ps, _ := op.get("parameters").([]any)
	op.set("parameters", append([]any{newObject("name", name, "in", "path", "required", true, "schema", schema)}, ps...))
}

// writeIdempotencyKey gives a command its Idempotency-Key header and the two answers the key can
// give of itself: 409 while the first request with it is being answered, 422 when it was used
// for another request.
func writeIdempotencyKey(op *object) {
	ps, _ := op.get("parameters").([]any)
	has := slices.ContainsFunc(ps, func(p any) bool { return p.(*object).get("name") == "Idempotency-Key" })
	if !has {
		op.set("parameters", append(ps, newObject("name", "Idempotency-Key", "in", "header", "required", false,
			"schema", newObject("type", "string", "maxLength", json.Number("255")),
			"description", "The same key and body replay the first answer; the same key with another body is refused with 422.")))
	}
	responses := op.get("responses").(*object)
	responses.setOnce("409", newObject("$ref", "#/components/responses/Conflict"))
	responses.setOnce("422", newObject("$ref", "#/components/responses/InvalidInput"))
	responses.sortStatuses()
}

// object is a JSON object that keeps its keys' order.
type object struct {
	keys []string
	vals map[string]any
}

func newObject(kv ...any) *object {
	o := &object{vals: map[string]any{}}
	for i := 0; i+1 < len(kv); i += 2 {
		o.set(kv[i].(string), kv[i+1])
	}
	return o
}

func (o *object) get(k string) any { return o.vals[k] }

func (o *object) set(k string, v any) {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

func (o *object) setOnce(k string, v any) {
	if _, ok := o.vals[k]; !ok {
		o.set(k, v)
	}
}

func (o *object) del(k string) {
	if _, ok := o.vals[k]; ok {
		delete(o.vals, k)
		o.keys = slices.DeleteFunc(o.keys, func(s string) bool { return s == k })
	}
}

// sortStatuses puts responses in status order ("default" last), as people write them.
func (o *object) sortStatuses() {
	sort.SliceStable(o.keys, func(i, j int) bool { return o.keys[i] < o.keys[j] })
}

func (o *object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		for _, v := range []any{k, o.vals[k]} {
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(v); err != nil {
				return nil, err
			}
			b.Truncate(b.Len() - 1) // Encode's newline
			if v == any(k) {
				b.WriteByte(':')
			}
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func decodeOrdered(d *json.Decoder) (any, error) {
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		o := newObject()
		for d.More() {
			k, err := d.Token()
			if err != nil {
				return nil, err
			}
			v, err := decodeOrdered(d)
			if err != nil {
				return nil, err
			}
			o.set(k.(string), v)
		}
		_, err := d.Token()
		return o, err
	case json.Delim('['):
		a := []any{}
		for d.More() {
			v, err := decodeOrdered(d)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		_, err := d.Token()
		return a, err
	}
	return tok, nil
}

func walkObjects(v any, f func(*object)) {
	switch v := v.(type) {
	case *object:
		f(v)
		for _, k := range v.keys {
			walkObjects(v.vals[k], f)
		}
	case []any:
		for _, x := range v {
			walkObjects(x, f)
		}
	}
}

// A route served but not described, or described but not served, stops the document being
// written, naming it; a public operation is written as one anyone may call.
func TestWritingTheDocumentNamesWhatIsMissing(t *testing.T) {
	hand := []byte(`{"paths": {"/api/v1/things": {"get": {"responses": {"200": {"description": "OK"}}}},
		"/api/v1/gone": {"get": {"responses": {}}}}}`)
	_, err := writeDocument(hand, []servedRoute{
		{http.MethodGet, "/api/v1/things", Public},
		{http.MethodPost, "/api/v1/things/:id", Only(authz.Admin)},
	})
	for _, want := range []string{"POST /api/v1/things/{id} is served but not described", "describes GET /api/v1/gone, which no route serves"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want it to say %q", err, want)
		}
	}
	written, err := writeDocument([]byte(`{"paths": {"/api/v1/things/{id}": {"post": {"responses": {"200": {"description": "OK"}}},
		"get": {"responses": {}}}}}`), []servedRoute{
		{http.MethodPost, "/api/v1/things/:id", Only(authz.Admin)},
		{http.MethodGet, "/api/v1/things/:id", Public},
	})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Security   []map[string][]string `json:"security"`
			Roles      []string              `json:"x-roles"`
			Parameters []struct{ Name, In string }
			Responses  map[string]any
		}
	}
	if err := json.Unmarshal(written, &doc); err != nil {
		t.Fatal(err)
	}
	post, get := doc.Paths["/api/v1/things/{id}"]["post"], doc.Paths["/api/v1/things/{id}"]["get"]
	if !slices.Equal(post.Roles, []string{"admin"}) || post.Security != nil || post.Responses["401"] == nil || post.Responses["403"] == nil || post.Responses["422"] == nil {
		t.Errorf("the admin's command: %+v", post)
	}
	if len(post.Parameters) != 2 || post.Parameters[0].Name != "id" || post.Parameters[1].Name != "Idempotency-Key" {
		t.Errorf("the command's parameters: %+v", post.Parameters)
	}
	if len(get.Security) == 0 || len(get.Security[0]) != 0 || get.Roles != nil || get.Responses["401"] != nil {
		t.Errorf("the public read: %+v", get)
	}
}
