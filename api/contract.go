package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
)

// The OpenAPI document is the API's contract, and the server holds requests to it: a body or a
// query parameter the document refuses is refused here, in one place, with each field's problem
// in words. So the document can never be stricter than the server; the tests hold it to being
// no looser (openapi_strict_test.go). kin-openapi reads and applies the document; it is kept,
// complete for OpenAPI 3.0 and already what the tests check every answer with.

// contract is the document's operations, keyed by method and path shape ("POST /api/v1/bids/{}").
type contract struct {
	operations map[string]contractOperation
}

type contractOperation struct {
	op   *openapi3.Operation
	item *openapi3.PathItem
}

// apiContract loads the embedded document once.
var apiContract = sync.OnceValues(func() (*contract, error) {
	doc, err := openapi3.NewLoader().LoadFromData(OpenAPIDocument())
	if err == nil {
		err = doc.Validate(context.Background())
	}
	if err != nil {
		return nil, fmt.Errorf("the OpenAPI document: %w", err)
	}
	k := &contract{operations: map[string]contractOperation{}}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			k.operations[method+" "+pathShape(path)] = contractOperation{op: op, item: item}
		}
	}
	return k, nil
})

// pathShape writes a route's path with each parameter as {}, whether Echo's :id or OpenAPI's {id}.
func pathShape(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") || strings.HasPrefix(p, "{") {
			parts[i] = "{}"
		}
	}
	return strings.Join(parts, "/")
}

func (k *contract) operation(c echo.Context) (contractOperation, bool) {
	method := c.Request().Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	o, ok := k.operations[method+" "+pathShape(c.Path())]
	return o, ok
}

// checkBody holds a JSON body to its operation's schema.
func checkBody(c echo.Context, body []byte) error {
	k, err := apiContract()
	if err != nil {
		return err
	}
	o, ok := k.operation(c)
	if !ok || o.op.RequestBody == nil || o.op.RequestBody.Value == nil {
		return nil
	}
	media := o.op.RequestBody.Value.Content.Get(echo.MIMEApplicationJSON)
	if media == nil || media.Schema == nil || media.Schema.Value == nil {
		return nil
	}
	var value any
	if err := json.Unmarshal(body, &value); err != nil {
		return nil // bind has said what is wrong with it already
	}
	err = media.Schema.Value.VisitJSON(value, openapi3.MultiErrors(), openapi3.VisitAsRequest())
	return contractProblems(err, "").Err()
}

// checkQuery holds an API request's query parameters to its operation's.
func (s *Server) checkQuery(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !strings.HasPrefix(c.Path(), "/api/") || c.Request().URL.RawQuery == "" {
			return next(c)
		}
		k, err := apiContract()
		if err != nil {
			return err
		}
		o, ok := k.operation(c)
		if !ok {
			return next(c)
		}
		input := &openapi3filter.RequestValidationInput{Request: c.Request(), Route: &routers.Route{Operation: o.op, PathItem: o.item},
			Options: &openapi3filter.Options{MultiError: true}}
		var ps domain.Problems
		params := append(openapi3.Parameters{}, o.item.Parameters...)
		params = append(params, o.op.Parameters...)
		for _, p := range params {
			if p.Value == nil || p.Value.In != openapi3.ParameterInQuery {
				continue
			}
			if err := openapi3filter.ValidateParameter(c.Request().Context(), input, p.Value); err != nil {
				ps = append(ps, contractProblems(err, p.Value.Name)...)
			}
		}
		if len(ps) > 0 {
			return &problemError{status: http.StatusBadRequest, kind: "bad-request", title: "The request is not valid", detail: ps.Error(), errors: ps}
		}
		return next(c)
	}
}

// contractProblems says, field by field, what the document's checks found: each in words that
// say what to send instead.
func contractProblems(err error, param string) domain.Problems {
	var ps domain.Problems
	var walk func(error)
	walk = func(err error) {
		var me openapi3.MultiError
		var re *openapi3filter.RequestError
		var se *openapi3.SchemaError
		switch {
		case err == nil:
		case errors.As(err, &me):
			for _, e := range me {
				walk(e)
			}
		case errors.As(err, &se):
			field := fieldPath(se.JSONPointer())
			if param != "" {
				field = param
			}
			if ps.For(field) == "" { // one problem a field: the first says what to fix
				ps.Add(field, "%s", schemaMessage(field, se))
			}
		case errors.As(err, &re) && re.Err != nil && !errors.Is(re.Err, openapi3filter.ErrInvalidRequired):
			walk(re.Err)
		case errors.Is(err, openapi3filter.ErrInvalidRequired):
			ps.Add(param, "Give %q: it is required", param)
		default:
			ps.Add(param, "%q is not valid: %v", param, err)
		}
	}
	walk(err)
	return ps
}

// fieldPath writes a JSON pointer as the problems' fields are named: questions[0].text.
func fieldPath(pointer []string) string {
	var b strings.Builder
	for _, p := range pointer {
		if p != "" && strings.Trim(p, "0123456789") == "" {
			b.WriteString("[" + p + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	if b.Len() == 0 {
		return "the body"
	}
	return b.String()
}

func schemaMessage(field string, e *openapi3.SchemaError) string {
	s := e.Schema
	q := fmt.Sprintf("%q", field)
	if field == "the body" {
		q = field
	}
	switch e.SchemaField {
	case "required":
		return fmt.Sprintf("Give %s: it is required", q)
	case "minLength":
		if s.MinLength <= 1 {
			return fmt.Sprintf("%s must not be empty", q)
		}
		return fmt.Sprintf("%s must be at least %d characters", q, s.MinLength)
	case "maxLength":
		return fmt.Sprintf("%s must be at most %d characters", q, *s.MaxLength)
	case "minimum":
		return fmt.Sprintf("%s must be at least %g", q, *s.Min)
	case "maximum":
		return fmt.Sprintf("%s must be at most %g", q, *s.Max)
	case "exclusiveMinimum":
		return fmt.Sprintf("%s must be more than %g", q, *s.Min)
	case "exclusiveMaximum":
		return fmt.Sprintf("%s must be less than %g", q, *s.Max)
	case "enum":
		values := make([]string, len(s.Enum))
		for i, v := range s.Enum {
			values[i] = fmt.Sprint(v)
		}
		if len(values) > 30 {
			return fmt.Sprintf("%s must be one of the values the API's description lists for it", q)
		}
		return fmt.Sprintf("%s must be one of: %s", q, strings.Join(values, ", "))
	case "type":
		return fmt.Sprintf("%s must be %s", q, schemaKind(s))
	case "format":
		switch s.Format {
		case "date-time":
			return fmt.Sprintf("%s must be a date and time such as 2027-03-01T12:00:00Z", q)
		case "date":
			return fmt.Sprintf("%s must be a date such as 2027-03-01", q)
		case "email":
			return fmt.Sprintf("%s must be an email address, like name@example.com", q)
		case "uri":
			return fmt.Sprintf("%s must be a full web address, starting https://", q)
		}
		return fmt.Sprintf("%s must be in the form %s", q, s.Format)
	case "pattern":
		if s.Pattern == `\S` {
			return fmt.Sprintf("%s must not be blank: write something in it", q)
		}
		return fmt.Sprintf("%s is not in the form the API's description gives for it", q)
	case "minItems":
		return fmt.Sprintf("%s must list at least %d", q, s.MinItems)
	case "maxItems":
		return fmt.Sprintf("%s must list at most %d", q, *s.MaxItems)
	case "uniqueItems":
		return fmt.Sprintf("%s lists the same thing twice: give each once", q)
	case "nullable":
		return fmt.Sprintf("%s cannot be null: leave it out or give %s", q, schemaKind(s))
	case "readOnly":
		return fmt.Sprintf("%s is set by Catalyst: leave it out", q)
	case "additionalProperties", "properties":
		return fmt.Sprintf("%s has a field this request does not take: check the spelling against the API's description", q)
	case "oneOf", "anyOf", "allOf":
		return fmt.Sprintf("%s does not match any form the API's description gives for it", q)
	}
	return fmt.Sprintf("%s is not valid: %s", q, e.Reason)
}

// schemaKind names a schema's type as JSON calls it.
func schemaKind(s *openapi3.Schema) string {
	switch {
	case s.Type.Is("string"):
		return "text"
	case s.Type.Is("integer"):
		return "a whole number"
	case s.Type.Is("number"):
		return "a number"
	case s.Type.Is("boolean"):
		return "true or false"
	case s.Type.Is("array"):
		return "an array"
	case s.Type.Is("object"):
		return "an object"
	}
	return "a value of the type the API's description gives"
}
