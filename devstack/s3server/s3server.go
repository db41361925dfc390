// Package s3server runs an S3-compatible server in process (versitygw's posix backend) for
// `catalyst dev` and tests. It checks every request's signature, like a real store.
package s3server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/versity/versitygw/backend/meta"
	"github.com/versity/versitygw/backend/posix"
	"github.com/versity/versitygw/embedgw"
)

// Server is a running S3-compatible server on a local folder.
type Server struct {
	Endpoint  string // host:port
	AccessKey string
	SecretKey string
	done      chan error
	cancel    context.CancelFunc
}

// Start serves dir/objects over the S3 API, with object metadata in dir/meta. The access key
// and secret are kept in dir/credentials so that signed links survive a restart. Every request
// is checked against its SigV4 signature. Only one may run per process (a versitygw limit).
//
// Beware: versitygw's posix backend changes the process's working directory to its object
// folder, so every other path in the process must be absolute before this is called.
func Start(dir string) (*Server, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	objects, metadata := filepath.Join(dir, "objects"), filepath.Join(dir, "meta")
	for _, d := range []string{objects, metadata} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	access, secret, err := credentialsIn(filepath.Join(dir, "credentials"))
	if err != nil {
		return nil, err
	}
	sc, err := meta.NewSideCar(metadata)
	if err != nil {
		return nil, fmt.Errorf("object metadata folder: %w", err)
	}
	be, err := posix.New(objects, sc, posix.PosixOpts{SideCarDir: metadata, Concurrency: 64})
	if err != nil {
		return nil, fmt.Errorf("object store folder: %w", err)
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	// Clients reach the gateway through a front that adds the headers a browser needs; the
	// front keeps the Host header, so signatures made for its address still verify.
	front, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("finding a free port: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{Endpoint: front.Addr().String(), AccessKey: access, SecretKey: secret, done: make(chan error, 1), cancel: cancel}
	go func() {
		s.done <- embedgw.RunVersityGW(ctx, be, &embedgw.Config{
			RootUserAccess:    access,
			RootUserSecret:    secret,
			Ports:             []string{addr},
			MaxConnections:    1024,
			MaxRequests:       1024,
			MultipartMaxParts: 10000,
			Quiet:             true,
			HealthPath:        "/health",
		})
	}()
	// Wait until it accepts connections, or report why it stopped.
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.done:
			cancel()
			return nil, fmt.Errorf("the S3 server stopped at start: %w", err)
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			s.serveFront(ctx, front, addr)
			return s, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	front.Close()
	return nil, fmt.Errorf("the S3 server did not start listening on %s", addr)
}

// serveFront proxies every request to the gateway at addr and marks every answer nosniff: a
// browser opening a signed link must take a document for the type the link names, never guess
// another (a text file read as HTML would run as a page on the store's origin).
func (s *Server) serveFront(ctx context.Context, l net.Listener, addr string) {
	target := &url.URL{Scheme: "http", Host: addr}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.Host = r.In.Host // the signature covers the host the client addressed
		},
		ModifyResponse: func(resp *http.Response) error {
			resp.Header.Set("X-Content-Type-Options", "nosniff")
			return nil
		},
	}
	srv := &http.Server{Handler: proxy, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
}

// Stop shuts the server down.
func (s *Server) Stop() error {
	s.cancel()
	select {
	case err := <-s.done:
		return err
	case <-time.After(10 * time.Second):
		return fmt.Errorf("the S3 server did not stop in time")
	}
}

func credentialsIn(path string) (string, string, error) {
	if b, err := os.ReadFile(path); err == nil {
		parts := strings.Fields(string(b))
		if len(parts) == 2 {
			return parts[0], parts[1], nil
		}
		return "", "", fmt.Errorf("%s is not in the form \"ACCESS SECRET\"; delete it to make a new one", path)
	}
	key := make([]byte, 10)
	sec := make([]byte, 20)
	_, _ = rand.Read(key)
	_, _ = rand.Read(sec)
	access, secret := "catalyst"+hex.EncodeToString(key)[:12], hex.EncodeToString(sec)
	if err := os.WriteFile(path, []byte(access+" "+secret+"\n"), 0o600); err != nil {
		return "", "", err
	}
	return access, secret, nil
}

// FreePort finds a loopback port free now for a server that binds it itself (the S3 gateway, the
// Temporal server's services). It is taken from below Linux's ephemeral range (32768–60999),
// from which every process's outgoing connections take their local ports: a port from that
// range could be taken by any connection between this check and the server's bind, and the
// Temporal server stops the whole process when it cannot bind.
func FreePort() (int, error) {
	for range 200 {
		port := 20000 + mrand.IntN(12000)
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			continue // taken
		}
		l.Close()
		return port, nil
	}
	return 0, fmt.Errorf("finding a free port: none of 200 tried between 20000 and 32000 was free")
}
