package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// maxJSONBody is the largest JSON body any command takes.
const maxJSONBody = 1 << 20

// bind is the API's one JSON decoder. A body is exactly one JSON object of valid UTF-8: not
// null, not an array, nothing after it, no key twice, and no key the command does not know (all
// of them named at once). Anything else is refused before a handler sees it, so no command ever
// acts on a body it half understood.
func bind(c echo.Context, v any) error {
	ct := c.Request().Header.Get(echo.HeaderContentType)
	if ct != "" && !strings.HasPrefix(ct, echo.MIMEApplicationJSON) {
		return NewProblem(http.StatusUnsupportedMediaType, "unsupported-media-type", "Send JSON", "send the body as application/json")
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, maxJSONBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return NewProblem(http.StatusRequestEntityTooLarge, "too-large", "The request is too large", "send at most 1 MB of JSON")
		}
		return BadRequest("the request body could not be read")
	}
	if err := decodeObject(body, v); err != nil {
		return err
	}
	return checkBody(c, body)
}

// decodeObject decodes body, which must be exactly one JSON object, into v, a pointer to a
// struct.
func decodeObject(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return BadRequest("the request body is empty: send a JSON object")
	}
	if !utf8.Valid(body) {
		at := 0
		for at < len(body) {
			r, n := utf8.DecodeRune(body[at:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			at += n
		}
		return BadRequest("the body is not valid UTF-8 (at byte %d): send text encoded as UTF-8", at)
	}
	keys, err := topLevelKeys(body)
	if err != nil {
		return err
	}
	if unknown := unknownKeys(keys, reflect.TypeOf(v)); len(unknown) > 0 {
		what := "a field"
		if len(unknown) > 1 {
			what = "fields"
		}
		return BadRequest("the body has %s this request does not take: %s; check the spelling against the API's description",
			what, strings.Join(unknown, ", "))
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return BadRequest("the body is not valid JSON (at byte %d)", syn.Offset)
		case errors.As(err, &typ):
			field := jsonPath(typ.Field)
			if field == "" {
				field = "the body"
			}
			return BadRequest("%s must be %s, not %s", quoteField(field), jsonKind(typ.Type), typ.Value)
		}
		return BadRequest("%s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}

// topLevelKeys reads the body as one object and returns its keys, refusing anything else.
func topLevelKeys(body []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, BadRequest("the body is not valid JSON: send one JSON object")
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, BadRequest("the body must be one JSON object, {…}, not %s", describeToken(tok))
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, BadRequest("the body is not valid JSON (at byte %d)", dec.InputOffset())
		}
		key, _ := tok.(string)
		if slices.Contains(keys, key) {
			return nil, BadRequest("the body gives the field %q twice: give each field once", key)
		}
		keys = append(keys, key)
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, BadRequest("the body is not valid JSON (at byte %d)", dec.InputOffset())
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, BadRequest("the body is not valid JSON: it ends before the object does")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, BadRequest("the body has more after its JSON object (at byte %d): send exactly one object", dec.InputOffset())
	}
	return keys, nil
}

// unknownKeys lists the keys that no field of the struct t points to takes, sorted.
func unknownKeys(keys []string, t reflect.Type) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	known := map[string]bool{}
	var collect func(reflect.Type)
	collect = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if f.Anonymous && name == "" {
				collect(f.Type)
				continue
			}
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			known[strings.ToLower(name)] = true
		}
	}
	collect(t)
	var out []string
	for _, k := range keys {
		if !known[strings.ToLower(k)] {
			out = append(out, fmt.Sprintf("%q", k))
		}
	}
	slices.Sort(out)
	return out
}

func describeToken(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			return "an array"
		}
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "true or false"
	}
	return "something else"
}

func quoteField(f string) string { return fmt.Sprintf("%q", f) }

// jsonKind names a Go type as JSON calls it.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		if t.String() == "time.Time" {
			return "an instant such as 2026-05-14T11:00:00+01:00"
		}
		return "an object"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "of another type"
}

// jsonPath is a decoding error's field path as the body names it: Go names the embedded
// structs on the way, which the body never shows.
func jsonPath(field string) string {
	var keep []string
	for _, part := range strings.Split(field, ".") {
		if part != "" && !unicode.IsUpper([]rune(part)[0]) {
			keep = append(keep, part)
		}
	}
	return strings.Join(keep, ".")
}
