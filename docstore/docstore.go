// Package docstore keeps documents in S3-compatible storage (MinIO in production) through
// minio-go: streamed, size-limited, type-checked by magic bytes, hashed, under generated keys.
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
	"strings"
	"time"

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

// allowedTypes are the kinds of file a bid or report may carry, as sniffed from the first bytes,
// whatever the uploader claims. Office documents (docx, xlsx, odt) are ZIP containers.
var allowedTypes = map[string]string{
	"application/pdf":           "PDF",
	"image/png":                 "PNG image",
	"image/jpeg":                "JPEG image",
	"text/plain; charset=utf-8": "plain text",
	"application/zip":           "Office document (docx, xlsx, odt) or ZIP",
}

// AllowedTypesText lists the allowed kinds for error messages.
func AllowedTypesText() string {
	return "PDF, Word/Excel/OpenDocument (or ZIP), PNG, JPEG or plain text"
}

// Config says where the store is.
type Config struct {
	Endpoint  string // host:port
	AccessKey string
	SecretKey string
	Bucket    string
	Region    string
	UseTLS    bool
	MaxSize   int64
}

// Store is the document store.
type Store struct {
	client  *minio.Client
	bucket  string
	region  string
	maxSize int64
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
	return &Store{client: c, bucket: cfg.Bucket, region: cfg.Region, maxSize: cfg.MaxSize}, nil
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

// Put streams r into the store under key, refusing types not on the allow-list and anything over
// the size limit. The bytes are never held whole in memory: they flow through a SHA-256 hash
// into a multipart upload. On refusal nothing is left behind.
func (s *Store) Put(ctx context.Context, key string, r io.Reader) (Stored, error) {
	br := bufio.NewReaderSize(r, 512)
	head, err := br.Peek(512)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return Stored{}, fmt.Errorf("reading document: %w", err)
	}
	if len(head) == 0 {
		return Stored{}, ErrEmpty
	}
	ctype := http.DetectContentType(head)
	if _, ok := allowedTypes[ctype]; !ok {
		return Stored{}, fmt.Errorf("%w: it looks like %s; upload %s", ErrTypeRefused, ctype, AllowedTypesText())
	}
	if err := notPolyglot(ctype, head); err != nil {
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
	if ctype == "application/zip" {
		if err := s.checkZip(ctx, key, counted.n); err != nil {
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
func notPolyglot(ctype string, head []byte) error {
	lower := bytes.ToLower(head)
	for _, tag := range [][]byte{[]byte("<html"), []byte("<script"), []byte("<svg"), []byte("<iframe"), []byte("<!doctype html")} {
		if bytes.Contains(lower, tag) {
			return fmt.Errorf("%w: it is a %s that also holds a web page (%s…); save it again as a plain %s",
				ErrTypeRefused, allowedTypes[ctype], tag, allowedTypes[ctype])
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

// checkZip reads the stored ZIP's directory (by ranged reads, not whole) and refuses a nested
// archive, or one that would expand past the limits.
func (s *Store) checkZip(ctx context.Context, key string, size int64) error {
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return fmt.Errorf("checking document: %w", err)
	}
	defer obj.Close()
	zr, err := zip.NewReader(obj, size)
	if err != nil {
		return fmt.Errorf("%w: it begins like a ZIP or Office document but its contents cannot be read; save it again", ErrTypeRefused)
	}
	if len(zr.File) > maxZipEntries {
		return fmt.Errorf("%w: it holds %d files, more than %d", ErrTypeRefused, len(zr.File), maxZipEntries)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		name := strings.ToLower(f.Name)
		switch {
		case strings.HasSuffix(name, ".zip") || strings.HasSuffix(name, ".gz") || strings.HasSuffix(name, ".7z") || strings.HasSuffix(name, ".rar"):
			return fmt.Errorf("%w: it holds another archive (%s); upload the documents themselves", ErrTypeRefused, f.Name)
		case strings.Contains(f.Name, "..") || strings.HasPrefix(f.Name, "/"):
			return fmt.Errorf("%w: a file inside it is named as a path outside it (%s)", ErrTypeRefused, f.Name)
		case f.UncompressedSize64 > bigZipEntry && (f.CompressedSize64 == 0 || f.UncompressedSize64/f.CompressedSize64 > maxZipRatio):
			return fmt.Errorf("%w: it would expand far beyond its size (%s is %d MB unpacked); it looks like a ZIP bomb", ErrTypeRefused, f.Name, f.UncompressedSize64>>20)
		}
	}
	if total > maxZipExpanded {
		return fmt.Errorf("%w: it would expand to %d MB; the limit is %d MB", ErrTypeRefused, total>>20, maxZipExpanded>>20)
	}
	return nil
}
