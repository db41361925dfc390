package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestMigrateADevFolder: `catalyst migrate --data DIR` applies every migration to a new dev
// folder's database, saying which, and a second run finds nothing to do.
func TestMigrateADevFolder(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := runMigrate(context.Background(), []string{"--data", dir}, &out); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.Contains(got, "Applied ") || !strings.Contains(got, "_baseline") && !strings.Contains(got, " baseline ") {
		t.Fatalf("the first migrate said %q, want each migration it applied, the baseline first", got)
	}
	out.Reset()
	if err := runMigrate(context.Background(), []string{"--data", dir}, &out); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "The database schema is up to date: no migration to apply.\n" {
		t.Fatalf("the second migrate said %q, want that there was nothing to apply", got)
	}
}
