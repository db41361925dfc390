package api

import (
	"bytes"
	"encoding/csv"
	"testing"
)

// TestACellIsNeverReadAsAFormula: a cell that starts like a formula, or holds one after a
// separator a spreadsheet may split on, is written as text, headers too; numbers stay numbers.
func TestACellIsNeverReadAsAFormula(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")",
		"@SUM(A1)":                 "'@SUM(A1)",
		"Acme; =cmd|' /C calc'!A0": "'Acme; =cmd|' /C calc'!A0",
		"Acme, +1":                 "'Acme, +1",
		"Acme;\"-2+3":              "'Acme;\"-2+3",
		"-12.50":                   "-12.50",
		"42":                       "42",
		"Acme Ltd; Binsight":       "Acme Ltd; Binsight",
		"":                         "",
	} {
		if got := CsvSafe(in); got != want {
			t.Errorf("CsvSafe(%q) = %q, want %q", in, got, want)
		}
	}
	var b bytes.Buffer
	w := NewSafeCSV(&b)
	_ = w.Write([]string{"=title", "score"})
	_ = w.Write([]string{"Bins; @now", "-3"})
	w.Flush()
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil || rows[0][0] != "'=title" || rows[1][0] != "'Bins; @now" || rows[1][1] != "-3" {
		t.Errorf("written: %q, %v", rows, err)
	}
}
