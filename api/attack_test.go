package api

import (
	"archive/zip"
	"bytes"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

func zipOf(files map[string][]byte) string {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, content := range files {
		w, _ := zw.Create(name)
		w.Write(content)
	}
	zw.Close()
	return b.String()
}

// TestUploadsRefuseAnAttackCorpus: each attack on the upload is refused with a 4xx that says
// what to do, and nothing is stored.
func TestUploadsRefuseAnAttackCorpus(t *testing.T) {
	w := NewWorld(t)
	sys := authz.AsSystem(testdb.Fixture(), "test")
	path := fmt.Sprintf("/api/v1/bids/%d/documents", w.DraftBinsight.ID)
	cases := []struct {
		name, filename, content string
		status                  int
		says                    string
	}{
		{"a ZIP bomb", "plan.docx", zipOf(map[string][]byte{"word/document.xml": bytes.Repeat([]byte{0}, 100<<20)}), 415, "ZIP bomb"},
		{"a PDF that is also a web page", "plan.pdf", "%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n%%EOF\n", 415, "web page"},
		{"a path out of the folder", "../../etc/passwd.pdf", "%PDF-1.4\nplan\n%%EOF\n", 422, "not a path"},
		{"a Windows path", `C:\Users\x\plan.pdf`, "%PDF-1.4\nplan\n%%EOF\n", 422, "not a path"},
		{"a program named as a PDF", "plan.pdf", "MZ\x90\x00\x03\x00\x00\x00" + strings.Repeat("\x00", 100), 415, "plan.pdf is named as a PDF, but its content is no kind of file that may be uploaded: upload a PDF"},
		{"too large", "plan.pdf", "%PDF-1.4\n" + strings.Repeat("y", (1<<20)+10), 413, "limit is 1 MB"},
		{"empty", "plan.pdf", "", 415, ""},
		{"JScript", "invoice.js", "var s = new ActiveXObject('WScript.Shell');", 415, "a .js file cannot be uploaded"},
		{"a hidden ending", "invoice\u202Etxt.exe", "MZ", 415, "a .exe file cannot be uploaded"},
		{"a zero-width space before the ending", "report\u200b.exe", "MZ", 415, "a .exe file cannot be uploaded"},
		{"a ZIP holding programs", "docs.zip", zipOf(map[string][]byte{"setup.exe": []byte("MZ"), "open.lnk": []byte("L")}), 415, "a file that runs"},
		{"a Word document with macros", "plan.docx", zipOf(map[string][]byte{"word/document.xml": []byte("<w/>"), "word/vbaProject.bin": []byte("VBA")}), 415, "holds macros"},
	}
	before := w.DB.Document.Query().CountX(sys)
	for _, c := range cases {
		rec := w.Do(SupplierOther, http.MethodPost, path, multipartBody(c.filename, c.content), "Content-Type", "multipart/form-data; boundary="+boundary)
		if rec.Code < 400 || rec.Code >= 500 || (c.status != 0 && rec.Code != c.status && !(c.name == "empty" && rec.Code == 422)) || !strings.Contains(rec.Body.String(), c.says) {
			t.Errorf("%s: %d %s", c.name, rec.Code, rec.Body)
		}
	}
	if after := w.DB.Document.Query().CountX(sys); after != before {
		t.Errorf("%d documents were stored from the attacks", after-before)
	}
}

// jsonRoutes are the documented routes that take a JSON body, with a persona allowed each.
func jsonRoutes() []string {
	var out []string
	for route, rc := range accessMatrix {
		if strings.HasPrefix(route, "GET ") || strings.HasPrefix(rc.body, "--") || len(rc.allow) == 0 {
			continue
		}
		out = append(out, route)
	}
	sort.Strings(out)
	return out
}

// FuzzEveryJSONBody sends whatever the fuzzer makes as the body of every documented command,
// as a person allowed to send it: nothing panics and nothing answers 5xx. Its seeds are each
// route's own test body and a few shapes of nonsense.
func FuzzEveryJSONBody(f *testing.F) {
	routes := jsonRoutes()
	for i, route := range routes {
		f.Add(uint16(i), []byte(accessMatrix[route].body))
		f.Add(uint16(i), []byte(`{"title":"`+strings.Repeat("é", 300)+`"}`))
	}
	f.Add(uint16(0), []byte(`{"a":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]}`))
	f.Add(uint16(1), []byte("{\"off\":[\"\u202e\"],\"value\":1e999}"))
	f.Add(uint16(2), []byte(`{"targets":{"sme":-1},"events":null,"url":"javascript:alert(1)"}`))
	w := NewWorld(f)
	f.Fuzz(func(t *testing.T, which uint16, body []byte) {
		w.T = t
		route := routes[int(which)%len(routes)]
		rc := accessMatrix[route]
		method, _, _ := strings.Cut(route, " ")
		rec := w.Do(rc.allow[0], method, rc.path(w), string(body), "If-Match", "*")
		if rec.Code >= 500 {
			t.Fatalf("%s with %q answered %d: %s", route, body, rec.Code, rec.Body)
		}
	})
}

// FuzzUpload sends whatever the fuzzer makes as an upload's file name and content: nothing
// panics and nothing answers 5xx.
func FuzzUpload(f *testing.F) {
	f.Add("plan.pdf", []byte("%PDF-1.4\nplan\n%%EOF\n"))
	f.Add("../x", []byte("PK\x03\x04"))
	f.Add("a\"b\r\nContent-Type: text/html\r\n\r\n<script>", []byte("<html>"))
	f.Add("", []byte{})
	f.Add(strings.Repeat("€", 300), []byte("\x89PNG\r\n\x1a\n"))
	w := NewWorld(f)
	path := fmt.Sprintf("/api/v1/bids/%d/documents", w.DraftBinsight.ID)
	f.Fuzz(func(t *testing.T, name string, content []byte) {
		w.T = t
		rec := w.Do(SupplierOther, http.MethodPost, path, multipartBody(name, string(content)), "Content-Type", "multipart/form-data; boundary="+boundary)
		if rec.Code >= 500 {
			t.Fatalf("uploading %q (%d bytes) answered %d: %s", name, len(content), rec.Code, rec.Body)
		}
	})
}
