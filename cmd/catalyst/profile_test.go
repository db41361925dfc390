package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// With CATALYST_CPU_PROFILE_DIR set, a long-running process writes its profile there when it
// stops, and a short command (a probe, whose argument is a URL) still runs, writing none.
func TestAProfileFolderProfilesOnlyTheProcessesThatRun(t *testing.T) {
	dir := t.TempDir()
	stop, err := profileCPU(dir, []string{"probe", "http://127.0.0.1:8080/readyz"})
	if err != nil {
		t.Fatalf("a probe with the profile folder set: %v", err)
	}
	stop()
	stop, err = profileCPU(dir, []string{"part", "temporal", "--postgres", "postgres://x"})
	if err != nil {
		t.Fatal(err)
	}
	stop()
	got, _ := filepath.Glob(filepath.Join(dir, "*.pprof"))
	if len(got) != 1 || filepath.Base(got[0]) != fmt.Sprintf("catalyst-part-temporal-%d.pprof", os.Getpid()) {
		t.Fatalf("profiles written: %v, want the part's alone", got)
	}
	if fi, err := os.Stat(got[0]); err != nil || fi.Size() == 0 {
		t.Errorf("the part's profile is empty: %v", err)
	}
}
