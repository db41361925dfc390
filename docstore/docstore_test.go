package docstore_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/devstack/s3server"
	"github.com/catalyst-sbri/catalyst/docstore"
)

var store *docstore.Store

// TestMain runs one real S3 server (versitygw allows one per process) for every test here.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "docstore-test")
	if err != nil {
		panic(err)
	}
	srv, err := s3server.Start(dir)
	if err != nil {
		panic(err)
	}
	store, err = docstore.New(docstore.Config{Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey,
		Bucket: "test-documents", MaxSize: 1 << 20})
	if err == nil {
		err = store.EnsureBucket(context.Background())
	}
	if err != nil {
		panic(err)
	}
	code := m.Run()
	_ = srv.Stop()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

func TestPutStreamsHashesAndReadsBack(t *testing.T) {
	ctx := context.Background()
	pdf := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), 700_000)...)
	got, err := store.Put(ctx, docstore.NewKey("bids/1"), "proposal.pdf", bytes.NewReader(pdf))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(pdf)
	if got.SHA256 != hex.EncodeToString(sum[:]) || got.Size != int64(len(pdf)) || got.ContentType != "application/pdf" {
		t.Fatalf("stored %+v; want sha256 %x, %d bytes, application/pdf", got, sum, len(pdf))
	}
	r, size, err := store.Open(ctx, got.Key)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	back, _ := io.ReadAll(r)
	if size != int64(len(pdf)) || !bytes.Equal(back, pdf) {
		t.Fatal("read back different bytes")
	}
}

func TestPutRefusesByContentAsWellAsByName(t *testing.T) {
	ctx := context.Background()
	cases := map[string][]byte{
		"a Windows program": append([]byte("MZ\x90\x00\x03\x00\x00\x00"), bytes.Repeat([]byte{0}, 100)...),
		"HTML":              []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"),
	}
	for name, content := range cases {
		key := docstore.NewKey("bids/2")
		if _, err := store.Put(ctx, key, "proposal.pdf", bytes.NewReader(content)); !errors.Is(err, docstore.ErrTypeRefused) {
			t.Errorf("%s: err = %v, want ErrTypeRefused", name, err)
		}
		if _, _, err := store.Open(ctx, key); !errors.Is(err, docstore.ErrNotFound) {
			t.Errorf("%s: a refused document was stored (open: %v)", name, err)
		}
	}
	if _, err := store.Put(ctx, docstore.NewKey("bids/2"), "notes.txt", strings.NewReader("")); !errors.Is(err, docstore.ErrEmpty) {
		t.Errorf("empty: err = %v, want ErrEmpty", err)
	}
}

func TestPutOverTheLimitLeavesNothingBehind(t *testing.T) {
	ctx := context.Background()
	big := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("y"), (1<<20)+10)...)
	key := docstore.NewKey("bids/3")
	_, err := store.Put(ctx, key, "proposal.pdf", bytes.NewReader(big))
	if !errors.Is(err, docstore.ErrTooLarge) || !strings.Contains(err.Error(), "limit is 1 MB") {
		t.Fatalf("err = %v, want ErrTooLarge naming the limit", err)
	}
	if _, _, err := store.Open(ctx, key); !errors.Is(err, docstore.ErrNotFound) {
		t.Errorf("an over-size document was left in the store (open: %v)", err)
	}
}

func TestSignedLinksExpireAndAreVerified(t *testing.T) {
	ctx := context.Background()
	got, err := store.Put(ctx, docstore.NewKey("bids/4"), "notes.txt", strings.NewReader("plain text notes\n"))
	if err != nil {
		t.Fatal(err)
	}
	u, err := store.DownloadURL(ctx, got.Key, `€ notes "v2".txt`, "text/plain; charset=utf-8", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "plain text notes\n" {
		t.Fatalf("signed link: %d %q", resp.StatusCode, body)
	}
	want := `attachment; filename="_ notes _v2_.txt"; filename*=UTF-8''%E2%82%AC%20notes%20%22v2%22.txt`
	if cd := resp.Header.Get("Content-Disposition"); cd != want {
		t.Errorf("Content-Disposition = %q\nwant %q: an attachment with an ASCII name and the exact name in UTF-8", cd, want)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type = %q: the link should fix the type the store answers with", ct)
	}
	if ns := resp.Header.Get("X-Content-Type-Options"); ns != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q: a browser must not guess another type for a document", ns)
	}
	expired, err := store.DownloadURL(ctx, got.Key, "notes.txt", "text/plain", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	resp, err = http.Get(expired.String())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("an expired link answered %d, want 403", resp.StatusCode)
	}
}

// zipWith is a ZIP holding the files given, each deflated.
func zipWith(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, content := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(content)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// lyingZip is a ZIP whose directory says its one entry unpacks to 1 KB when it unpacks to
// 100 MB: the ratio check reads the directory, so only unpacking finds it.
func lyingZip(t *testing.T) []byte {
	t.Helper()
	var packed bytes.Buffer
	fw, _ := flate.NewWriter(&packed, flate.BestCompression)
	fw.Write(bytes.Repeat([]byte{0}, 100<<20))
	fw.Close()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "notes.txt", Method: zip.Deflate, CRC32: 0,
		CompressedSize64: uint64(packed.Len()), UncompressedSize64: 1 << 10})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(packed.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// An attack corpus, as an outside tester sent it: each is refused by what it is, named or
// hidden, and nothing of it is kept.
func TestPutRefusesAnAttackCorpus(t *testing.T) {
	ctx := context.Background()
	office := func(parts map[string][]byte) []byte {
		parts["[Content_Types].xml"] = []byte(`<?xml version="1.0"?><Types/>`)
		return zipWith(t, parts)
	}
	html := append(bytes.Repeat([]byte("Quarterly figures, as agreed. "), 30), []byte("<html><script>fetch('/api/v1/people')</script></html>")...)
	cases := []struct {
		name, filename string
		content        []byte
	}{
		// 100 MB of zeros deflates to about 100 KB: a bomb for whoever opens it.
		{"a ZIP bomb", "report.docx", office(map[string][]byte{"word/document.xml": bytes.Repeat([]byte{0}, 100<<20)})},
		{"a ZIP whose directory lies about its sizes", "notes.zip", lyingZip(t)},
		{"a ZIP inside a ZIP", "documents.zip", zipWith(t, map[string][]byte{"inner.zip": zipWith(t, map[string][]byte{"a.txt": []byte("a")})})},
		{"a ZIP with a path out", "documents.zip", zipWith(t, map[string][]byte{"../../etc/cron.d/x": []byte("* * * * * root sh")})},
		{"a ZIP holding programs", "documents.zip", zipWith(t, map[string][]byte{"setup.exe": []byte("MZ"), "open.lnk": []byte("L")})},
		{"a ZIP holding a name with a hidden ending", "documents.zip", zipWith(t, map[string][]byte{"report\u202etxt.exe": []byte("a")})},
		{"a ZIP holding an Office file", "documents.zip", zipWith(t, map[string][]byte{"plan.docx": office(map[string][]byte{"word/document.xml": []byte("<w/>")})})},
		{"a PDF that is a web page", "proposal.pdf", []byte("%PDF-1.4\n<html><script>fetch('/api/v1/people')</script></html>\n%%EOF\n")},
		{"a broken ZIP", "report.docx", append([]byte("PK\x03\x04"), bytes.Repeat([]byte("x"), 200)...)},
		{"JScript", "invoice.js", []byte("var s = new ActiveXObject('WScript.Shell'); s.Run('calc');")},
		{"an HTML application", "run.hta", []byte("<hta:application>")},
		{"a batch file", "setup.bat", []byte("@echo off\r\ndel /q C:\\*\r\n")},
		{"a web page whose script comes after its first 512 bytes", "page.html", html},
		{"an SVG image", "image.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)},
		{"a Java program", "app.jar", zipWith(t, map[string][]byte{"META-INF/MANIFEST.MF": []byte("Main-Class: A")})},
		{"a Word document with macros by its name", "macro.docm", office(map[string][]byte{"word/document.xml": []byte("<w/>"), "word/vbaProject.bin": []byte("VBA")})},
		{"a Word document with macros inside", "report.docx", office(map[string][]byte{"word/document.xml": []byte("<w/>"), "word/vbaProject.bin": []byte("VBA")})},
		{"a Word document inside a Word document", "report.docx", office(map[string][]byte{"word/document.xml": []byte("<w/>"),
			"word/embeddings/inner.docx": office(map[string][]byte{"word/document.xml": []byte("<w/>")})})},
		{"a PDF named as a Word document", "report.docx", []byte("%PDF-1.4\n%%EOF\n")},
		{"a Word document named as a PDF", "report.pdf", office(map[string][]byte{"word/document.xml": []byte("<w/>")})},
		{"a file with no ending", "README", []byte("plain words")},
	}
	for _, c := range cases {
		key := docstore.NewKey("bids/9")
		_, err := store.Put(ctx, key, c.filename, bytes.NewReader(c.content))
		if !errors.Is(err, docstore.ErrTypeRefused) {
			t.Errorf("%s: err = %v, want a refusal", c.name, err)
			continue
		}
		t.Logf("%s: %v", c.name, err)
		if _, _, err := store.Open(ctx, key); !errors.Is(err, docstore.ErrNotFound) {
			t.Errorf("%s: it was kept (open: %v)", c.name, err)
		}
	}
	// Real documents of every kind pass: XML compresses well, but not like a bomb.
	docx := office(map[string][]byte{"word/document.xml": bytes.Repeat([]byte("<w:p><w:r><w:t>The feasibility study found the sensors work.</w:t></w:r></w:p>"), 2000),
		"word/media/image1.png": []byte("\x89PNG\r\n\x1a\n")})
	for filename, content := range map[string][]byte{"report.docx": docx, "figures.CSV": []byte("month,spend\nJanuary,1200\n"),
		"documents.zip": zipWith(t, map[string][]byte{"a.pdf": []byte("%PDF-1.4\n%%EOF\n"), "notes/b.txt": []byte("b")}),
		"photo.jpeg":    []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00")} {
		if _, err := store.Put(ctx, docstore.NewKey("bids/9"), filename, bytes.NewReader(content)); err != nil {
			t.Errorf("%s was refused: %v", filename, err)
		}
	}
}
