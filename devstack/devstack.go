// Package devstack runs the embedded Temporal server for `catalyst dev` and the end-to-end tests,
// persisted in a SQLite file (the S3 server is in devstack/s3server). Only this package and cmd/
// link the Temporal server: it is heavy to build.
package devstack

import (
	"fmt"
	"net"
)

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
