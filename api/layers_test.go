package api

import (
	"bytes"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// TestHandlersAreAdaptersOverTheService fails when the JSON API's code or the pages' (web/)
// imports an Ent query package, the activities or the shared writes (records/): every command and read goes through
// service/, so a rule and its refusal are the same wherever a person meets them. The API never
// imports the pages: they register themselves on it.
func TestHandlersAreAdaptersOverTheService(t *testing.T) {
	_, self, _, _ := runtime.Caller(0) // absolute: the S3 server in TestMain changes directory
	files, err := filepath.Glob(filepath.Join(filepath.Dir(self), "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	pages, err := filepath.Glob(filepath.Join(filepath.Dir(self), "..", "web", "*.go"))
	if err != nil || len(pages) < 10 {
		t.Fatalf("the pages' files: %d, %v", len(pages), err)
	}
	files = append(files, pages...)
	const module = "github.com/catalyst-sbri/catalyst/"
	allowed := map[string]bool{module + "ent": true, module + "ent/privacy": true}
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		f = filepath.Join(filepath.Base(filepath.Dir(f)), filepath.Base(f))
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, imp := range parsed.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			switch {
			case strings.HasPrefix(path, module+"ent") && !allowed[path]:
				t.Errorf("%s imports %s: read and write records through service/", f, path)
			case path == module+"activities" || path == module+"records":
				t.Errorf("%s imports %s: call service/, which makes those writes", f, path)
			case path == module+"web" && parsed.Name.Name == "api":
				t.Errorf("%s imports the pages: they register themselves on the API's server (api.New(d, web.Pages))", f)
			}
		}
	}
	if checked < 40 {
		t.Fatalf("only %d files checked", checked)
	}
}

// TestNoEchoReverseProxy holds the assessment of GO-2026-6875 in SECURITY.md: echo v4's reverse
// proxy middleware forwards a client's X-Real-IP upstream, and Catalyst uses it nowhere.
func TestNoEchoReverseProxy(t *testing.T) {
	_, self, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(self), "..")
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		if bytes.Contains(b, []byte("middleware.Proxy")) {
			t.Errorf("%s uses echo's reverse proxy middleware (GO-2026-6875 has no fix in echo v4)", path)
		}
		return nil
	})
	if err != nil || checked < 200 {
		t.Fatalf("checked %d files: %v", checked, err)
	}
}
