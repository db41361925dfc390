// Package devstack runs the embedded Temporal server for `catalyst dev` and the end-to-end tests,
// persisted in a SQLite file (the S3 server is in devstack/s3server). Only this package and cmd/
// link the Temporal server: it is heavy to build.
package devstack

import "github.com/catalyst-sbri/catalyst/devstack/s3server"

// freePort is a loopback port free now, which the Temporal server binds itself.
func freePort() (int, error) { return s3server.FreePort() }
