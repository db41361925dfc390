// Package docstore keeps documents in S3-compatible storage (MinIO in production) through
// minio-go: streamed, size-limited, checked by name and by content (domain.DocumentKinds),
// archives unpacked and counted, hashed, under generated keys.
package docstore

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/scanner"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Errors a caller can show the uploader.
var (
	ErrTooLarge    = errors.New("document is too large")
	ErrTypeRefused = errors.New("document type is not allowed")
	ErrEmpty       = errors.New("document is empty")
	ErrNotFound    = errors.New("document not found")
)

// DefaultMaxSize is the largest document accepted unless configured otherwise: 25 MiB.
const DefaultMaxSize = 25 << 20

// Config says where the store is.
type Config struct {
	Endpoint  string // host:port
	AccessKey string
	SecretKey string
	Bucket    string
	Region    string
	UseTLS    bool
	MaxSize   int64
	// Scanner checks each document for malware; nil where none runs (catalyst dev), and each
	// document is then kept as not checked.
	Scanner scanner.Scanner
}

// Store is the document store.
type Store struct {
	client  *minio.Client
	bucket  string
	region  string
	maxSize int64
	scanner scanner.Scanner
}

// New connects to the store (no request is made until first use).
func New(cfg Config) (*Store, error) {
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.MaxSize <= 0 {
		cfg.MaxSize = DefaultMaxSize
	}
	c, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: cfg.UseTLS,
		Region: cfg.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("document store at %q: %w", cfg.Endpoint, err)
	}
	return &Store{client: c, bucket: cfg.Bucket, region: cfg.Region, maxSize: cfg.MaxSize, scanner: cfg.Scanner}, nil
}

// MaxSize is the largest document accepted, in bytes.
func (s *Store) MaxSize() int64 { return s.maxSize }

// EnsureBucket creates the documents bucket if it does not exist.
func (s *Store) EnsureBucket(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("checking bucket %q: %w", s.bucket, err)
	}
	if ok {
		return nil
	}
	if err := s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{Region: s.region}); err != nil {
		// Another process may have made it in the meantime.
		if ok2, err2 := s.client.BucketExists(ctx, s.bucket); err2 == nil && ok2 {
			return nil
		}
		return fmt.Errorf("creating bucket %q: %w", s.bucket, err)
	}
	return nil
}

// Ping checks that the store answers and the bucket is there.
func (s *Store) Ping(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("bucket %q does not exist", s.bucket)
	}
	return nil
}

// Stored describes a document once it is safely in the store.
type Stored struct {
	Key         string
	Size        int64
	SHA256      string
	ContentType string
}

// NewKey makes an object key under prefix that does not depend on anything the uploader chose.
func NewKey(prefix string) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return strings.TrimSuffix(prefix, "/") + "/" + hex.EncodeToString(b[:])
}

// Put streams r, uploaded under filename, into the store under key. It refuses a file whose
// name and content do not agree on one of domain.DocumentKinds, a ZIP or Office file that does
// not pass checkZip, and anything over the size limit. The bytes are never held whole in memory:
// they flow through a SHA-256 hash into a multipart upload. On refusal nothing is left behind.
func (s *Store) Put(ctx context.Context, key, filename string, r io.Reader) (Stored, error) {
	kind, err := domain.DocumentKindByName(filename)
	if err != nil {
		return Stored{}, fmt.Errorf("%w: %v", ErrTypeRefused, err)
	}
	br := bufio.NewReaderSize(r, 512)
	head, err := br.Peek(512)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return Stored{}, fmt.Errorf("reading document: %w", err)
	}
	if len(head) == 0 {
		return Stored{}, ErrEmpty
	}
	ctype := http.DetectContentType(head)
	if err := domain.CheckDocumentContent(filename, kind, ctype); err != nil {
		return Stored{}, fmt.Errorf("%w: %v", ErrTypeRefused, err)
	}
	if err := notPolyglot(kind, head); err != nil {
		return Stored{}, err
	}
	h := sha256.New()
	counted := &countingReader{r: io.LimitReader(br, s.maxSize+1)}
	body := io.TeeReader(counted, h)
	_, err = s.client.PutObject(ctx, s.bucket, key, body, -1, minio.PutObjectOptions{
		ContentType: ctype,
		PartSize:    5 << 20, // the smallest S3 part: bounds memory per upload
	})
	if err != nil {
		return Stored{}, fmt.Errorf("storing document: %w", err)
	}
	if counted.n > s.maxSize {
		_ = s.client.RemoveObject(context.WithoutCancel(ctx), s.bucket, key, minio.RemoveObjectOptions{})
		return Stored{}, fmt.Errorf("%w: the limit is %d MB", ErrTooLarge, s.maxSize>>20)
	}
	if kind.Container != domain.NotContainer {
		if err := s.checkZip(ctx, key, counted.n, kind); err != nil {
			_ = s.client.RemoveObject(context.WithoutCancel(ctx), s.bucket, key, minio.RemoveObjectOptions{})
			return Stored{}, err
		}
	}
	return Stored{Key: key, Size: counted.n, SHA256: hex.EncodeToString(h.Sum(nil)), ContentType: ctype}, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Scans reports whether documents are checked for malware here.
func (s *Store) Scans() bool { return s.scanner != nil }

// ScanWait is the longest a scan may take before the document is left being checked, for the
// worker to check again: an upload never waits on a scanner that is slow or away.
const ScanWait = 30 * time.Second

// Scan streams a stored document to the malware scanner. An error is no verdict (the scanner
// away, or the document unreadable): the document stays being checked.
func (s *Store) Scan(ctx context.Context, key string) (scanner.Verdict, error) {
	if s.scanner == nil {
		return scanner.Verdict{}, fmt.Errorf("%w: none is configured", scanner.ErrScanner)
	}
	ctx, cancel := context.WithTimeout(ctx, ScanWait)
	defer cancel()
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return scanner.Verdict{}, fmt.Errorf("reading document to scan it: %w", err)
	}
	defer obj.Close()
	return s.scanner.Scan(ctx, obj)
}

// Open streams a document back.
func (s *Store) Open(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, 0, err
	}
	st, err := obj.Stat()
	if err != nil {
		_ = obj.Close()
		if minio.ToErrorResponse(err).Code == "NoSuchKey" {
			return nil, 0, ErrNotFound
		}
		return nil, 0, err
	}
	return obj, st.Size, nil
}

// DownloadURL is a short-lived signed link to one document, named for the person downloading
// it. The link makes the store answer with the document's checked type and as an attachment,
// whatever was stored with the object.
func (s *Store) DownloadURL(ctx context.Context, key, filename, contentType string, ttl time.Duration) (*url.URL, error) {
	params := url.Values{}
	params.Set("response-content-disposition", ContentDisposition(filename))
	params.Set("response-content-type", contentType)
	return s.client.PresignedGetObject(ctx, s.bucket, key, ttl, params)
}

// Delete removes a document (used only for drafts the supplier withdraws).
func (s *Store) Delete(ctx context.Context, key string) error {
	return s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
}

// ContentDisposition names a download as an attachment (RFC 6266): an ASCII name for clients
// that know no better, and the exact name in UTF-8 as filename* (RFC 5987), which every current
// browser prefers.
func ContentDisposition(name string) string {
	fallback := strings.Map(func(r rune) rune {
		if r < 0x20 || r == '"' || r == '\\' || r == '/' || r == '%' || r > 0x7e {
			return '_'
		}
		return r
	}, name)
	var enc strings.Builder
	for _, b := range []byte(name) {
		if 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || strings.IndexByte("!#$&+-.^_`|~", b) >= 0 {
			enc.WriteByte(b)
		} else {
			fmt.Fprintf(&enc, "%%%02X", b)
		}
	}
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, fallback, enc.String())
}

// notPolyglot refuses a file whose first bytes are one allowed type and also a web page, so a
// browser or a careless viewer could run it as HTML (a PDF with a script in its head).
func notPolyglot(kind domain.DocumentKind, head []byte) error {
	lower := bytes.ToLower(head)
	for _, tag := range [][]byte{[]byte("<html"), []byte("<script"), []byte("<svg"), []byte("<iframe"), []byte("<!doctype html")} {
		if bytes.Contains(lower, tag) {
			return fmt.Errorf("%w: it is %s that also holds a web page (%s…); save it again as a plain %s",
				ErrTypeRefused, kind.WithArticle(), tag, kind.Name)
		}
	}
	return nil
}

// Limits on what a ZIP (an Office document) may expand to: nobody opening it should be sent a
// bomb that fills their disk.
const (
	maxZipEntries  = 10_000
	maxZipExpanded = 1 << 30 // 1 GiB in all
	maxZipRatio    = 100     // an entry over 10 MiB unpacked may be 100 times its packed size
	bigZipEntry    = 10 << 20
)

// checkZip reads the stored ZIP's directory (by ranged reads, not whole) and refuses one that
// would expand past the limits or names a path outside itself; then it unpacks every entry,
// counting, so a directory that lies about the sizes is caught. An Office file may not hold
// macros or embedded files; a ZIP of documents holds only documents of the kinds allowed, none
// of them a ZIP or an Office file, each with a name that shows what it is.
func (s *Store) checkZip(ctx context.Context, key string, size int64, kind domain.DocumentKind) error {
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return fmt.Errorf("checking document: %w", err)
	}
	defer obj.Close()
	zr, err := zip.NewReader(obj, size)
	if err != nil {
		return fmt.Errorf("%w: it is named as %s but its contents cannot be read; save it again", ErrTypeRefused, kind.WithArticle())
	}
	if len(zr.File) > maxZipEntries {
		return fmt.Errorf("%w: it holds %d files, more than %d", ErrTypeRefused, len(zr.File), maxZipEntries)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		name := strings.ToLower(f.Name)
		switch {
		case strings.Contains(f.Name, "..") || strings.HasPrefix(f.Name, "/"):
			return fmt.Errorf("%w: a file inside it is named as a path outside it (%s)", ErrTypeRefused, f.Name)
		case f.UncompressedSize64 > bigZipEntry && (f.CompressedSize64 == 0 || f.UncompressedSize64/f.CompressedSize64 > maxZipRatio):
			return fmt.Errorf("%w: it would expand far beyond its size (%s is %d MB unpacked); it looks like a ZIP bomb", ErrTypeRefused, f.Name, f.UncompressedSize64>>20)
		case f.FileInfo().IsDir():
			continue
		}
		if err := checkEntry(kind, f.Name, name); err != nil {
			return fmt.Errorf("%w: %v", ErrTypeRefused, err)
		}
	}
	if total > maxZipExpanded {
		return fmt.Errorf("%w: it would expand to %d MB; the limit is %d MB", ErrTypeRefused, total>>20, maxZipExpanded>>20)
	}
	// The directory's sizes are the uploader's word: unpack each entry, never past what the
	// directory declared (archive/zip refuses an entry longer than declared, or whose checksum
	// fails), so the limits above hold for what is really inside.
	for _, f := range zr.File {
		rc, err := f.Open()
		if err == nil {
			_, err = io.Copy(io.Discard, rc)
			rc.Close()
		}
		if err != nil {
			return fmt.Errorf("%w: %q inside it does not match what the ZIP's directory says of it; save it again", ErrTypeRefused, f.Name)
		}
	}
	return nil
}

// Endings of files that run, or hold others, refused inside any ZIP or Office file.
var (
	runnable = []string{".exe", ".dll", ".scr", ".com", ".bat", ".cmd", ".msi", ".js", ".jse", ".vbs", ".vbe", ".wsf", ".wsh",
		".hta", ".lnk", ".jar", ".ps1", ".psm1", ".sh", ".app", ".reg", ".cpl", ".msc", ".pif", ".url", ".iso", ".img"}
	archives = []string{".zip", ".gz", ".tgz", ".7z", ".rar", ".tar", ".bz2", ".xz", ".cab", ".docx", ".docm", ".xlsx", ".xlsm",
		".pptx", ".pptm", ".odt", ".ods", ".odp", ".doc", ".xls", ".ppt"}
)

// checkEntry refuses an entry an Office file or a ZIP of documents may not hold. lower is its
// name in lower case.
func checkEntry(kind domain.DocumentKind, name, lower string) error {
	if strings.ContainsFunc(name, func(r rune) bool { return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Cc, r) }) {
		return fmt.Errorf("a file inside it has hidden characters in its name (%+q); name it plainly", name)
	}
	base := path.Base(lower)
	if slices.Contains(runnable, path.Ext(base)) {
		return fmt.Errorf("it holds %s, a file that runs; upload the documents themselves", name)
	}
	if slices.Contains(archives, path.Ext(base)) {
		return fmt.Errorf("it holds another archive (%s); upload the documents themselves", name)
	}
	if kind.Container == domain.OfficeDocument {
		switch {
		case base == "vbaproject.bin" || base == "vbadata.xml" || strings.HasPrefix(lower, "basic/") || strings.HasPrefix(lower, "scripts/"):
			return fmt.Errorf("it holds macros (%s); save it again as %s without macros", name, kind.WithArticle())
		case strings.Contains(lower, "/embeddings/") || strings.HasSuffix(base, ".bin") && strings.HasPrefix(base, "oleobject"):
			return fmt.Errorf("it holds an embedded file (%s); upload that file on its own, and this one without it", name)
		}
		return nil
	}
	inner, err := domain.DocumentKindByName(base)
	if err != nil {
		return fmt.Errorf("it holds %s, which cannot be uploaded: a ZIP may hold only %s", name, "PDFs, plain text or CSV, and PNG or JPEG images")
	}
	if inner.Container != domain.NotContainer {
		return fmt.Errorf("it holds %s, %s inside the ZIP; upload it on its own", name, inner.WithArticle())
	}
	return nil
}
