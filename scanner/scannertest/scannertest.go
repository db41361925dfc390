// Package scannertest runs a real clamd for tests, with a signature database that knows the
// EICAR test file: ClamAV's full database cannot be downloaded on the machines that build
// Catalyst, but clamd starts with any database, and a .hdb line (an MD5, a size, a name)
// makes one.
package scannertest

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/scanner"
)

// EICAR is the anti-malware test file: harmless, and found by every scanner as if it were not.
// It is written backwards here so that no scanner on a developer's machine quarantines this
// source file.
var EICAR = reverse(`*H+H$!ELIF-TSET-SURIVITNA-DRADNATS-RACIE$}7)CC7)^P(45XZP\4[PA@%P!O5X`)

// Signature is the name clamd reports for EICAR with this database (clamd marks a signature
// of a database it did not sign as unofficial).
const Signature = "Catalyst-Test-EICAR.UNOFFICIAL"

func reverse(s string) []byte {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return b
}

// Installed reports whether clamd can be started here. Outside CI a test may skip without it;
// CI (.ci/run, which sets CI) installs Debian's clamav-daemon and fails a test that finds none.
func Installed(t testing.TB) bool {
	t.Helper()
	if _, err := exec.LookPath("clamd"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("clamd is not installed: .ci/run installs Debian's clamav-daemon")
		}
		return false
	}
	return true
}

// Start runs clamd for the test, on a Unix socket, and stops it when the test ends. It skips
// the test where clamd is not installed (see Installed).
func Start(t testing.TB) *scanner.Clamd {
	t.Helper()
	if !Installed(t) {
		t.Skip("clamd is not installed (Debian's clamav-daemon); the malware scanner's tests need it")
	}
	// A short folder: a Unix socket's path has at most 107 bytes.
	dir, err := os.MkdirTemp("", "clamd")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	sum := md5.Sum(EICAR)
	db := filepath.Join(dir, "db")
	if err := os.Mkdir(db, 0o700); err != nil {
		t.Fatal(err)
	}
	hdb := fmt.Sprintf("%s:%d:%s\n", hex.EncodeToString(sum[:]), len(EICAR), strings.TrimSuffix(Signature, ".UNOFFICIAL"))
	if err := os.WriteFile(filepath.Join(db, "catalyst-test.hdb"), []byte(hdb), 0o600); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "clamd.sock")
	conf := strings.Join([]string{
		"DatabaseDirectory " + db,
		"LocalSocket " + sock,
		"Foreground yes",
		"LogFile " + filepath.Join(dir, "clamd.log"),
		"StreamMaxLength 64M",
		"MaxThreads 4",
		"SelfCheck 0",
	}, "\n") + "\n"
	confPath := filepath.Join(dir, "clamd.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("clamd", "--config-file="+confPath)
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting clamd: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
	})
	c := &scanner.Clamd{Network: "unix", Address: sock}
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := c.Ping(ctx)
		cancel()
		if err == nil {
			return c
		}
		select {
		case werr := <-done:
			done <- werr // for the cleanup's wait
			log, _ := os.ReadFile(filepath.Join(dir, "clamd.log"))
			t.Fatalf("clamd stopped before it answered (%v):\n%s", werr, log)
		default:
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "clamd.log"))
			t.Fatalf("clamd did not answer within 30 s: %v\n%s", err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Switchable is a real clamd, or none answering, as a test chooses: a scanner away when a
// document is uploaded, and back when it is checked again.
type Switchable struct{ up atomic.Pointer[scanner.Clamd] }

// Use makes c the scanner; nil makes the scanner away.
func (s *Switchable) Use(c *scanner.Clamd) { s.up.Store(c) }

// Scan scans with the clamd in use, or gives no verdict when there is none.
func (s *Switchable) Scan(ctx context.Context, r io.Reader) (scanner.Verdict, error) {
	if c := s.up.Load(); c != nil {
		return c.Scan(ctx, r)
	}
	return scanner.Verdict{}, fmt.Errorf("%w: connection refused", scanner.ErrScanner)
}
