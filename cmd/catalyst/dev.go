package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"go.temporal.io/sdk/client"
	"golang.org/x/mod/sumdb/note"

	"github.com/catalyst-sbri/catalyst/api"
	"github.com/catalyst-sbri/catalyst/devstack"
	"github.com/catalyst-sbri/catalyst/devstack/s3server"
	"github.com/catalyst-sbri/catalyst/docstore"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/email"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/metrics"
	"github.com/catalyst-sbri/catalyst/outbound"
	"github.com/catalyst-sbri/catalyst/scanner"
	"github.com/catalyst-sbri/catalyst/translog"
	"github.com/catalyst-sbri/catalyst/web"
	"github.com/catalyst-sbri/catalyst/worker"
)

// devOptions configure the embedded stack.
type devOptions struct {
	Data string // folder for every file the stack keeps
	Addr string // where the API and pages listen
	Seed bool   // load the demo data in the background
	// DatabaseURL, if set, puts the records in PostgreSQL instead of the data folder's SQLite.
	DatabaseURL string
	// MailAddr is where the mail viewer listens; every email is caught by a local SMTP sink.
	MailAddr string
	// MailPollEvery is the mail workflow's look for waiting email without a wake.
	MailPollEvery time.Duration
	Out           io.Writer // where the banner goes
	Log           *slog.Logger
}

// devStack is everything `catalyst dev` runs, in one process.
type devStack struct {
	URL      string
	DB       *ent.Client
	Temporal client.Client
	Docs     *docstore.Store
	S3       *s3server.Server
	Mail     *email.Sink
	Metrics  *metrics.Metrics
	MailURL  string // the mail viewer
	// SeedDone is closed when the demo data is loaded (or failed: see SeedErr).
	SeedDone chan struct{}
	SeedErr  error

	temporalServer *devstack.Temporal
	server         *http.Server
	mailViewer     *http.Server
	stopWorker     context.CancelFunc
	workerDone     chan error
	closeOnce      sync.Once
}

// devSignInRate is how many sign-ins a minute `catalyst dev` takes from one address.
const devSignInRate = 600

// devOutbound lets webhooks reach this machine as well as the internet, for trying a receiver
// out beside `catalyst dev`; never the rest of its network.
var devOutbound = outbound.NewPolicy(outbound.Loopback...)

func runDev(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	data := fs.String("data", ".catalyst", "folder for the database, workflow history and documents")
	addr := fs.String("addr", "127.0.0.1:8080", "address for the API and pages")
	mailAddr := fs.String("mail", "127.0.0.1:8025", "address for the mail viewer, which shows every email sent")
	demo := fs.Bool("demo", true, "load the demo data; with --demo=false only the demo people are made, to sign in as")
	if err := fs.Parse(args); err != nil {
		return err
	}
	started := time.Now()
	st, err := startDev(ctx, devOptions{Data: *data, Addr: *addr, MailAddr: *mailAddr, Seed: *demo, Out: os.Stdout})
	if err != nil {
		return err
	}
	if !*demo {
		if err := seedPeople(ctx, st.DB); err != nil {
			st.Close()
			return err
		}
	}
	fmt.Fprintf(os.Stdout, "Ready in %s. Press Ctrl+C to stop.\n", time.Since(started).Round(10*time.Millisecond))
	select {
	case <-ctx.Done():
	case <-st.SeedDone:
		if st.SeedErr != nil && ctx.Err() == nil {
			// A half-loaded demo is worse than none: say so and stop, and the next start sets
			// this load aside and loads the demo afresh.
			fmt.Fprintf(os.Stderr, "The demo data could not be loaded: %v\nCatalyst has stopped. Start it again to load the demo afresh.\n", st.SeedErr)
			_ = st.Close()
			return errors.New("the demo data could not be loaded")
		}
		<-ctx.Done()
	}
	fmt.Fprintln(os.Stdout, "Stopping…")
	return st.Close()
}

// startDev starts the embedded stack and returns once the API answers.
func startDev(ctx context.Context, o devOptions) (_ *devStack, err error) {
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	// Every path must be absolute before the S3 server starts: it changes the process's working
	// directory (see s3server.Start).
	if o.Data, err = filepath.Abs(o.Data); err != nil {
		return nil, err
	}
	// A demo load cut off part way leaves challenges stopped mid-lifecycle that no later load
	// can finish: that folder is set aside whole (nothing in it is lost) and the demo loads
	// afresh.
	if o.Seed && o.DatabaseURL == "" && demoInterrupted(o.Data) {
		aside := fmt.Sprintf("%s.interrupted-%s", o.Data, time.Now().Format("20060102-150405.000"))
		if err := os.Rename(o.Data, aside); err != nil {
			return nil, fmt.Errorf("setting aside the interrupted demo data: %w", err)
		}
		fmt.Fprintf(o.Out, "The demo data's last load was stopped part way: that folder is kept at %s, and the demo data loads afresh.\n", aside)
	}
	// The data folder holds every sealed bid, every person and the log's signing key: only its
	// owner may read it. What the parts create in it is made 0600 (folders 0700), and a folder
	// an older release made open is closed.
	ownerOnly()
	if err := os.MkdirAll(o.Data, 0o700); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	if err := os.Chmod(o.Data, 0o700); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	// Fail fast if the address is taken, before starting anything heavy.
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s (is another catalyst running? use --addr): %w", o.Addr, err)
	}
	if warning := exposedWarning(ln.Addr()); warning != "" {
		fmt.Fprintln(o.Out, warning)
		o.Log.Warn(warning)
	}
	if o.MailAddr == "" {
		o.MailAddr = "127.0.0.1:0"
	}
	mailLn, err := net.Listen("tcp", o.MailAddr)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("the mail viewer cannot listen on %s (use --mail): %w", o.MailAddr, err)
	}
	st := &devStack{URL: "http://" + ln.Addr().String(), SeedDone: make(chan struct{})}
	defer func() {
		if err != nil {
			ln.Close()
			mailLn.Close()
			st.Close()
		}
	}()

	if st.temporalServer, err = devstack.StartTemporal(filepath.Join(o.Data, "temporal")); err != nil {
		return nil, err
	}
	if st.S3, err = s3server.Start(filepath.Join(o.Data, "documents")); err != nil {
		return nil, err
	}
	if o.DatabaseURL != "" {
		st.DB, err = ent.OpenPostgres(o.DatabaseURL)
	} else {
		st.DB, err = ent.OpenSQLite(filepath.Join(o.Data, "catalyst.db"))
	}
	if err != nil {
		return nil, err
	}
	if err = st.DB.Migrate(ctx); err != nil {
		return nil, err
	}
	// The dev stack runs no scanner unless CATALYST_CLAMD names one: its documents are kept as
	// not checked for viruses, and their pages say so.
	var scan scanner.Scanner
	if c := get(envClamd); c != "" && c != "none" {
		clamd, err := scanner.ParseClamd(c)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", envClamd.Name, err)
		}
		scan = clamd
	}
	if st.Docs, err = docstore.New(docstore.Config{Endpoint: st.S3.Endpoint, AccessKey: st.S3.AccessKey, SecretKey: st.S3.SecretKey,
		Bucket: "catalyst-documents", Scanner: scan}); err != nil {
		return nil, err
	}
	if err = st.Docs.EnsureBucket(ctx); err != nil {
		return nil, err
	}
	st.Metrics = metrics.New()
	st.Metrics.WatchStore(st.DB)
	if st.Temporal, err = dialTemporal(ctx, st.temporalServer.HostPort, devstack.Namespace, temporalTransport{}, o.Log, st.Metrics); err != nil {
		return nil, err
	}
	key, err := sessionKeyIn(filepath.Join(o.Data, "session.key"))
	if err != nil {
		return nil, err
	}
	logSigner, logVKey, err := logKeyIn(filepath.Join(o.Data, "log.key"), devLogOrigin)
	if err != nil {
		return nil, err
	}

	// Every email goes to a local SMTP sink, through the same SMTP sender production may use.
	if st.Mail, err = email.StartSink(filepath.Join(o.Data, "mail"), "127.0.0.1:0"); err != nil {
		return nil, err
	}
	sender, err := email.ParseSMTP("smtp://"+st.Mail.Addr()+"?tls=none", "catalyst@catalyst.localhost")
	if err != nil {
		return nil, err
	}
	st.mailViewer = &http.Server{Handler: st.Mail.Viewer(), ReadHeaderTimeout: 10 * time.Second}
	st.MailURL = "http://" + mailLn.Addr().String()
	go func() { _ = st.mailViewer.Serve(mailLn) }()

	wctx, stopWorker := context.WithCancel(context.Background())
	st.stopWorker, st.workerDone = stopWorker, make(chan error, 1)
	go func() {
		st.workerDone <- worker.Run(wctx, worker.Deps{Temporal: st.Temporal, DB: st.DB, Docs: st.Docs, Log: o.Log,
			Mail: sender, BaseURL: st.URL, MailPollEvery: o.MailPollEvery, LogSigner: logSigner, Outbound: devOutbound, Scanning: st.Docs})
	}()

	// The demo runs whole competitions in seconds, so a competition may close soon after it opens.
	// The demo's sign-in is one click as a demo person, with no secret to guess, on a loopback
	// address: production's 20 a minute per address would stop a person (or the browser tests,
	// two journeys at once) switching between demo people, for nothing.
	handler, err := newAPI(st.DB, st.Temporal, st.Docs, api.Deps{SessionKey: key, DevSignIn: true, SignInRate: devSignInRate,
		ShortestOpen: domain.MinOpenPeriod, Metrics: st.Metrics, Log: o.Log, LogVerifierKey: logVKey, Outbound: devOutbound})
	if err != nil {
		return nil, err
	}
	st.server = &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := st.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			o.Log.Error("http server", "error", err)
		}
	}()

	fmt.Fprintf(o.Out, "Catalyst is running at %s\n", st.URL)
	fmt.Fprintf(o.Out, "  Temporal frontend: %s (namespace %q)\n", st.temporalServer.HostPort, devstack.Namespace)
	fmt.Fprintf(o.Out, "  Mail viewer:       %s (every email sent is caught here)\n", st.MailURL)
	fmt.Fprintf(o.Out, "  Data folder:       %s\n", o.Data)
	fmt.Fprintf(o.Out, "Sign in at %s/sign-in as one of the demo people:\n", st.URL)
	for _, p := range demoPeople {
		fmt.Fprintf(o.Out, "  %-22s %-36s %s\n", p.Name, p.Email, p.Role)
	}
	if o.Seed {
		if err := markDemo(o.Data, demoStarted); err != nil {
			return nil, err
		}
		go func() {
			defer close(st.SeedDone)
			n, err := seedDemo(wctx, st.DB, handler, o.Log)
			st.SeedErr = err
			switch {
			case wctx.Err() != nil:
				// Stopped part way: the next start sets this load aside and loads afresh.
			case err != nil:
				o.Log.Error("loading demo data", "error", err)
			default:
				if err := markDemo(o.Data, demoLoaded); err != nil {
					o.Log.Error("marking the demo data loaded", "error", err)
				}
				if n > 0 {
					fmt.Fprintf(o.Out, "Demo data loaded: %d challenges.\n", n)
				}
			}
		}()
	} else {
		close(st.SeedDone)
	}
	return st, nil
}

// newAPI builds the HTTP handler from its parts; dev and production share it.
func newAPI(db *ent.Client, tc client.Client, docs *docstore.Store, d api.Deps) (http.Handler, error) {
	d.DB, d.Temporal, d.Docs = db, tc, docs
	d.Ready = func(ctx context.Context) error {
		if _, err := db.Challenge.Query().Exist(ctx); err != nil {
			return &api.NotReady{Part: "database", Err: err}
		}
		if _, err := tc.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
			return &api.NotReady{Part: "temporal", Err: err}
		}
		if err := docs.Ping(ctx); err != nil {
			return &api.NotReady{Part: "object_store", Err: err}
		}
		return nil
	}
	return api.New(d, web.Pages)
}

// Close stops everything; what was written stays in the data folder.
func (st *devStack) Close() error {
	var errs []error
	st.closeOnce.Do(func() {
		if st.server != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			errs = append(errs, st.server.Shutdown(ctx))
			cancel()
		}
		if st.mailViewer != nil {
			errs = append(errs, st.mailViewer.Close())
		}
		if st.stopWorker != nil {
			st.stopWorker()
			<-st.SeedDone
			errs = append(errs, <-st.workerDone)
		}
		if st.Mail != nil {
			errs = append(errs, st.Mail.Close())
		}
		if st.Temporal != nil {
			st.Temporal.Close()
		}
		if st.Metrics != nil {
			st.Metrics.Close()
		}
		if st.temporalServer != nil {
			errs = append(errs, st.temporalServer.Stop())
		}
		if st.S3 != nil {
			errs = append(errs, st.S3.Stop())
		}
		if st.DB != nil {
			errs = append(errs, st.DB.Close())
		}
	})
	return errors.Join(errs...)
}

// sessionKeyIn keeps the session-signing key in the data folder so sign-ins survive a restart.
// devLogOrigin names the dev stack's transparency log.
const devLogOrigin = "catalyst.localhost/log"

// logKeyIn is the transparency log's signing key kept at path (made there on first use), its
// signer and its verifier key.
func logKeyIn(path, origin string) (note.Signer, string, error) {
	b, err := os.ReadFile(path)
	skey := strings.TrimSpace(string(b))
	if err != nil {
		if skey, _, err = translog.NewKey(rand.Reader, origin); err != nil {
			return nil, "", err
		}
		if err := os.WriteFile(path, []byte(skey+"\n"), 0o600); err != nil {
			return nil, "", err
		}
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", path, err)
	}
	vkey, err := translog.VerifierKey(skey)
	return signer, vkey, err
}

func sessionKeyIn(path string) ([]byte, error) {
	if b, err := os.ReadFile(path); err == nil && len(b) >= 32 {
		return b, nil
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	return key, os.WriteFile(path, key, 0o600)
}

// The demo load's marks in the data folder: started when it begins, loaded when it finishes.
const (
	demoStarted = "demo-started"
	demoLoaded  = "demo-loaded"
)

func markDemo(data, mark string) error {
	if mark == demoStarted {
		if _, err := os.Stat(filepath.Join(data, demoLoaded)); err == nil {
			return nil // loaded before: a later start only adds what is missing
		}
	}
	return os.WriteFile(filepath.Join(data, mark), []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o644)
}

// demoInterrupted says whether the folder holds a demo load that began and never finished.
func demoInterrupted(data string) bool {
	_, started := os.Stat(filepath.Join(data, demoStarted))
	_, loaded := os.Stat(filepath.Join(data, demoLoaded))
	return started == nil && loaded != nil
}

// exposedWarning is what `catalyst dev` says, loudly, when it listens where other machines can
// reach it: its sign-in lets anyone be anyone, with no password.
func exposedWarning(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || tcp.IP.IsLoopback() {
		return ""
	}
	return fmt.Sprintf("WARNING: catalyst dev is listening on %s, which other machines can reach, and its sign-in lets anyone act as anyone, with no password. "+
		"It is for trying Catalyst on this machine: stop it and start it with --addr 127.0.0.1:8080, or run production (`catalyst api`) instead.", addr)
}
