package domain

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// DocumentKind is a kind of file a bid, a contract's report or a challenge's evidence may carry:
// the extensions its name may end in and what its content is found to be from its first bytes
// (as net/http's sniffing names it). A file is taken only when its name and its content agree on
// one kind: a script named .pdf and a PDF named .exe are both refused.
type DocumentKind struct {
	Name       string   // as the uploader is told it
	Extensions []string // lower case, with the dot
	Content    string   // the sniffed content type
	// Container: its content is a ZIP. Office says its entries are an Office Open XML or
	// OpenDocument file's parts, which may not hold macros or embedded files; otherwise it is a
	// plain ZIP of documents, each of which must be a kind on this list and not a container.
	Container ContainerKind
}

// ContainerKind says what a ZIP-based kind holds.
type ContainerKind int

const (
	NotContainer ContainerKind = iota
	OfficeDocument
	DocumentArchive
)

// Content types as net/http's sniffing names them.
const (
	contentPDF  = "application/pdf"
	contentZIP  = "application/zip"
	contentText = "text/plain; charset=utf-8"
	contentPNG  = "image/png"
	contentJPEG = "image/jpeg"
)

// DocumentKinds is the one allow-list of documents for every upload. Left out on purpose: files
// that run (.exe, .js, .hta, .bat, .jar, .lnk), web pages and SVG images (which hold scripts),
// Office files with macros (.docm, .xlsm), and the old binary Office formats (.doc, .xls), whose
// macros cannot be told from their content without a full parser.
var DocumentKinds = []DocumentKind{
	{Name: "PDF", Extensions: []string{".pdf"}, Content: contentPDF},
	{Name: "Word document", Extensions: []string{".docx"}, Content: contentZIP, Container: OfficeDocument},
	{Name: "Excel workbook", Extensions: []string{".xlsx"}, Content: contentZIP, Container: OfficeDocument},
	{Name: "PowerPoint presentation", Extensions: []string{".pptx"}, Content: contentZIP, Container: OfficeDocument},
	{Name: "OpenDocument file", Extensions: []string{".odt", ".ods", ".odp"}, Content: contentZIP, Container: OfficeDocument},
	{Name: "ZIP of documents", Extensions: []string{".zip"}, Content: contentZIP, Container: DocumentArchive},
	{Name: "plain text or CSV file", Extensions: []string{".txt", ".csv"}, Content: contentText},
	{Name: "PNG image", Extensions: []string{".png"}, Content: contentPNG},
	{Name: "JPEG image", Extensions: []string{".jpg", ".jpeg"}, Content: contentJPEG},
}

// DocumentKindsText lists the kinds for the uploader, in the words a form's hint uses.
const DocumentKindsText = "a PDF, a Word, Excel, PowerPoint or OpenDocument file without macros, plain text or CSV, a PNG or JPEG image, or a ZIP of those"

// DocumentKindByName is the kind a file's name says it is, or why it cannot be sent, in words
// for the uploader (the document store wraps them as its refusal).
func DocumentKindByName(filename string) (DocumentKind, error) {
	ext := strings.ToLower(filepathExt(filename))
	for _, k := range DocumentKinds {
		if slices.Contains(k.Extensions, ext) {
			return k, nil
		}
	}
	if ext == "" {
		return DocumentKind{}, fmt.Errorf("%s has no ending that says what kind of file it is: upload %s", filename, DocumentKindsText)
	}
	return DocumentKind{}, fmt.Errorf("a %s file cannot be uploaded: upload %s", ext, DocumentKindsText)
}

// CheckDocumentContent says whether what a file's content was found to be agrees with the kind
// its name says.
func CheckDocumentContent(filename string, k DocumentKind, content string) error {
	if content == k.Content {
		return nil
	}
	found := ""
	for _, other := range DocumentKinds {
		if other.Content == content {
			found = other.WithArticle()
			if content == contentZIP {
				found = "a ZIP or Office file"
			}
			break
		}
	}
	if found == "" {
		return fmt.Errorf("%s is named as %s, but its content is no kind of file that may be uploaded: upload %s", filename, k.WithArticle(), DocumentKindsText)
	}
	return fmt.Errorf("%s is named as %s, but its content is %s: save it again as the kind its name says", filename, k.WithArticle(), found)
}

// WithArticle is the kind's name after "a" or "an", as a sentence uses it.
func (k DocumentKind) WithArticle() string {
	if strings.ContainsAny(k.Name[:1], "AEIOU") {
		return "an " + k.Name
	}
	return "a " + k.Name
}

// DocumentCheck is where a document stands with the malware scanner. A document is kept from
// everyone but its uploader until the scanner has found it clean; one it finds a virus in is
// kept from everyone.
type DocumentCheck string

// A document's checks.
const (
	CheckWaiting    DocumentCheck = "being_checked" // stored, the scanner's verdict not yet had
	CheckClean      DocumentCheck = "clean"         // the scanner found nothing
	CheckVirusFound DocumentCheck = "virus_found"   // the scanner found something: nobody may fetch it
	CheckNone       DocumentCheck = "not_checked"   // kept where no scanner runs (catalyst dev), or before one did
)

// DocumentChecks are every check, for the schema.
var DocumentChecks = []DocumentCheck{CheckWaiting, CheckClean, CheckVirusFound, CheckNone}

// Values are the checks' stored names, for the schema.
func (DocumentCheck) Values() []string { return stringsOf(DocumentChecks) }

// Label is the check as a page says it beside the document.
func (c DocumentCheck) Label() string {
	switch c {
	case CheckWaiting:
		return "Being checked for viruses"
	case CheckClean:
		return "Checked: no virus found"
	case CheckVirusFound:
		return "A virus was found in it"
	}
	return "Not checked for viruses: no virus scanner has read it"
}

// Errors of fetching a document its check keeps back.
var (
	ErrBeingChecked = errors.New("it is being checked for viruses; try again in a few minutes")
	ErrVirusFound   = errors.New("a virus was found in it, so nobody can download it")
)

// MayFetch says whether a person may have the document's bytes: its uploader, once it is
// stored; anyone else only once the scanner found it clean, or where no scanner runs.
func (c DocumentCheck) MayFetch(uploader bool) error {
	switch c {
	case CheckVirusFound:
		return ErrVirusFound
	case CheckWaiting:
		if !uploader {
			return ErrBeingChecked
		}
	}
	return nil
}

// ForEveryone reports whether anyone who may read the document may fetch it, not only its
// uploader: what the pages link.
func (c DocumentCheck) ForEveryone() bool { return c.MayFetch(false) == nil }

// VirusFoundMessage is what the person uploading a file is told when the scanner found
// something in it (the GOV.UK file upload pattern's words, with what was found).
func VirusFoundMessage(filename, finding string) string {
	return fmt.Sprintf("The file %s contains a virus (%s), so it was not added: check your computer and upload a clean copy", filename, finding)
}
