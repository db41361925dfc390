package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"

	"go.temporal.io/sdk/client"
)

// How the production processes reach the parts they need. Each part is reached over TLS, or in
// cleartext only on this machine (loopback) or where the operator says outright that the
// network between is trusted (CATALYST_CLEARTEXT_ALLOWED): sealed bids cross every one of them.

var (
	envCleartext      = envVar{"CATALYST_CLEARTEXT_ALLOWED", "", "the parts that may be reached without TLS on another host, separated by commas (database, temporal, s3, clamd): only on a network you trust, such as one machine's private Docker network; each is named in the log at start"}
	envTemporalTLS    = envVar{"CATALYST_TEMPORAL_TLS", "false", "true to reach Temporal over TLS (set by any of the three below, or an API key)"}
	envTemporalCA     = envVar{"CATALYST_TEMPORAL_TLS_CA_FILE", "", "a PEM file of the CA that signed Temporal's certificate, if not a public one"}
	envTemporalCert   = envVar{"CATALYST_TEMPORAL_TLS_CERT_FILE", "", "Catalyst's client certificate for mutual TLS (PEM), with its key in CATALYST_TEMPORAL_TLS_KEY_FILE"}
	envTemporalKey    = envVar{"CATALYST_TEMPORAL_TLS_KEY_FILE", "", "the private key of that certificate (PEM)"}
	envTemporalName   = envVar{"CATALYST_TEMPORAL_TLS_SERVER_NAME", "", "the name on Temporal's certificate, if not its address's host"}
	envTemporalAPIKey = envVar{"CATALYST_TEMPORAL_API_KEY", "", "a Temporal Cloud API key (TLS is then on)"}
)

// The parts, as CATALYST_CLEARTEXT_ALLOWED names them.
var parts = []string{"database", "temporal", "s3", "clamd"}

// temporalTransport is how Temporal is dialled.
type temporalTransport struct {
	TLS         *tls.Config // nil: cleartext
	Credentials client.Credentials
}

func (t temporalTransport) apply(o *client.Options) {
	o.ConnectionOptions.TLS = t.TLS
	o.Credentials = t.Credentials
}

// loadTransport reads the TLS settings and checks every part that would be reached in
// cleartext: on loopback it may, elsewhere only if allowed.
func loadTransport(cfg *prodConfig, problems *[]string) {
	allowed := map[string]bool{}
	for _, p := range strings.Split(get(envCleartext), ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !slices.Contains(parts, p) {
			*problems = append(*problems, fmt.Sprintf("%s names %q: the parts are %s", envCleartext.Name, p, strings.Join(parts, ", ")))
			continue
		}
		allowed[p] = true
	}
	cfg.Temporal = loadTemporalTLS(problems)
	check := func(part, host string, cleartext bool, fix string) {
		if !cleartext || host == "" || isLoopback(host) {
			return
		}
		if allowed[part] {
			cfg.Cleartext = append(cfg.Cleartext, part+" at "+host)
			return
		}
		*problems = append(*problems, fmt.Sprintf("%s at %s would be reached without TLS: %s, or, only on a network you trust, add %s to %s",
			part, host, fix, part, envCleartext.Name))
	}
	if u := cfg.DatabaseURL; u != "" {
		if pu, err := url.Parse(u); err == nil {
			mode := pu.Query().Get("sslmode")
			check("database", pu.Hostname(), mode != "require" && mode != "verify-ca" && mode != "verify-full",
				"end "+envDatabaseURL.Name+" with sslmode=verify-full (or require)")
		}
	}
	if cfg.TemporalAddress != "" {
		check("temporal", hostOf(cfg.TemporalAddress), cfg.Temporal.TLS == nil, "set "+envTemporalTLS.Name+"=true (with "+envTemporalCA.Name+" for a private CA, and a client certificate for mutual TLS)")
	}
	if cfg.S3.Endpoint != "" {
		check("s3", hostOf(cfg.S3.Endpoint), !cfg.S3.UseTLS, "set "+envS3TLS.Name+"=true")
	}
	if c := get(envClamd); strings.HasPrefix(c, "tcp://") {
		if u, err := url.Parse(c); err == nil {
			check("clamd", u.Hostname(), true, "reach clamd by a Unix socket (clamd has no TLS: run it beside the process)")
		}
	}
}

// loadTemporalTLS builds the TLS and credentials Temporal is dialled with.
func loadTemporalTLS(problems *[]string) temporalTransport {
	var t temporalTransport
	on := strings.EqualFold(get(envTemporalTLS), "true")
	ca, cert, key, name, apiKey := get(envTemporalCA), get(envTemporalCert), get(envTemporalKey), get(envTemporalName), get(envTemporalAPIKey)
	if !on && ca == "" && cert == "" && name == "" && apiKey == "" {
		if v := get(envTemporalTLS); !strings.EqualFold(v, "false") {
			*problems = append(*problems, fmt.Sprintf("%s must be true or false, not %q", envTemporalTLS.Name, v))
		}
		return t
	}
	t.TLS = &tls.Config{MinVersion: tls.VersionTLS12, ServerName: name}
	if ca != "" {
		pem, err := os.ReadFile(ca)
		pool := x509.NewCertPool()
		if err != nil || !pool.AppendCertsFromPEM(pem) {
			*problems = append(*problems, fmt.Sprintf("%s: no PEM certificate could be read from %s (%v)", envTemporalCA.Name, ca, err))
		}
		t.TLS.RootCAs = pool
	}
	switch {
	case cert != "" && key != "":
		pair, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			*problems = append(*problems, fmt.Sprintf("%s and %s: %v", envTemporalCert.Name, envTemporalKey.Name, err))
		} else {
			t.TLS.Certificates = []tls.Certificate{pair}
		}
	case cert != "" || key != "":
		*problems = append(*problems, fmt.Sprintf("mutual TLS needs both %s and %s", envTemporalCert.Name, envTemporalKey.Name))
	}
	if apiKey != "" {
		t.Credentials = client.NewAPIKeyStaticCredentials(apiKey)
	}
	return t
}

// logCleartext says at start which parts are reached without TLS, as the operator allowed.
func logCleartext(log *slog.Logger, cfg prodConfig) {
	for _, c := range cfg.Cleartext {
		log.Warn("reached without TLS, as " + envCleartext.Name + " allows: " + c)
	}
}

func hostOf(hostPort string) string {
	if h, _, err := net.SplitHostPort(hostPort); err == nil {
		return h
	}
	return hostPort
}

// isLoopback: this machine, by name or address (no lookup: a name could say anything).
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
