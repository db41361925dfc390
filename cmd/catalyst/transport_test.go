package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// baseEnv is a complete API configuration whose parts are at the hosts given.
func baseEnv(t *testing.T, db, temporal, s3, clamd string) {
	t.Helper()
	for _, v := range allEnv() {
		t.Setenv(v.Name, "")
	}
	for k, v := range map[string]string{
		envDatabaseURL.Name: db, envTemporal.Name: temporal, envS3Endpoint.Name: s3, envS3AccessKey.Name: "a",
		envS3SecretKey.Name: "b", envSessionKey.Name: strings.Repeat("ab", 32), envClamd.Name: clamd,
	} {
		t.Setenv(k, v)
	}
}

// TestNothingCrossesTheNetworkInCleartextUnlessSaid: a part on another host reached without TLS
// is refused at start, each with how to fix it; allowed outright, each is said; on loopback
// nothing need be said.
func TestNothingCrossesTheNetworkInCleartextUnlessSaid(t *testing.T) {
	baseEnv(t, "postgres://c:p@postgres:5432/c?sslmode=disable", "temporal:7233", "minio:9000", "tcp://clamav:3310")
	_, err := loadConfig("api")
	for _, want := range []string{
		"database at postgres would be reached without TLS: end CATALYST_DATABASE_URL with sslmode=verify-full",
		"temporal at temporal would be reached without TLS: set CATALYST_TEMPORAL_TLS=true",
		"s3 at minio would be reached without TLS: set CATALYST_S3_USE_TLS=true",
		"clamd at clamav would be reached without TLS: reach clamd by a Unix socket",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("the configuration's problems do not say %q:\n%v", want, err)
		}
	}
	t.Setenv(envCleartext.Name, "database, temporal,s3,clamd")
	cfg, err := loadConfig("api")
	if err != nil || len(cfg.Cleartext) != 4 {
		t.Errorf("every part allowed in cleartext: %v, %q", err, cfg.Cleartext)
	}
	t.Setenv(envCleartext.Name, "redis")
	if _, err := loadConfig("api"); err == nil || !strings.Contains(err.Error(), `names "redis"`) {
		t.Errorf("an unknown part: %v", err)
	}

	baseEnv(t, "postgres://c:p@127.0.0.1:5432/c?sslmode=disable", "localhost:7233", "[::1]:9000", "unix:///run/clamav/clamd.ctl")
	if cfg, err := loadConfig("api"); err != nil || len(cfg.Cleartext) != 0 {
		t.Errorf("every part on this machine: %v, %q", err, cfg.Cleartext)
	}
	baseEnv(t, "postgres://c:p@db.internal:5432/c?sslmode=verify-full", "temporal:7233", "minio:9000", "none")
	t.Setenv(envTemporalAPIKey.Name, "key")
	t.Setenv(envS3TLS.Name, "true")
	cfg, err = loadConfig("api")
	if err != nil || cfg.Temporal.TLS == nil || cfg.Temporal.Credentials == nil {
		t.Errorf("TLS to every part, Temporal Cloud's API key: %v, %+v", err, cfg.Temporal)
	}
}

// TestTemporalsMutualTLS: the CA and client certificate configured for Temporal complete a real
// mutual TLS handshake with a server that demands a client certificate from that CA; a CA file
// with no certificate, or a certificate without its key, is refused at start.
func TestTemporalsMutualTLS(t *testing.T) {
	dir := t.TempDir()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Test CA"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, _ := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	ca, _ := x509.ParseCertificate(caDER)
	issue := func(name string, usage x509.ExtKeyUsage) (certPEM, keyPEM []byte) {
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{usage}}
		der, _ := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		kder, _ := x509.MarshalECPrivateKey(key)
		return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	caFile := write("ca.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}))
	cert, key := issue("catalyst-worker", x509.ExtKeyUsageClientAuth)
	srvCert, srvKey := issue("temporal.internal", x509.ExtKeyUsageServerAuth)

	baseEnv(t, "postgres://c:p@127.0.0.1/c", "temporal.internal:7233", "127.0.0.1:9000", "none")
	t.Setenv(envTemporalCA.Name, caFile)
	t.Setenv(envTemporalCert.Name, write("client.pem", cert))
	t.Setenv(envTemporalKey.Name, write("client.key", key))
	cfg, err := loadConfig("worker")
	if err != nil || cfg.Temporal.TLS == nil || len(cfg.Temporal.TLS.Certificates) != 1 {
		t.Fatalf("mutual TLS to Temporal: %v", err)
	}

	pair, err := tls.X509KeyPair(srvCert, srvKey)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{pair}, ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	seen := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			seen <- err.Error()
			return
		}
		defer c.Close()
		tc := c.(*tls.Conn)
		if err := tc.Handshake(); err != nil {
			seen <- err.Error()
			return
		}
		seen <- tc.ConnectionState().PeerCertificates[0].Subject.CommonName
	}()
	client := cfg.Temporal.TLS.Clone()
	client.ServerName = "temporal.internal" // the address's host, as gRPC sets it
	conn, err := tls.Dial("tcp", ln.Addr().String(), client)
	if err != nil {
		t.Fatalf("the handshake: %v", err)
	}
	conn.Close()
	if who := <-seen; who != "catalyst-worker" {
		t.Errorf("the server saw %q, want the client certificate catalyst-worker", who)
	}

	t.Setenv(envTemporalCA.Name, write("empty.pem", []byte("not a certificate")))
	t.Setenv(envTemporalKey.Name, "")
	_, err = loadConfig("worker")
	if err == nil || !strings.Contains(err.Error(), "no PEM certificate could be read") || !strings.Contains(err.Error(), "mutual TLS needs both") {
		t.Errorf("a CA file with no certificate and a certificate without its key: %v", err)
	}
}
