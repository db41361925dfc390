package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
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

// TestImportSuppliersFromTheCommandLine: `catalyst people import FILE` adds a CSV's suppliers
// to a dev folder's records, says what it did and which rows it refused and why, and run again
// adds nobody.
func TestImportSuppliersFromTheCommandLine(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	if err := runMigrate(ctx, []string{"--data", dir}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "suppliers.csv")
	if err := os.WriteFile(file, []byte("organisation_name,companies_house_number,person_name,email\n"+
		"Pine Labs Ltd,07654321,Pia Pine,pia@pine.example\n"+
		"Pine Labs Ltd,,Paz Pine,paz@pine.example\n"+
		"Oak Ltd,,No Email,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := runPeople(ctx, []string{"import", file, "--data", dir}, &out); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "Added 2 people, 1 new organisation; 0 already here, unchanged; 1 refused.\n  row 4 refused: Enter the person's email address\n" {
		t.Errorf("the import said %q", got)
	}
	out.Reset()
	if err := runPeople(ctx, []string{"import", "--data", dir, file}, &out); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.HasPrefix(got, "Added 0 people, 0 new organisations; 2 already here, unchanged; 1 refused.") {
		t.Errorf("the import run again said %q", got)
	}
	if err := runPeople(ctx, []string{"import", filepath.Join(dir, "missing.csv"), "--data", dir}, &out); err == nil {
		t.Error("a file that is not there was imported")
	}
}
