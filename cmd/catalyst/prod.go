package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/catalyst-sbri/catalyst/api"
	"github.com/catalyst-sbri/catalyst/docstore"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/metrics"
	"github.com/catalyst-sbri/catalyst/worker"
)

func prodLog() *slog.Logger {
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// runMigrate is `catalyst migrate [--data DIR]`: it applies the versioned migrations to the
// production PostgreSQL (CATALYST_DATABASE_URL), or with --data to a `catalyst dev` folder's
// SQLite database, and says which it applied.
func runMigrate(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	data := fs.String("data", "", "a `catalyst dev` data folder, to migrate its SQLite database instead")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var db *ent.Client
	var err error
	if *data != "" {
		if err := os.MkdirAll(*data, 0o755); err != nil {
			return err
		}
		db, err = ent.OpenSQLite(filepath.Join(*data, "catalyst.db"))
	} else {
		var cfg prodConfig
		if cfg, err = loadConfig("migrate"); err != nil {
			return fmt.Errorf("%w\n(or give --data DIR for a `catalyst dev` data folder)", err)
		}
		db, err = ent.OpenPostgres(cfg.DatabaseURL)
	}
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.MigrateReport(ctx)
	for _, a := range applied {
		if a.Took > 0 {
			fmt.Fprintf(out, "Applied %s %s in %s.\n", a.Version, a.Description, a.Took.Round(10*time.Microsecond))
		} else {
			fmt.Fprintf(out, "%s %s: %s.\n", "Baseline", a.Version, a.Description)
		}
	}
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(out, "The database schema is up to date: no migration to apply.")
	} else {
		fmt.Fprintln(out, "The database schema is up to date.")
	}
	return nil
}

func runWorker(ctx context.Context) error {
	cfg, err := loadConfig("worker")
	if err != nil {
		return err
	}
	log := prodLog()
	db, err := ent.OpenPostgres(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	m := metrics.New()
	defer m.Close()
	tc, err := dialTemporal(ctx, cfg.TemporalAddress, cfg.TemporalNamespace, cfg.Temporal, log, m)
	if err != nil {
		return err
	}
	defer tc.Close()
	// A small health endpoint: the worker is healthy while the database and Temporal answer.
	// /metrics beside it is the worker's Temporal SDK metrics: workflow tasks and activities.
	mux := http.NewServeMux()
	mux.Handle("/metrics", m.Handler())
	health := &http.Server{Addr: get(envWorkerHealth), ReadHeaderTimeout: 5 * time.Second, Handler: mux}
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if _, err := db.Challenge.Query().Exist(ctx); err != nil {
			http.Error(w, "database: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		if _, err := tc.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
			http.Error(w, "temporal: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	}))
	go func() {
		if err := health.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warn("worker health endpoint", "error", err)
		}
	}()
	defer health.Close()
	log.Info("worker started", "temporal", cfg.TemporalAddress, "namespace", cfg.TemporalNamespace)
	if cfg.Mail == nil {
		log.Warn("email is off: notices are kept and wait to be sent; set " + envNotifyKey.Name + " or " + envSMTPURL.Name)
	}
	// The worker deletes documents' bytes for the retention schedule; the API made the bucket.
	docs, err := docstore.New(cfg.S3)
	if err != nil {
		return err
	}
	if cfg.LogSigner == nil {
		log.Warn("no public transparency log is kept (the audit trail is still chained): set " + envLogKey.Name)
	}
	if cfg.LogWitness != nil {
		cfg.LogWitness.DB = db
	}
	log.Info("webhooks are delivered to " + cfg.Outbound.Allowed() + " (" + envOutbound.Name + ")")
	deps := worker.Deps{Temporal: tc, DB: db, Docs: docs, Log: log, Mail: cfg.Mail, BaseURL: cfg.PublicURL,
		LogSigner: cfg.LogSigner, LogWitness: cfg.LogWitness, Outbound: cfg.Outbound}
	logCleartext(log, cfg)
	if logScanner(log, cfg) {
		deps.Scanning = docs
	}
	return worker.Run(ctx, deps)
}

func runAPI(ctx context.Context) error {
	cfg, err := loadConfig("api")
	if err != nil {
		return err
	}
	log := prodLog()
	handler, _, closeAll, err := prodHandler(ctx, cfg, false, log)
	if err != nil {
		return err
	}
	defer closeAll()
	srv := apiServer(cfg.Addr, handler, cfg.S3.MaxSize)
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("api listening", "addr", cfg.Addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// logScanner says at start whether uploads are checked for malware, and reports whether they are.
func logScanner(log *slog.Logger, cfg prodConfig) bool {
	if cfg.S3.Scanner == nil {
		log.Warn("uploads are not checked for viruses: " + envClamd.Name + " is none, so each document is kept as not checked")
		return false
	}
	log.Info("uploads are checked for viruses by " + fmt.Sprint(cfg.S3.Scanner))
	return true
}

// prodHandler connects to PostgreSQL, Temporal and the object store and builds the API.
func prodHandler(ctx context.Context, cfg prodConfig, devSignIn bool, log *slog.Logger) (http.Handler, *ent.Client, func(), error) {
	db, err := ent.OpenPostgres(cfg.DatabaseURL)
	if err != nil {
		return nil, nil, nil, err
	}
	docs, err := docstore.New(cfg.S3)
	if err != nil {
		db.Close()
		return nil, nil, nil, err
	}
	if err := docs.EnsureBucket(ctx); err != nil {
		db.Close()
		return nil, nil, nil, err
	}
	logScanner(log, cfg)
	logCleartext(log, cfg)
	m := metrics.New()
	m.WatchStore(db)
	tc, err := dialTemporal(ctx, cfg.TemporalAddress, cfg.TemporalNamespace, cfg.Temporal, log, m)
	if err != nil {
		db.Close()
		return nil, nil, nil, err
	}
	// The seed drives an in-process handler with the dev sign-in, and runs its demo competitions
	// in seconds; a listening server is production: Secure cookies, HSTS, and no dev sign-in.
	shortest := cfg.ShortestOpen
	if devSignIn {
		shortest = domain.MinOpenPeriod
	}
	h, err := newAPI(db, tc, docs, api.Deps{SessionKey: cfg.SessionKey, DevSignIn: devSignIn, Production: !devSignIn,
		SecureCookies: !devSignIn, OIDC: cfg.OIDC, OCIDPrefix: cfg.OCIDPrefix, ShortestOpen: shortest, Metrics: m, Log: log,
		LogVerifierKey: cfg.LogVerifierKey, Outbound: cfg.Outbound, SecurityContact: cfg.SecurityContact, TrustedProxies: cfg.TrustedProxies,
		PublicURL: strings.TrimRight(get(envPublicURL), "/")})
	if err != nil {
		tc.Close()
		db.Close()
		return nil, nil, nil, err
	}
	if devSignIn { // the seed's in-process handler listens nowhere
		return h, db, func() { tc.Close(); m.Close(); db.Close() }, nil
	}
	// Prometheus scrapes the API on a listener of its own: /metrics shows what is being done
	// (submits by route while bids are sealed), which is not the public's to read.
	ms := &http.Server{Addr: cfg.MetricsAddr, Handler: m.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := ms.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("the metrics listener", "addr", cfg.MetricsAddr, "error", err)
		}
	}()
	log.Info("metrics for Prometheus", "addr", cfg.MetricsAddr, "path", "/metrics")
	return h, db, func() { _ = ms.Close(); tc.Close(); m.Close(); db.Close() }, nil
}

// runSeedCommand loads the demo data into a production-mode system. It drives the API in this
// process (the demo sign-in is switched on here only, never on a listening server).
func runSeedCommand(ctx context.Context) error {
	cfg, err := loadConfig("seed")
	if err != nil {
		return err
	}
	log := prodLog()
	handler, db, closeAll, err := prodHandler(ctx, cfg, true, log)
	if err != nil {
		return err
	}
	defer closeAll()
	n, err := seedDemo(ctx, db, handler, log)
	if err != nil {
		return err
	}
	fmt.Printf("Demo data loaded: %d new challenges.\n", n)
	return nil
}

// slowestUpload is the slowest connection a supplier's largest document must still arrive over
// (about 2 Mbit/s, a poor rural line): the server's read and write timeouts are sized from it,
// so a slow upload is not cut off and a connection that stalls is not held for ever.
const slowestUpload = 256 << 10 // bytes a second

// apiServer is the production HTTP server: headers within 10 s, a request read and its answer
// written within the time the largest document takes at slowestUpload (at least two minutes),
// and idle connections closed after two.
func apiServer(addr string, h http.Handler, maxDocument int64) *http.Server {
	body := max(2*time.Minute, time.Duration(maxDocument/slowestUpload)*time.Second+time.Minute)
	return &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: body, WriteTimeout: body, IdleTimeout: 2 * time.Minute}
}
