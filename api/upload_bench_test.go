package api

import (
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/catalyst-sbri/catalyst/docstore"
	"github.com/catalyst-sbri/catalyst/internal/testworld"
)

// BenchmarkUpload: a supplier's document through the API (HTTP, multipart, the type and size
// checks, SHA-256, the S3 multipart upload, the record) against a direct minio-go PutObject of
// the same bytes to the same S3 server and bucket, in the same run; then the process's heap
// growth at its peak while one 1 GiB document streams through the API.
//
//	go test -run '^$' -bench BenchmarkUpload -benchtime 1x ./api/
func BenchmarkUpload(b *testing.B) {
	const size = 256 << 20
	const rounds = 4
	w := NewWorld(b)
	big, err := docstore.New(docstore.Config{Endpoint: testworld.S3.Endpoint, AccessKey: testworld.S3.AccessKey, SecretKey: testworld.S3.SecretKey,
		Bucket: "api-test", MaxSize: 2 << 30})
	if err != nil {
		b.Fatal(err)
	}
	h, err := New(Deps{DB: w.DB, Docs: big, SessionKey: make([]byte, 32), Log: Quiet})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	token := w.Tokens[SupplierOther]
	path := fmt.Sprintf("%s/api/v1/bids/%d/documents", srv.URL, w.DraftBinsight.ID)
	upload := func(n int64) {
		body, contentType := streamedPDF(n)
		req, _ := http.NewRequest(http.MethodPost, path, body)
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			b.Fatalf("upload: %d %s", resp.StatusCode, msg)
		}
	}
	mc, err := minio.New(testworld.S3.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(testworld.S3.AccessKey, testworld.S3.SecretKey, "")})
	if err != nil {
		b.Fatal(err)
	}
	direct := func(n int64) {
		_, err := mc.PutObject(context.Background(), "api-test", docstore.NewKey("direct"), pdfReader(n), -1,
			minio.PutObjectOptions{ContentType: "application/pdf", PartSize: 5 << 20})
		if err != nil {
			b.Fatal(err)
		}
	}
	for range b.N {
		var viaAPI, viaMinio time.Duration
		for range rounds { // alternated, so neither has the disk to itself
			t0 := time.Now()
			upload(size)
			viaAPI += time.Since(t0)
			t0 = time.Now()
			direct(size)
			viaMinio += time.Since(t0)
		}
		mb := float64(rounds*size) / (1 << 20)
		apiRate, minioRate := mb/viaAPI.Seconds(), mb/viaMinio.Seconds()

		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		var peak atomic.Uint64
		stop := make(chan struct{})
		go func() {
			var m runtime.MemStats
			for {
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
					runtime.ReadMemStats(&m)
					if m.HeapInuse > peak.Load() {
						peak.Store(m.HeapInuse)
					}
				}
			}
		}()
		t0 := time.Now()
		upload(1 << 30)
		took := time.Since(t0)
		close(stop)
		growth := float64(peak.Load()-min(peak.Load(), before.HeapInuse)) / (1 << 20)
		b.Logf(`upload of %d MB documents, %d each way:
  through the API: %.0f MB/s; minio-go PutObject to the same store: %.0f MB/s; ratio %.2f (goal at least 0.8)
  a 1 GiB document through the API: %.1f s, heap growth at its peak %.1f MiB (goal under 64 MiB; the S3 server runs in this process and is counted)`,
			size>>20, rounds, apiRate, minioRate, apiRate/minioRate, took.Seconds(), growth)
		b.ReportMetric(apiRate/minioRate, "ratio-vs-putobject")
		b.ReportMetric(growth, "MiB-heap-growth-1GiB")
	}
}

// streamedPDF is a multipart body carrying an n-byte PDF in the field "file", written as it is
// read: nothing is held whole.
func streamedPDF(n int64) (io.Reader, string) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		fw, err := mw.CreateFormFile("file", "proposal.pdf")
		if err == nil {
			_, err = io.Copy(fw, pdfReader(n))
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	return pr, mw.FormDataContentType()
}

// pdfReader gives n bytes that begin as a PDF does.
func pdfReader(n int64) io.Reader {
	head := "%PDF-1.4\n% Catalyst upload benchmark\n"
	return io.MultiReader(strings.NewReader(head), io.LimitReader(fill{}, n-int64(len(head))))
}

type fill struct{}

func (fill) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte('a' + i%26)
	}
	return len(p), nil
}
