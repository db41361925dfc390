// govulncheck with the Go vulnerability database built from its module (see main.go). A module
// of its own so that the product does not depend on it.
module github.com/catalyst-sbri/catalyst/tools/vulncheck

go 1.26.8

require golang.org/x/vuln v1.9.0

require (
	github.com/google/go-cmp v0.7.0 // indirect
	golang.org/x/mod v0.42.0 // indirect
	golang.org/x/sync v0.24.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/telemetry v0.0.0-20261010193011-f71dc92da45e // indirect
	golang.org/x/tools v0.52.0 // indirect
)
