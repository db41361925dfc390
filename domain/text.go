package domain

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text is the one rule for text a person types: every field that stores words goes through its
// own Text, on create and on edit alike, so a limit or a refused character is the same
// wherever the field is written.
//
// Text is valid UTF-8, trimmed, with no control characters (newlines and tabs only where the
// field has several lines, and "\r\n" from a browser's form becomes "\n"), no bidirectional
// overrides or isolates (they make a file name or a title read differently from what it is), no
// line or paragraph separators and no U+FFFD, which only appears where something could not be
// read. Its length is counted in characters, never bytes.
type Text struct {
	Field     string // the field's name as the API and the form name it
	Label     string // the field as a sentence names it: "the title"
	Max       int    // most characters allowed
	MultiLine bool   // newlines and tabs are allowed
	Optional  bool   // may be left empty
}

// The text fields Catalyst stores, with their limits.
var (
	ChallengeTitle = Text{Field: "title", Label: "the title", Max: 200}
	// WebhookDescription says what a webhook endpoint is for (the finance system…).
	WebhookDescription   = Text{Field: "description", Label: "what the endpoint is for", Max: 200}
	ChallengePublicBody  = Text{Field: "public_body", Label: "the public body", Max: 200}
	ChallengeProblem     = Text{Field: "problem", Label: "the problem", Max: 20000, MultiLine: true}
	ChallengeUserNeed    = Text{Field: "user_need", Label: "the user need", Max: 20000, MultiLine: true, Optional: true}
	SelectionReason      = Text{Field: "reason", Label: "the reason", Max: 5000, MultiLine: true, Optional: true}
	ChallengeLessons     = Text{Field: "lessons", Label: "the lessons learnt", Max: 20000, MultiLine: true, Optional: true}
	BidTitle             = Text{Field: "title", Label: "the bid's title", Max: 200}
	BidSummary           = Text{Field: "summary", Label: "the summary", Max: 5000, MultiLine: true, Optional: true}
	ReportSummary        = Text{Field: "summary", Label: "the report's summary", Max: 20000, MultiLine: true}
	GateRationale        = Text{Field: "rationale", Label: "the rationale", Max: 5000, MultiLine: true}
	DeliverableNote      = Text{Field: "note", Label: "a note on what you are delivering", Max: 5000, MultiLine: true}
	ReviewNote           = Text{Field: "reason", Label: "the reason", Max: 5000, MultiLine: true, Optional: true}
	ShowAndTellPlace     = Text{Field: "place", Label: "where the show-and-tell is held", Max: 500}
	ShowAndTellAttendees = Text{Field: "attendees", Label: "who is asked", Max: 2000, MultiLine: true, Optional: true}
	ShowAndTellAttended  = Text{Field: "attended", Label: "who attended", Max: 2000, MultiLine: true}
	ShowAndTellNotes     = Text{Field: "notes", Label: "the notes", Max: 10000, MultiLine: true}
	RecommendationReason = Text{Field: "reason", Label: "why", Max: 5000, MultiLine: true}
	ProgressUpdate       = Text{Field: "progress", Label: "the progress update", Max: 5000, MultiLine: true}
	MidpointNote         = Text{Field: "rag_note", Label: "the note", Max: 5000, MultiLine: true}
	OutcomeRoute         = Text{Field: "route", Label: "the follow-on procurement's route", Max: 500, Optional: true}
	ReportSectionText    = Text{Field: "report", Label: "the section", Max: 5000, MultiLine: true}
	LessonWorked         = Text{Field: "what_worked", Label: "what worked", Max: 5000, MultiLine: true}
	LessonFailed         = Text{Field: "what_failed", Label: "what failed", Max: 5000, MultiLine: true}
	LessonWhy            = Text{Field: "why", Label: "why", Max: 5000, MultiLine: true}
	DeclineReason        = Text{Field: "reason", Label: "the conflict of interest", Max: 2000, MultiLine: true}
	ExclusionReason      = Text{Field: "reason", Label: "the reason for excluding the score", Max: 2000, MultiLine: true}
	CapacityReason       = Text{Field: "reason", Label: "the reason", Max: 2000, MultiLine: true, Optional: true}
	MinimumReason        = Text{Field: "lowered_reason", Label: "why the decision goes ahead with fewer assessments", Max: 2000, MultiLine: true}
	DecisionNote         = Text{Field: "reason", Label: "the panel's reason", Max: 2000, MultiLine: true, Optional: true}
	SwapReason           = Text{Field: "reason", Label: "why the bid goes to another assessor", Max: 2000, MultiLine: true}
	ReturnNote           = Text{Field: "note", Label: "what the assessor should look at again", Max: 2000, MultiLine: true}
	InterestDescription  = Text{Field: "description", Label: "the description", Max: MaxInterestDescription, MultiLine: true}
	TokenName            = Text{Field: "name", Label: "the token's name", Max: 100}
	PersonName           = Text{Field: "name", Label: "the name", Max: 200}
	CriterionTitle       = Text{Field: "title", Label: "the criterion's title", Max: 200}
	AssessmentComment    = Text{Field: "comment", Label: "the comment", Max: 5000, MultiLine: true}
)

// Clean returns the text as it is to be stored, or the problem with it, named for the field.
func (f Text) Clean(s string) (string, *FieldProblem) {
	if !utf8.ValidString(s) {
		return "", f.problem("%s is not readable text (it is not valid UTF-8): check it was saved as UTF-8", f.Label)
	}
	if f.MultiLine {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	s = strings.TrimSpace(s)
	for i, r := range s {
		if why := f.refused(r); why != "" {
			return "", f.problem("%s contains %s (U+%04X) at character %d: remove it", f.Label, why, r, utf8.RuneCountInString(s[:i])+1)
		}
	}
	switch n := utf8.RuneCountInString(s); {
	case n == 0 && !f.Optional:
		return "", f.problem("enter %s", f.Label)
	case n > f.Max:
		return "", f.problem("%s must be %d characters or fewer; it is %d", f.Label, f.Max, n)
	}
	return s, nil
}

// CleanAll cleans one field and adds any problem to problems, for a form of several fields.
func (f Text) CleanAll(s string, problems *Problems) string {
	out, p := f.Clean(s)
	if p != nil {
		*problems = append(*problems, *p)
	}
	return out
}

// refused names the kind of a character the field may not hold, or "" when it may.
func (f Text) refused(r rune) string {
	switch {
	case r == '\n' || r == '\t':
		if f.MultiLine {
			return ""
		}
		return "a line break or tab"
	case r == utf8.RuneError:
		return "a character that could not be read"
	case unicode.Is(unicode.Cc, r):
		return "a control character"
	case bidiControl(r):
		return "a right-to-left or left-to-right control"
	case r == '\u2028' || r == '\u2029':
		return "a line or paragraph separator"
	case r >= 0xFDD0 && r <= 0xFDEF, r&0xFFFE == 0xFFFE:
		return "a character that is not for text"
	}
	return ""
}

func bidiControl(r rune) bool {
	return r == '\u061C' || r == '\u200E' || r == '\u200F' || (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

func (f Text) problem(format string, args ...any) *FieldProblem {
	msg := fmt.Sprintf(format, args...)
	return &FieldProblem{Field: f.Field, Message: strings.ToUpper(msg[:1]) + msg[1:]}
}

// FieldProblem is what is wrong with one field, named as the API and the form name it.
type FieldProblem struct {
	Field   string `json:"field"`
	Message string `json:"detail"`
}

// Problems is every problem with one request, in the order a form shows its fields. As an error
// it is invalid input: its text is the problems in one sentence, and the API lists them one by
// one.
type Problems []FieldProblem

// Err is nil when there are no problems.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}

// Error joins the problems into one sentence.
func (ps Problems) Error() string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = strings.TrimSuffix(p.Message, ".")
		if i > 0 {
			parts[i] = LowerFirst(parts[i])
		}
	}
	return strings.Join(parts, "; ")
}

// Unwrap makes errors.Is(err, ErrInvalidInput) true.
func (ps Problems) Unwrap() error { return ErrInvalidInput }

// Add records a problem with a field.
func (ps *Problems) Add(field, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	*ps = append(*ps, FieldProblem{Field: field, Message: strings.ToUpper(msg[:1]) + msg[1:]})
}

// For finds the problem with a field, for a form to show beside it.
func (ps Problems) For(field string) string {
	for _, p := range ps {
		if p.Field == field {
			return p.Message
		}
	}
	return ""
}

// LowerFirst starts s with a small letter, to go on from a sentence already begun; an initialism
// such as "VAT" keeps its capitals.
func LowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || (n < len(s) && unicode.IsUpper(rune(s[n]))) {
		return s // an initialism such as "VAT" keeps its capitals
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// UpperFirst starts s with a capital letter, to stand as a sentence of its own.
func UpperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// MaxDocumentName is the longest name a document is kept under, in characters.
const MaxDocumentName = 200

// DocumentName is the name a document is kept under: the uploader's file name with nothing that
// could make it read as something else (control characters, right-to-left overrides, invisible
// characters, unreadable bytes, path separators, quotes), cut on a character boundary to MaxDocumentName characters
// with its extension kept. It is only shown, and offered as the download's name: the object's key
// is generated. A name with nothing left is refused.
func DocumentName(name string) (string, error) {
	// A name that climbs out of a folder or starts at a root is someone probing, not a file's
	// name: refused rather than cleaned, so it is seen.
	if strings.Contains(name, "../") || strings.Contains(name, `..\`) || strings.HasPrefix(name, "/") || strings.HasPrefix(name, `\`) ||
		len(name) > 2 && name[1] == ':' && (name[2] == '\\' || name[2] == '/') {
		return "", Problems{{Field: "file", Message: "Give the file's own name, not a path to it"}}
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(name, "") {
		switch {
		case r == '/' || r == '\\' || r == '"':
			b.WriteRune('_')
		case (Text{}).refused(r) != "", r == '\n', r == '\t', unicode.Is(unicode.Cf, r):
			// dropped: a name is one line of plain characters, none of them invisible (a
			// zero-width space before ".exe" would hide what the name ends in)
		default:
			b.WriteRune(r)
		}
	}
	clean := strings.TrimSpace(b.String())
	if clean == "" || strings.Trim(clean, ".") == "" {
		return "", Problems{{Field: "file", Message: "The file needs a name"}}
	}
	runes := []rune(clean)
	if len(runes) <= MaxDocumentName {
		return clean, nil
	}
	ext := []rune(filepathExt(clean))
	if len(ext) > 20 {
		ext = nil
	}
	return strings.TrimSpace(string(runes[:MaxDocumentName-len(ext)])) + string(ext), nil
}

// filepathExt is the name's extension with its dot, as path/filepath finds it.
func filepathExt(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return name[i:]
	}
	return ""
}

// ProblemWith turns a refusal into a problem with one field, in the words the refusal used, for
// a form that shows it beside the field: an invalid-input message without its "invalid input: "
// prefix, or a refused transition's reason.
func ProblemWith(field string, err error) FieldProblem {
	msg := strings.TrimPrefix(err.Error(), ErrInvalidInput.Error()+": ")
	var te *TransitionError
	if errors.As(err, &te) {
		msg = te.Reason
	}
	var ps Problems
	ps.Add(field, "%s", msg)
	return ps[0]
}
