// Temporal's workflowcheck, built against a golang.org/x/tools that this Go compiles (its own
// go.mod asks for one too old). A module of its own so that the product does not depend on it.
module github.com/catalyst-sbri/catalyst/tools/workflowcheck

go 1.26.8

require (
	go.temporal.io/sdk/contrib/tools/workflowcheck v0.3.0
	golang.org/x/tools v0.44.0
)

require (
	golang.org/x/mod v0.35.0 // indirect
	golang.org/x/sync v0.20.0 // indirect
	gopkg.in/yaml.v2 v2.4.0 // indirect
)
