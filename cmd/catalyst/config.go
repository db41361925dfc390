package main

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"golang.org/x/mod/sumdb/note"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/api"
	"github.com/catalyst-sbri/catalyst/docstore"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/email"
	"github.com/catalyst-sbri/catalyst/metrics"
	"github.com/catalyst-sbri/catalyst/outbound"
	"github.com/catalyst-sbri/catalyst/scanner"
	"github.com/catalyst-sbri/catalyst/witness"
)

// envVar is one setting of the production processes.
type envVar struct {
	Name    string
	Default string
	Help    string // what to put there, for the error message and the README
}

// The production settings. Each command needs some of them (see needs).
var (
	envDatabaseURL  = envVar{"CATALYST_DATABASE_URL", "", "the PostgreSQL URL, e.g. postgres://catalyst:secret@postgres:5432/catalyst?sslmode=disable"}
	envTemporal     = envVar{"CATALYST_TEMPORAL_ADDRESS", "", "the Temporal frontend as host:port, e.g. temporal:7233"}
	envNamespace    = envVar{"CATALYST_TEMPORAL_NAMESPACE", "default", "the Temporal namespace"}
	envS3Endpoint   = envVar{"CATALYST_S3_ENDPOINT", "", "the S3 endpoint as host:port, e.g. minio:9000"}
	envS3AccessKey  = envVar{"CATALYST_S3_ACCESS_KEY", "", "the S3 access key"}
	envS3SecretKey  = envVar{"CATALYST_S3_SECRET_KEY", "", "the S3 secret key"}
	envS3Bucket     = envVar{"CATALYST_S3_BUCKET", "catalyst-documents", "the bucket for documents (created if missing)"}
	envS3Region     = envVar{"CATALYST_S3_REGION", "us-east-1", "the S3 region"}
	envS3TLS        = envVar{"CATALYST_S3_USE_TLS", "false", "true to reach S3 over HTTPS"}
	envAddr         = envVar{"CATALYST_ADDR", ":8080", "the address the API listens on"}
	envSessionKey   = envVar{"CATALYST_SESSION_KEY", "", "64 hex characters (32 random bytes) that sign session cookies: openssl rand -hex 32"}
	envDevSignIn    = envVar{"CATALYST_DEV_SIGN_IN", "false", "never true in production: the demo sign-in exists only in `catalyst dev`"}
	envMaxDocument  = envVar{"CATALYST_MAX_DOCUMENT_MB", "25", "the largest document accepted, in MB"}
	envOIDCIssuer   = envVar{"CATALYST_OIDC_ISSUER", "", "the OpenID Connect issuer URL, e.g. https://oidc.account.gov.uk/ (leave unset for no sign-in but API tokens)"}
	envOIDCClientID = envVar{"CATALYST_OIDC_CLIENT_ID", "", "the client ID the provider gave Catalyst"}
	envOIDCSecret   = envVar{"CATALYST_OIDC_CLIENT_SECRET", "", "the client secret (client_secret_basic), or leave unset and give a private key"}
	envOIDCKeyFile  = envVar{"CATALYST_OIDC_PRIVATE_KEY_FILE", "", "a PEM file with Catalyst's private key for private_key_jwt (GOV.UK One Login)"}
	envOIDCKeyID    = envVar{"CATALYST_OIDC_KEY_ID", "", "the key ID (kid) registered with the provider for that key"}
	envOIDCRedirect = envVar{"CATALYST_OIDC_REDIRECT_URL", "", "Catalyst's callback as registered with the provider, e.g. https://catalyst.example.gov.uk/sign-in/oidc/callback"}
	envOIDCScopes   = envVar{"CATALYST_OIDC_SCOPES", "openid email", "the scopes to ask for, separated by spaces"}
	envOIDCName     = envVar{"CATALYST_OIDC_NAME", "GOV.UK One Login", "what the sign-in button calls the provider"}
	envPublicURL    = envVar{"CATALYST_PUBLIC_URL", "", "where people reach Catalyst, for the links in emails, e.g. https://catalyst.example.gov.uk"}
	envNotifyKey    = envVar{"CATALYST_NOTIFY_API_KEY", "", "a GOV.UK Notify API key, to send email through Notify"}
	envNotifyTpls   = envVar{"CATALYST_NOTIFY_TEMPLATES", "", "Notify template IDs by kind of notice: default=<id>[,outcome_released=<id>…]; each shows ((subject)) and ((body))"}
	envSMTPURL      = envVar{"CATALYST_SMTP_URL", "", "an SMTP server to send email through instead: smtp://user:password@host:587?tls=starttls"}
	envMailFrom     = envVar{"CATALYST_MAIL_FROM", "", "the address SMTP mail comes from, e.g. catalyst@programme.example.gov.uk"}
	envOCIDPrefix   = envVar{"CATALYST_OCID_PREFIX", "ocds-catalyst", "the ocid prefix the Open Contracting Partnership registered for the programme, e.g. ocds-a1b2c3"}
	envShortestOpen = envVar{"CATALYST_SHORTEST_OPEN", "24h", "how long a competition must be open at least, as a Go duration such as 24h or 168h"}
	envLogWitness   = envVar{"CATALYST_LOG_WITNESS", "", "a witness to cosign the log's checkpoints (worker): its URL and its verifier key, separated by a space, as `catalyst part witness` prints them"}
	envLogKey       = envVar{"CATALYST_LOG_KEY", "", "the transparency log's signing key (worker), made by `catalyst log key --origin <name>`; unset, no public log is kept (the audit trail is still chained)"}
	envLogVKey      = envVar{"CATALYST_LOG_VKEY", "", "the transparency log's verifier key (api), served at /log/vkey: the line `catalyst log key` prints beside the key"}
	envSecurity     = envVar{"CATALYST_SECURITY_CONTACT", "", "where to report a vulnerability, for /.well-known/security.txt (RFC 9116): a mailto: or https: URI, e.g. mailto:security@programme.example.gov.uk (unset: no security.txt)"}
	envProxies      = envVar{"CATALYST_TRUSTED_PROXIES", "", "the addresses of your TLS-terminating proxies, as CIDR prefixes or addresses separated by commas: their X-Forwarded-For names each client, for the limits per address (unset: the connecting address is the client's)"}
	envMetricsAddr  = envVar{"CATALYST_METRICS_ADDR", ":9090", "where the API serves /metrics to Prometheus, apart from the listener people reach (which answers /metrics with 404 in production)"}
	envWorkerHealth = envVar{"CATALYST_WORKER_HEALTH_ADDR", ":8081", "where the worker answers /healthz for container health checks"}
	envOutbound     = envVar{"CATALYST_OUTBOUND_ALLOW", "", "ranges inside the network that webhooks may be delivered to, as CIDR prefixes or addresses separated by commas, e.g. 10.20.0.0/16 (unset: the public internet only)"}
	envClamd        = envVar{"CATALYST_CLAMD", "", "ClamAV's clamd, which checks every upload for malware, as tcp://clamav:3310 or unix:///run/clamav/clamd.ctl; or none to run without one (each document is then kept as not checked for viruses, and its pages say so)"}
	envCPUProfile   = envVar{"CATALYST_CPU_PROFILE_DIR", "", "a folder to write each process's CPU profile to, for its whole life, when it stops (`scripts/topology.sh` with PROFILE=1); unset, none"}
)

// needs lists the settings each production command requires (no default).
var needs = map[string][]envVar{
	"api":     {envDatabaseURL, envTemporal, envS3Endpoint, envS3AccessKey, envS3SecretKey, envSessionKey, envClamd},
	"worker":  {envDatabaseURL, envTemporal, envS3Endpoint, envS3AccessKey, envS3SecretKey, envClamd},
	"migrate": {envDatabaseURL},
	"seed":    {envDatabaseURL, envTemporal, envS3Endpoint, envS3AccessKey, envS3SecretKey, envSessionKey},
}

// prodConfig is the validated configuration of a production command.
type prodConfig struct {
	DatabaseURL       string
	TemporalAddress   string
	TemporalNamespace string
	S3                docstore.Config
	Addr              string
	MetricsAddr       string
	TrustedProxies    []netip.Prefix
	SecurityContact   string
	SessionKey        []byte
	OIDC              *api.OIDCConfig
	OCIDPrefix        string
	ShortestOpen      time.Duration
	Mail              email.Sender // nil when no provider is set: email waits
	PublicURL         string
	LogSigner         note.Signer            // the worker's, when CATALYST_LOG_KEY is set
	LogWitness        *activities.LogWitness // the worker's, when CATALYST_LOG_WITNESS is set
	LogVerifierKey    string                 // the API's, when CATALYST_LOG_VKEY is set
	Outbound          *outbound.Policy       // where webhooks may be delivered
	Temporal          temporalTransport      // TLS and credentials for Temporal
	Cleartext         []string               // the parts allowed to be reached without TLS, with their hosts
}

func get(v envVar) string {
	if s := strings.TrimSpace(os.Getenv(v.Name)); s != "" {
		return s
	}
	return v.Default
}

// loadConfig reads the environment for command and reports every problem at once, each with
// what to set.
func loadConfig(command string) (prodConfig, error) {
	var problems []string
	for _, v := range needs[command] {
		if get(v) == "" {
			problems = append(problems, fmt.Sprintf("%s is not set: set it to %s", v.Name, v.Help))
		}
	}
	cfg := prodConfig{
		DatabaseURL:       get(envDatabaseURL),
		TemporalAddress:   get(envTemporal),
		TemporalNamespace: get(envNamespace),
		Addr:              get(envAddr),
		MetricsAddr:       get(envMetricsAddr),
		OCIDPrefix:        get(envOCIDPrefix),
		S3: docstore.Config{
			Endpoint: get(envS3Endpoint), AccessKey: get(envS3AccessKey), SecretKey: get(envS3SecretKey),
			Bucket: get(envS3Bucket), Region: get(envS3Region),
		},
	}
	if u := cfg.DatabaseURL; u != "" && !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
		problems = append(problems, fmt.Sprintf("%s must be a postgres:// URL, not %q", envDatabaseURL.Name, redact(u)))
	}
	if !ocidPrefix.MatchString(cfg.OCIDPrefix) {
		problems = append(problems, fmt.Sprintf("%s must be ocds- and letters or digits, like ocds-a1b2c3, not %q", envOCIDPrefix.Name, cfg.OCIDPrefix))
	}
	if tls, err := strconv.ParseBool(get(envS3TLS)); err != nil {
		problems = append(problems, fmt.Sprintf("%s must be true or false, not %q", envS3TLS.Name, get(envS3TLS)))
	} else {
		cfg.S3.UseTLS = tls
	}
	if d, err := time.ParseDuration(get(envShortestOpen)); err != nil || d < domain.MinOpenPeriod || d > domain.MaxOpenPeriod {
		problems = append(problems, fmt.Sprintf("%s must be a duration from %s to %s, such as 24h, not %q", envShortestOpen.Name, domain.MinOpenPeriod, domain.MaxOpenPeriod, get(envShortestOpen)))
	} else {
		cfg.ShortestOpen = d
	}
	if mb, err := strconv.Atoi(get(envMaxDocument)); err != nil || mb < 1 || mb > 5000 {
		problems = append(problems, fmt.Sprintf("%s must be a whole number of MB from 1 to 5000", envMaxDocument.Name))
	} else {
		cfg.S3.MaxSize = int64(mb) << 20
	}
	if dev, _ := strconv.ParseBool(get(envDevSignIn)); dev {
		problems = append(problems, fmt.Sprintf("%s is set, but the demo sign-in cannot be enabled in production: use `catalyst dev` for that", envDevSignIn.Name))
	}
	if k := get(envSessionKey); k != "" {
		key, err := hex.DecodeString(k)
		if err != nil || len(key) < 32 {
			problems = append(problems, fmt.Sprintf("%s must be at least 64 hex characters (32 bytes): %s", envSessionKey.Name, "openssl rand -hex 32"))
		}
		cfg.SessionKey = key
	}
	loadTransport(&cfg, &problems)
	if proxies, err := outbound.ParseAllowed(get(envProxies)); err != nil {
		problems = append(problems, fmt.Sprintf("%s: %v", envProxies.Name, err))
	} else {
		cfg.TrustedProxies = proxies
	}
	if c := get(envSecurity); c != "" {
		if !strings.HasPrefix(c, "mailto:") && !strings.HasPrefix(c, "https://") {
			problems = append(problems, fmt.Sprintf("%s must be a mailto: or https: URI, not %q", envSecurity.Name, c))
		}
		cfg.SecurityContact = c
	}
	if c := get(envClamd); c != "" && c != "none" {
		clamd, err := scanner.ParseClamd(c)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", envClamd.Name, err))
		} else {
			cfg.S3.Scanner = clamd
		}
	}
	if allowed, err := outbound.ParseAllowed(get(envOutbound)); err != nil {
		problems = append(problems, fmt.Sprintf("%s: %v", envOutbound.Name, err))
	} else {
		cfg.Outbound = outbound.NewPolicy(allowed...)
	}
	if command == "worker" {
		cfg.Mail, cfg.PublicURL = loadMail(&problems)
		if k := get(envLogKey); k != "" {
			signer, err := note.NewSigner(k)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s is not a signed-note signing key: make one with `catalyst log key --origin <name>`", envLogKey.Name))
			}
			cfg.LogSigner = signer
		}
		if w := get(envLogWitness); w != "" {
			url, vkey, _ := strings.Cut(strings.TrimSpace(w), " ")
			v, err := witness.NewVerifier(strings.TrimSpace(vkey))
			if err != nil || !strings.HasPrefix(url, "http") {
				problems = append(problems, fmt.Sprintf("%s must be the witness's URL and its verifier key, separated by a space, as `catalyst part witness` prints them", envLogWitness.Name))
			}
			cfg.LogWitness = &activities.LogWitness{URL: url, Verifier: v}
		}
	}
	if k := get(envLogVKey); command == "api" && k != "" {
		if _, err := note.NewVerifier(k); err != nil {
			problems = append(problems, fmt.Sprintf("%s is not a signed-note verifier key: use the one `catalyst log key` printed", envLogVKey.Name))
		}
		cfg.LogVerifierKey = k
	}
	if command == "api" {
		oidcCfg, oidcProblems := loadOIDC()
		cfg.OIDC = oidcCfg
		problems = append(problems, oidcProblems...)
	}
	if len(problems) > 0 {
		return cfg, fmt.Errorf("the configuration is not complete:\n  - %s", strings.Join(problems, "\n  - "))
	}
	return cfg, nil
}

var ocidPrefix = regexp.MustCompile(`^ocds-[a-z0-9]+(-[a-z0-9]+)*$`)

// loadMail chooses the email provider: GOV.UK Notify if its key is set, else SMTP if its URL
// is, else none (email is written and waits until one is set).
func loadMail(problems *[]string) (email.Sender, string) {
	public := strings.TrimRight(get(envPublicURL), "/")
	key, smtpURL := get(envNotifyKey), get(envSMTPURL)
	if key == "" && smtpURL == "" {
		return nil, public
	}
	if !strings.HasPrefix(public, "https://") && !strings.HasPrefix(public, "http://") {
		*problems = append(*problems, fmt.Sprintf("%s must be set to send email: set it to %s", envPublicURL.Name, envPublicURL.Help))
	}
	if key != "" {
		tpls, err := email.ParseTemplates(get(envNotifyTpls))
		if err != nil {
			*problems = append(*problems, fmt.Sprintf("%s: %v", envNotifyTpls.Name, err))
			return nil, public
		}
		n, err := email.NewNotify(key, tpls)
		if err != nil {
			*problems = append(*problems, fmt.Sprintf("%s or %s: %v", envNotifyKey.Name, envNotifyTpls.Name, err))
			return nil, public
		}
		return n, public
	}
	s, err := email.ParseSMTP(smtpURL, get(envMailFrom))
	if err != nil {
		*problems = append(*problems, fmt.Sprintf("%s or %s: %v", envSMTPURL.Name, envMailFrom.Name, err))
		return nil, public
	}
	return s, public
}

func redact(u string) string {
	if i := strings.Index(u, "@"); i > 0 {
		if j := strings.Index(u, "://"); j > 0 && j < i {
			return u[:j+3] + "…" + u[i:]
		}
	}
	return u
}

// dialTemporal connects to Temporal, waiting up to a minute for it to answer.
func dialTemporal(ctx context.Context, hostPort, namespace string, via temporalTransport, log *slog.Logger, m *metrics.Metrics) (client.Client, error) {
	// The SDK logs every poll and start at info; only its warnings are worth a person's time.
	quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})).With("component", "temporal-sdk")
	opts := client.Options{HostPort: hostPort, Namespace: namespace, Logger: sdklog.NewStructuredLogger(quiet)}
	via.apply(&opts)
	if m != nil {
		opts.MetricsHandler = m.Temporal()
	}
	deadline := time.Now().Add(time.Minute)
	for {
		c, err := client.DialContext(ctx, opts)
		if err == nil {
			if _, err = c.CheckHealth(ctx, &client.CheckHealthRequest{}); err == nil {
				return c, nil
			}
			c.Close()
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return nil, fmt.Errorf("Temporal at %s did not answer: %w", hostPort, errors.Join(err, ctx.Err()))
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// loadOIDC reads the sign-in provider's settings. Without an issuer there is no browser
// sign-in, only API tokens; with one, everything it needs must be there.
func loadOIDC() (*api.OIDCConfig, []string) {
	issuer := get(envOIDCIssuer)
	if issuer == "" {
		return nil, nil
	}
	var problems []string
	cfg := &api.OIDCConfig{Issuer: issuer, ClientID: get(envOIDCClientID), ClientSecret: get(envOIDCSecret),
		RedirectURL: get(envOIDCRedirect), Scopes: strings.Fields(get(envOIDCScopes)), Name: get(envOIDCName), KeyID: get(envOIDCKeyID)}
	if !strings.HasPrefix(issuer, "https://") && !strings.HasPrefix(issuer, "http://localhost") {
		problems = append(problems, fmt.Sprintf("%s must be an https:// URL", envOIDCIssuer.Name))
	}
	if cfg.ClientID == "" {
		problems = append(problems, fmt.Sprintf("%s is not set: set it to %s", envOIDCClientID.Name, envOIDCClientID.Help))
	}
	if !strings.HasPrefix(cfg.RedirectURL, "https://") && !strings.HasPrefix(cfg.RedirectURL, "http://localhost") {
		problems = append(problems, fmt.Sprintf("%s must be set to %s", envOIDCRedirect.Name, envOIDCRedirect.Help))
	}
	keyFile := get(envOIDCKeyFile)
	switch {
	case keyFile != "" && cfg.ClientSecret != "":
		problems = append(problems, fmt.Sprintf("set %s or %s, not both", envOIDCSecret.Name, envOIDCKeyFile.Name))
	case keyFile != "":
		key, err := readPrivateKey(keyFile)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", envOIDCKeyFile.Name, err))
		}
		cfg.PrivateKey = key
	case cfg.ClientSecret == "":
		problems = append(problems, fmt.Sprintf("set %s or %s so Catalyst can prove itself to the provider", envOIDCSecret.Name, envOIDCKeyFile.Name))
	}
	return cfg, problems
}

// readPrivateKey reads an RSA or EC private key from a PEM file (PKCS #8, PKCS #1 or SEC 1).
func readPrivateKey(path string) (crypto.Signer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, errors.New("the file holds no PEM block")
	}
	var key any
	if key, err = x509.ParsePKCS8PrivateKey(block.Bytes); err != nil {
		if key, err = x509.ParsePKCS1PrivateKey(block.Bytes); err != nil {
			if key, err = x509.ParseECPrivateKey(block.Bytes); err != nil {
				return nil, errors.New("the key is not an RSA or EC private key in PKCS #8, PKCS #1 or SEC 1 form")
			}
		}
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, errors.New("the key cannot sign")
	}
	return signer, nil
}
