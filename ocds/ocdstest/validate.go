// Package ocdstest validates published data against the official OCDS 1.1 schemas, kept in
// schema/ with their licence and source. Tests import it; the binary does not.
package ocdstest

import (
	"bytes"
	"embed"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed schema/*.json
var files embed.FS

const base = "https://standard.open-contracting.org/schema/1__1__5/"

var (
	once                  sync.Once
	releasePkg, recordPkg *jsonschema.Schema
	compileErr            error
)

func compile() {
	c := jsonschema.NewCompiler()
	c.AssertFormat() // dates must be date-times and URIs URIs, as the standard says
	for _, name := range []string{"release-package-schema.json", "record-package-schema.json", "release-schema.json", "versioned-release-validation-schema.json"} {
		b, err := files.ReadFile("schema/" + name)
		if err != nil {
			compileErr = err
			return
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			compileErr = fmt.Errorf("%s: %w", name, err)
			return
		}
		if err := c.AddResource(base+name, doc); err != nil {
			compileErr = err
			return
		}
	}
	if releasePkg, compileErr = c.Compile(base + "release-package-schema.json"); compileErr != nil {
		return
	}
	recordPkg, compileErr = c.Compile(base + "record-package-schema.json")
}

// ReleasePackage validates a release package's JSON against the official schema, and finds
// no empty value in it.
func ReleasePackage(b []byte) error {
	return validate(b, func() *jsonschema.Schema { return releasePkg })
}

// RecordPackage validates a record package's JSON against the official schema, and finds no
// empty value in it.
func RecordPackage(b []byte) error {
	return validate(b, func() *jsonschema.Schema { return recordPkg })
}

func validate(b []byte, which func() *jsonschema.Schema) error {
	once.Do(compile)
	if compileErr != nil {
		return compileErr
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return err
	}
	if err := which().Validate(doc); err != nil {
		return err
	}
	if empty := Empty(doc); len(empty) > 0 {
		return fmt.Errorf("published empty (leave out what is not known): %s", strings.Join(empty, ", "))
	}
	return nil
}

// Empty lists the JSON paths in a decoded document whose value is an empty string, list or
// object: OCDS asks publishers to leave out what they do not know rather than publish blanks.
func Empty(doc any) []string {
	var out []string
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case string:
			if v == "" {
				out = append(out, path)
			}
		case []any:
			if len(v) == 0 {
				out = append(out, path)
			}
			for i, e := range v {
				walk(fmt.Sprintf("%s/%d", path, i), e)
			}
		case map[string]any:
			if len(v) == 0 {
				out = append(out, path)
			}
			for k, e := range v {
				walk(path+"/"+k, e)
			}
		}
	}
	walk("", doc)
	sort.Strings(out)
	return out
}
