package domain

import (
	"strings"
	"testing"
)

// Words are counted as GOV.UK Frontend's character count counts them in the browser: runs of
// characters that are not JavaScript white space.
func TestCountWordsAsThePageDoes(t *testing.T) {
	for in, want := range map[string]int{
		"":                          0,
		"   ":                       0,
		"one":                       1,
		"one two":                   2,
		" one\ttwo\nthree\r\nfour ": 4,
		"non\u00a0breaking":         2, // U+00A0 is JavaScript white space
		"em\u2003space":             2,
		"zero\u200bwidth":           1, // U+200B is not
		"bom\ufeffsplit":            2, // U+FEFF is JavaScript white space, not Go's
		"next\u0085line":            1, // U+0085 is Go's white space, not JavaScript's
		"café au lait":              3,
		"日本語":                       1,
		"well-known, don't":         2,
	} {
		if got := CountWords(in); got != want {
			t.Errorf("CountWords(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestVATIsAddedAndRoundedHalfUp(t *testing.T) {
	for _, c := range []struct {
		net   Money
		rate  VATRate
		total Money
	}{{Pounds(40_000), StandardVAT, Pounds(48_000)}, {1, StandardVAT, 1}, {3, StandardVAT, 4}, {41_666_67, StandardVAT, 50_000_00}, {100, 500, 105}, {99, 0, 99}} {
		b := BidContent{NetPrice: c.net, VATRate: c.rate}
		if b.Total() != c.total || b.VAT() != c.total-c.net {
			t.Errorf("%s at %s: total %s, want %s", c.net, c.rate.Label(), b.Total(), c.total)
		}
	}
}

func TestAppendicesKeepToTheirQuestion(t *testing.T) {
	q := Question{Key: "plan", Title: "Plan", AppendixTypes: []string{"pdf", "xlsx"}, AppendixMB: 2}
	for _, c := range []struct {
		name    string
		size    int64
		refusal string
	}{
		{"plan.pdf", 1 << 20, ""},
		{"costs.XLSX", 1 << 20, ""},
		{"costs.docx", 1 << 20, "must be pdf, xlsx"},
		{"photo.png", 1 << 20, "must be pdf, xlsx"},
		{"plan.pdf", 3 << 20, "2 MB or smaller: this file is 3.0 MB"},
	} {
		err := CheckAppendix(q, c.name, c.size)
		if (c.refusal == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.refusal)) {
			t.Errorf("%s (%d bytes): %v, want %q", c.name, c.size, err, c.refusal)
		}
	}
	if err := CheckAppendix(Question{Title: "None"}, "a.pdf", 1); err == nil {
		t.Error("an appendix to a question that takes none")
	}
}
