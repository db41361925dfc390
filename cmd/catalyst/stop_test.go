package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// TestMain lets a test run this binary as `catalyst` itself, to send it real signals.
func TestMain(m *testing.M) {
	if os.Getenv("CATALYST_TEST_RUN_MAIN") == "1" {
		os.Args = append([]string{"catalyst"}, strings.Fields(os.Getenv("CATALYST_TEST_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// devProcess is `catalyst dev` running as a child, its output kept as it comes.
type devProcess struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  strings.Builder
	done chan struct{}
}

func startDevProcess(t *testing.T, data string, args ...string) *devProcess {
	t.Helper()
	if len(args) == 0 {
		args = []string{"--addr", "127.0.0.1:0"}
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "CATALYST_TEST_RUN_MAIN=1",
		"CATALYST_TEST_ARGS=dev --data "+data+" --mail 127.0.0.1:0 "+strings.Join(args, " "))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	// Its errors (why it stopped at start, say) are kept with its output.
	cmd.Stderr = cmd.Stdout
	p := &devProcess{cmd: cmd, done: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(nil, 4<<20) // a long log line must not end the reading, and so hide what followed
		for sc.Scan() {
			p.mu.Lock()
			p.out.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
		}
		if err := sc.Err(); err != nil {
			p.mu.Lock()
			p.out.WriteString("(reading its output failed: " + err.Error() + ")\n")
			p.mu.Unlock()
		}
		_ = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-p.done })
	return p
}

func (p *devProcess) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// waitFor waits until the output says want, or fails after limit.
func (p *devProcess) waitFor(t *testing.T, want string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !strings.Contains(p.output(), want) {
		select {
		case <-p.done:
			t.Fatalf("catalyst dev ended (%v) before saying %q:\n%s", p.cmd.ProcessState, want, p.output())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("catalyst dev did not say %q in %s:\n%s", want, limit, p.output())
		}
	}
}

// TestDevStopsWheneverAskedAndItsDemoAlwaysFinishes sends Ctrl+C (SIGINT) or SIGTERM to
// `catalyst dev` at several moments of its first start, while the demo data loads, then starts
// it again on the same folder: the load stopped part way is set aside, said so, and the demo
// data loads in full. A stop that hangs fails; how long each took is logged (the goal is 5 s).
func TestDevStopsWheneverAskedAndItsDemoAlwaysFinishes(t *testing.T) {
	if testing.Short() || testdb.Postgres() {
		t.Skip("starts the whole stack several times; its stop does not depend on the database")
	}
	data := filepath.Join(t.TempDir(), "data")
	moments := []struct {
		after time.Duration
		sig   syscall.Signal
	}{{0, syscall.SIGINT}, {3 * time.Second, syscall.SIGTERM}, {10 * time.Second, syscall.SIGINT}}
	for _, m := range moments {
		p := startDevProcess(t, data)
		p.waitFor(t, "Catalyst is running", 2*time.Minute)
		time.Sleep(m.after)
		if strings.Contains(p.output(), "Demo data loaded") {
			t.Fatalf("the demo data loaded before the stop at %s", m.after)
		}
		asked := time.Now()
		if err := p.cmd.Process.Signal(m.sig); err != nil {
			t.Fatal(err)
		}
		select {
		case <-p.done:
			t.Logf("%s %s into the demo load: stopped in %s", m.sig, m.after, time.Since(asked).Round(10*time.Millisecond))
		case <-time.After(30 * time.Second):
			t.Fatalf("%s %s into the demo load: still running after 30 s:\n%s", m.sig, m.after, p.output())
		}
		if strings.Contains(p.output(), "Demo data loaded") {
			t.Errorf("said the demo data loaded after being stopped:\n%s", p.output())
		}
	}
	p := startDevProcess(t, data)
	p.waitFor(t, "Demo data loaded: 19 challenges.", 4*time.Minute)
	if !strings.Contains(p.output(), "The demo data's last load was stopped part way") {
		t.Errorf("the restart did not say the last load was stopped part way:\n%s", p.output())
	}
	if _, err := os.Stat(filepath.Join(data, demoLoaded)); err != nil {
		t.Errorf("no mark that the demo data loaded: %v", err)
	}
	asides, _ := filepath.Glob(data + ".interrupted-*")
	if len(asides) == 0 {
		t.Error("the interrupted load was not kept")
	}
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatal("the loaded stack did not stop")
	}
}
