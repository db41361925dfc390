package domain

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestTextRefusesWhatReadsAsSomethingElse(t *testing.T) {
	line := Text{Field: "title", Label: "the title", Max: 10}
	multi := Text{Field: "problem", Label: "the problem", Max: 10, MultiLine: true}
	cases := []struct {
		name string
		f    Text
		in   string
		want string // the cleaned text, or "" when refused
		why  string // words of the refusal
	}{
		{"plain", line, "  Bins  ", "Bins", ""},
		{"counted in characters, not bytes", line, strings.Repeat("€", 10), strings.Repeat("€", 10), ""},
		{"one character too many", line, strings.Repeat("€", 11), "", "10 characters or fewer; it is 11"},
		{"empty", line, "   ", "", "Enter the title"},
		{"NUL", line, "a\x00b", "", "a control character (U+0000) at character 2"},
		{"escape", line, "a\x1bb", "", "a control character"},
		{"DEL", line, "a\x7fb", "", "a control character"},
		{"C1 control", line, "a\u0085b", "", "a control character"},
		{"newline in one line", line, "a\nb", "", "a line break or tab"},
		{"tab in one line", line, "a\tb", "", "a line break or tab"},
		{"newline in many lines", multi, "a\nb", "a\nb", ""},
		{"a form's CRLF", multi, "a\r\nb", "a\nb", ""},
		{"a lone CR", multi, "a\rb", "", "a control character"},
		{"right-to-left override", line, "cod\u202Egnp.exe", "", "a right-to-left or left-to-right control (U+202E)"},
		{"right-to-left isolate", line, "a\u2067b", "", "a right-to-left or left-to-right control"},
		{"left-to-right mark", line, "a\u200Eb", "", "a right-to-left or left-to-right control"},
		{"line separator", multi, "a\u2028b", "", "a line or paragraph separator"},
		{"replacement character", line, "a\uFFFDb", "", "a character that could not be read"},
		{"invalid UTF-8", line, "a\xffb", "", "not valid UTF-8"},
		{"noncharacter", line, "a\uFFFEb", "", "not for text"},
		{"Welsh and emoji are text", line, "Ŵyl 👩‍💻", "Ŵyl 👩‍💻", ""},
		{"Arabic is text", line, "مرحبا", "مرحبا", ""},
		{"optional may be empty", Text{Field: "x", Label: "x", Max: 5, Optional: true}, " ", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, p := c.f.Clean(c.in)
			switch {
			case c.why == "" && p != nil:
				t.Fatalf("refused %q: %s", c.in, p.Message)
			case c.why == "" && got != c.want:
				t.Fatalf("Clean(%q) = %q, want %q", c.in, got, c.want)
			case c.why != "" && p == nil:
				t.Fatalf("accepted %q as %q; want a refusal saying %q", c.in, got, c.why)
			case c.why != "" && (!strings.Contains(p.Message, c.why) || p.Field != c.f.Field):
				t.Fatalf("refusal %s: %q does not say %q", p.Field, p.Message, c.why)
			}
		})
	}
}

// FuzzText: whatever is sent, Clean never panics, and what it accepts is valid UTF-8, trimmed,
// within the limit, and free of every refused character.
func FuzzText(f *testing.F) {
	for _, s := range []string{"Bins", "a\x00b", "a\r\nb", "\u202Eexe", "€€€", "\xff", " \t\n "} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, multi bool) {
		field := Text{Field: "f", Label: "the field", Max: 50, MultiLine: multi}
		got, p := field.Clean(s)
		if p != nil {
			if p.Field != "f" || p.Message == "" {
				t.Fatalf("a refusal must name the field and say why: %+v", p)
			}
			return
		}
		if !utf8.ValidString(got) || strings.TrimSpace(got) != got || utf8.RuneCountInString(got) > 50 || got == "" {
			t.Fatalf("accepted %q as %q", s, got)
		}
		for _, r := range got {
			if field.refused(r) != "" {
				t.Fatalf("accepted %q with %U", got, r)
			}
		}
		again, p := field.Clean(got)
		if p != nil || again != got {
			t.Fatalf("cleaning is not stable: %q then %q (%v)", got, again, p)
		}
	})
}

func TestProblemsReadAsOneSentenceAndListEachField(t *testing.T) {
	var ps Problems
	if ps.Err() != nil {
		t.Fatal("no problems must be no error")
	}
	ps.Add("title", "enter the title")
	ps.Add("pot_pence", "VAT is not a pot")
	err := ps.Err()
	if !errors.Is(err, ErrInvalidInput) {
		t.Fatal("problems are invalid input")
	}
	if got := err.Error(); got != "Enter the title; VAT is not a pot" || strings.Contains(got, "\n") {
		t.Fatalf("Error() = %q", got)
	}
	if ps.For("pot_pence") != "VAT is not a pot" || ps.For("nope") != "" {
		t.Fatal("For finds a field's problem")
	}
}

func TestDocumentNamesAreCutOnCharactersAndCleaned(t *testing.T) {
	long := strings.Repeat("€", 300) + ".pdf"
	got, err := DocumentName(long)
	if err != nil {
		t.Fatal(err)
	}
	if !utf8.ValidString(got) || utf8.RuneCountInString(got) != MaxDocumentName || !strings.HasSuffix(got, "€.pdf") {
		t.Fatalf("a long name kept %d characters, ending %q", utf8.RuneCountInString(got), got[len(got)-8:])
	}
	for in, want := range map[string]string{
		"invoice\u202Efdp.exe": "invoicefdp.exe",
		`a/b\c"d.txt`:          "a_b_c_d.txt",
		"bad\xffbyte.txt":      "badbyte.txt",
		"  report\x00.pdf ":    "report.pdf",
		"Cynllun ŵyl.docx":     "Cynllun ŵyl.docx",
		"report\u200b.exe":     "report.exe",
		"\ufeffnotes.txt":      "notes.txt",
	} {
		if got, err := DocumentName(in); err != nil || got != want {
			t.Errorf("DocumentName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	// Cleaned, a hidden ending shows, and the allow-list refuses it.
	for _, in := range []string{"invoice\u202Etxt.exe", "report\u200b.exe", "report.pdf\u200b.exe"} {
		name, _ := DocumentName(in)
		if _, err := DocumentKindByName(name); err == nil || !strings.Contains(err.Error(), "a .exe file cannot be uploaded") {
			t.Errorf("%q, kept as %q: %v", in, name, err)
		}
	}
	for _, empty := range []string{"", "  ", "\u202E", "..", "../../etc/passwd", `..\..\boot.ini`, "/etc/passwd", `C:\Windows\x.pdf`} {
		if _, err := DocumentName(empty); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("DocumentName(%q) = %v; want a refusal", empty, err)
		}
	}
}

func TestNothingAboutABidChangesAfterItsDeadline(t *testing.T) {
	deadline := time.Date(2026, 5, 14, 10, 0, 0, 0, time.UTC)
	before, at, after := deadline.Add(-time.Nanosecond), deadline, deadline.Add(time.Second)
	cases := []struct {
		bid  BidStatus
		comp CompetitionStatus
		now  time.Time
		kind error // nil when allowed
	}{
		{BidDraft, CompetitionOpen, before, nil},
		{BidDraft, CompetitionOpen, at, ErrCompetitionClosed},
		{BidDraft, CompetitionOpen, after, ErrCompetitionClosed},
		{BidDraft, CompetitionAssessment, before, ErrCompetitionClosed},
		{BidDraft, CompetitionDecided, after, ErrCompetitionClosed},
		{BidSubmitted, CompetitionOpen, before, ErrInvalidTransition},
		{BidFunded, CompetitionDecided, after, ErrInvalidTransition},
	}
	for _, c := range cases {
		err := c.bid.CheckChange(c.comp, deadline, c.now)
		if c.kind == nil && err != nil || c.kind != nil && !errors.Is(err, c.kind) {
			t.Errorf("%s bid, %s competition, %s: %v; want %v", c.bid, c.comp, c.now.Sub(deadline), err, c.kind)
		}
	}
	if AcceptsBids(CompetitionOpen, deadline, at) || !DeadlinePassed(deadline, at) {
		t.Error("at the deadline itself the competition is closed, for the submit path and the workflow alike")
	}
}

func TestCompetitionSettingsHaveSaneRanges(t *testing.T) {
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	for name, c := range map[string]struct {
		err   error
		field string
	}{
		"a deadline in 9999":           {CheckDeadline(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), now), "closes_at"},
		"a deadline now":               {CheckDeadline(now, now), "closes_at"},
		"no deadline":                  {CheckDeadline(time.Time{}, now), "closes_at"},
		"zero contracts":               {PhaseCaps{Pot: Pounds(100), MaxContract: Pounds(10)}.Validate(), "max_contracts"},
		"a pot near 2^63":              {PhaseCaps{Pot: Money(1<<63 - 1), MaxContract: Pounds(10), MaxContracts: 1}.Validate(), "pot_pence"},
		"1,000 assessments a bid":      {scheme(func(s *Scheme) { s.MinAssessors = 1000 }), "min_assessors"},
		"a weight near 2^63":           {scheme(func(s *Scheme) { s.Criteria[0].Weight = 1<<62 + 1 }), "criteria[0].weight"},
		"a maximum score of a million": {scheme(func(s *Scheme) { s.Criteria[0].Max = 1_000_000 }), "criteria[0].max"},
		"a key with spaces":            {scheme(func(s *Scheme) { s.Criteria[0].Key = "fit to challenge" }), "criteria[0].key"},
		"a title with a NUL":           {scheme(func(s *Scheme) { s.Criteria[0].Title = "Fit\x00" }), "criteria[0].title"},
	} {
		var ps Problems
		if !errors.As(c.err, &ps) || ps.For(c.field) == "" {
			t.Errorf("%s: %v; want a problem with %s", name, c.err, c.field)
		}
	}
	if err := CheckDeadline(now.Add(6*7*24*time.Hour), now); err != nil {
		t.Errorf("a six-week competition: %v", err)
	}
	if err := DefaultCaps(1).Validate(); err != nil {
		t.Error(err)
	}
	if err := DefaultScheme().Check(); err != nil {
		t.Error(err)
	}
}

func scheme(change func(*Scheme)) error {
	s := DefaultScheme()
	change(&s)
	return s.Check()
}

func TestAssignmentsAreFixedOnceDecided(t *testing.T) {
	if err := CompetitionAssessment.ChangeAssignments(); err != nil {
		t.Fatal(err)
	}
	for _, s := range []CompetitionStatus{CompetitionOpen, CompetitionDecided, CompetitionClosedNoBids} {
		if err := s.ChangeAssignments(); !errors.Is(err, ErrInvalidTransition) || !strings.Contains(err.Error(), s.Label()) {
			t.Errorf("%s: %v; want a refusal naming the status", s, err)
		}
	}
}

func TestOnlyAChallengeOwnerInAPublicBodyOwnsAChallenge(t *testing.T) {
	if CanOwnChallenge(true, true) != nil {
		t.Fatal("a challenge owner in a public body may own a challenge")
	}
	for _, c := range [][2]bool{{false, true}, {true, false}, {false, false}} {
		if !errors.Is(CanOwnChallenge(c[0], c[1]), ErrInvalidInput) {
			t.Errorf("role %v, public body %v: allowed", c[0], c[1])
		}
	}
}

func TestASecondGateDecisionNamesTheContractsState(t *testing.T) {
	for _, o := range []GateOutcome{GateContinue, GateStop, GateComplete} {
		_, err := o.Contract().Decide(GateStop, 1)
		if !errors.Is(err, ErrInvalidTransition) || !strings.Contains(err.Error(), o.Contract().Label()) {
			t.Errorf("after %s: %v", o, err)
		}
	}
	if _, err := ContractReported.Report(); !errors.Is(err, ErrInvalidTransition) || !strings.Contains(err.Error(), "End-of-phase report received") {
		t.Errorf("a second report: %v", err)
	}
}
