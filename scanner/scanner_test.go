package scanner_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/scanner"
	"github.com/catalyst-sbri/catalyst/scanner/scannertest"
)

func zipOf(t testing.TB, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A real clamd finds EICAR alone, inside a ZIP and inside an Office file, and passes clean files.
func TestClamdFindsEICARWhereverItIs(t *testing.T) {
	c := scannertest.Start(t)
	ctx := context.Background()
	clean := make([]byte, 3<<20)
	_, _ = rand.Read(clean)
	cases := []struct {
		name  string
		body  []byte
		clean bool
	}{
		{"EICAR alone", scannertest.EICAR, false},
		{"EICAR in a ZIP", zipOf(t, map[string][]byte{"notes.txt": []byte("hello"), "eicar.txt": scannertest.EICAR}), false},
		{"EICAR in a Word document", zipOf(t, map[string][]byte{"[Content_Types].xml": []byte("<Types/>"), "word/document.xml": []byte("<w:document/>"), "word/media/image1.png": scannertest.EICAR}), false},
		{"plain text", []byte("A proposal to reduce waiting times.\n"), true},
		{"3 MB of random bytes, in many chunks", clean, true},
		{"a Word document without it", zipOf(t, map[string][]byte{"[Content_Types].xml": []byte("<Types/>"), "word/document.xml": []byte("<w:document/>")}), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, err := c.Scan(ctx, bytes.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if v.Clean != tc.clean {
				t.Fatalf("clean = %v (%q), want %v", v.Clean, v.Finding, tc.clean)
			}
			if !tc.clean && v.Finding != scannertest.Signature {
				t.Errorf("finding = %q, want %q", v.Finding, scannertest.Signature)
			}
		})
	}
}

// A scanner out of reach, or one that refuses, gives no verdict: never "clean".
func TestNoVerdictIsNotClean(t *testing.T) {
	gone := &scanner.Clamd{Network: "unix", Address: t.TempDir() + "/none.sock"}
	if _, err := gone.Scan(context.Background(), bytes.NewReader([]byte("x"))); !errors.Is(err, scanner.ErrScanner) {
		t.Fatalf("scan with no clamd: %v, want ErrScanner", err)
	}
	c := scannertest.Start(t)
	big := make([]byte, 65<<20) // past the test clamd's StreamMaxLength of 64M
	v, err := c.Scan(context.Background(), bytes.NewReader(big))
	if !errors.Is(err, scanner.ErrScanner) {
		t.Fatalf("scan past clamd's limit: %+v, %v; want ErrScanner", v, err)
	}
	// A document that cannot be read gives no verdict either.
	if v, err := c.Scan(context.Background(), io.MultiReader(bytes.NewReader([]byte("abc")), failing{})); err == nil {
		t.Fatalf("scan of a document that failed to read: %+v, want an error", v)
	}
}

type failing struct{}

func (failing) Read([]byte) (int, error) { return 0, errors.New("disk gone") }

func TestParseClamd(t *testing.T) {
	for in, want := range map[string]string{"tcp://clamav:3310": "tcp://clamav:3310", "unix:///run/clamav/clamd.ctl": "unix:///run/clamav/clamd.ctl"} {
		c, err := scanner.ParseClamd(in)
		if err != nil || c.String() != want {
			t.Errorf("ParseClamd(%q) = %v, %v", in, c, err)
		}
	}
	for _, bad := range []string{"clamav:3310", "tcp://clamav", "unix://", "http://clamav:3310"} {
		if _, err := scanner.ParseClamd(bad); err == nil {
			t.Errorf("ParseClamd(%q) accepted", bad)
		}
	}
}

// BenchmarkClamdScan prints clamd's answer time per MB, and its ratio to hashing the same
// bytes with SHA-256 in the same run (what every upload does already).
func BenchmarkClamdScan(b *testing.B) {
	c := scannertest.Start(b)
	for _, mb := range []int{1, 10} {
		body := make([]byte, mb<<20)
		_, _ = rand.Read(body)
		b.Run(fmt.Sprintf("%dMB", mb), func(b *testing.B) {
			var scan, hash time.Duration
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				if _, err := c.Scan(context.Background(), bytes.NewReader(body)); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				sha256.Sum256(body)
				scan, hash = scan+t1.Sub(t0), hash+time.Since(t1)
			}
			b.ReportMetric(float64(scan.Microseconds())/1000/float64(b.N*mb), "scan-ms/MB")
			b.ReportMetric(float64(hash.Microseconds())/1000/float64(b.N*mb), "sha256-ms/MB")
			b.ReportMetric(float64(scan)/float64(hash), "ratio")
		})
	}
}
