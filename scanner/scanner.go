// Package scanner checks documents for malware: the Scanner a document store calls, and ClamAV's
// clamd spoken to by its INSTREAM protocol (clamd's own documentation, "man clamd"). No kept Go
// client of clamd fits (the one most used was last changed in 2017), and the protocol is a
// command and length-prefixed chunks.
package scanner

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
)

// Verdict is what a scan found: nothing, or the name of what it found.
type Verdict struct {
	Clean   bool
	Finding string // the signature's name, when not clean
}

// Scanner checks a document's bytes.
type Scanner interface {
	Scan(ctx context.Context, r io.Reader) (Verdict, error)
}

// Clamd is a clamd daemon reached over TCP or a Unix socket.
type Clamd struct {
	Network string // "tcp" or "unix"
	Address string // host:port, or the socket's path
	// ChunkSize is how many bytes each INSTREAM chunk carries (64 KiB if 0).
	ChunkSize int
}

// ParseClamd reads an address as tcp://host:port or unix:///path/to/clamd.ctl.
func ParseClamd(s string) (*Clamd, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("clamd address %q: %w", s, err)
	}
	switch u.Scheme {
	case "tcp":
		if u.Host == "" || u.Port() == "" {
			return nil, fmt.Errorf("clamd address %q: give its host and port, as tcp://clamav:3310", s)
		}
		return &Clamd{Network: "tcp", Address: u.Host}, nil
	case "unix":
		if u.Path == "" {
			return nil, fmt.Errorf("clamd address %q: give its socket's path, as unix:///run/clamav/clamd.ctl", s)
		}
		return &Clamd{Network: "unix", Address: u.Path}, nil
	}
	return nil, fmt.Errorf("clamd address %q: it must start tcp:// or unix://", s)
}

// String is the address as ParseClamd reads it.
func (c *Clamd) String() string {
	if c.Network == "unix" {
		return "unix://" + c.Address
	}
	return "tcp://" + c.Address
}

// ErrScanner is a scan that did not come to a verdict: clamd out of reach, or refusing (its
// StreamMaxLength exceeded, say). The document waits to be checked again.
var ErrScanner = errors.New("the malware scanner gave no verdict")

func (c *Clamd) dial(ctx context.Context) (net.Conn, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, c.Network, c.Address)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrScanner, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	// A context ended mid-scan closes the connection, so neither side waits on the other.
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	return &stoppingConn{Conn: conn, stop: stop}, nil
}

type stoppingConn struct {
	net.Conn
	stop func() bool
}

func (c *stoppingConn) Close() error { c.stop(); return c.Conn.Close() }

// Ping asks clamd whether it is there.
func (c *Clamd) Ping(ctx context.Context) error {
	conn, err := c.dial(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("zPING\x00")); err != nil {
		return fmt.Errorf("%w: %v", ErrScanner, err)
	}
	reply, err := readReply(conn)
	if err != nil {
		return err
	}
	if reply != "PONG" {
		return fmt.Errorf("%w: clamd answered PING with %q", ErrScanner, reply)
	}
	return nil
}

// Scan streams r to clamd (INSTREAM) and reads its verdict.
func (c *Clamd) Scan(ctx context.Context, r io.Reader) (Verdict, error) {
	conn, err := c.dial(ctx)
	if err != nil {
		return Verdict{}, err
	}
	defer conn.Close()
	size := c.ChunkSize
	if size <= 0 {
		size = 64 << 10
	}
	w := bufio.NewWriterSize(conn, size+4)
	sendErr := stream(w, r, size)
	if sendErr != nil && !isConnErr(sendErr) {
		return Verdict{}, sendErr // reading the document failed: no verdict on part of it
	}
	// clamd may stop reading and answer early (its size limit): its answer says why.
	reply, err := readReply(conn)
	if err != nil {
		if sendErr != nil {
			return Verdict{}, fmt.Errorf("%w: %v", ErrScanner, sendErr)
		}
		return Verdict{}, err
	}
	return parseReply(reply)
}

// stream writes the INSTREAM command, r in chunks each led by its length (4 bytes, network
// order), and the zero-length chunk that ends it.
func stream(w *bufio.Writer, r io.Reader, size int) error {
	if _, err := w.WriteString("zINSTREAM\x00"); err != nil {
		return err
	}
	buf := make([]byte, size)
	var length [4]byte
	for {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			binary.BigEndian.PutUint32(length[:], uint32(n))
			if _, werr := w.Write(length[:]); werr != nil {
				return werr
			}
			if _, werr := w.Write(buf[:n]); werr != nil {
				return werr
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("reading the document to scan it: %w", err)
		}
	}
	binary.BigEndian.PutUint32(length[:], 0)
	if _, err := w.Write(length[:]); err != nil {
		return err
	}
	return w.Flush()
}

// isConnErr tells a failed write to clamd (a broken pipe or a reset is a *net.OpError) from a
// failed read of the document.
func isConnErr(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, net.ErrClosed)
}

// readReply reads clamd's answer up to the NUL that ends it (the z prefix asked for one).
func readReply(conn net.Conn) (string, error) {
	reply, err := bufio.NewReader(io.LimitReader(conn, 4096)).ReadString(0)
	if err != nil && !(errors.Is(err, io.EOF) && reply != "") {
		return "", fmt.Errorf("%w: reading clamd's answer: %v", ErrScanner, err)
	}
	return strings.TrimRight(reply, "\x00\n"), nil
}

// parseReply reads "stream: OK", "stream: <name> FOUND" or "<why> ERROR".
func parseReply(reply string) (Verdict, error) {
	body := strings.TrimPrefix(reply, "stream: ")
	switch {
	case body == "OK":
		return Verdict{Clean: true}, nil
	case strings.HasSuffix(body, " FOUND"):
		name := strings.TrimSpace(strings.TrimSuffix(body, " FOUND"))
		return Verdict{Finding: name}, nil
	}
	return Verdict{}, fmt.Errorf("%w: clamd answered %q", ErrScanner, reply)
}
