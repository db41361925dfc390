package service

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestTheServiceSharesWritesThroughRecords fails when the service's code imports the
// activities: they are the workflows' side of a step, and what a person's command shares with
// a workflow (the trail, notices, assignment, scoring, retention) lives in records/, beneath
// both, so neither reaches into the other.
func TestTheServiceSharesWritesThroughRecords(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, imp := range parsed.Imports {
			if path, _ := strconv.Unquote(imp.Path.Value); path == "github.com/catalyst-sbri/catalyst/activities" {
				t.Errorf("service/%s imports the activities: move what it shares with them into records/", f)
			}
		}
	}
	if checked < 30 {
		t.Fatalf("only %d files checked", checked)
	}
}
