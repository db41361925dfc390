package devstack

import (
	"fmt"
	"os"
	"path/filepath"

	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/membership/static"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
)

// Namespace is the Temporal namespace Catalyst uses.
const Namespace = "default"

// Temporal is a running embedded Temporal server.
type Temporal struct {
	HostPort string
	server   temporal.Server
	opts     []temporal.ServerOption // to start it again on the same ports and files
}

// StartTemporal starts a Temporal server whose state lives in dir/temporal.db. The schema is set
// up on first start; later starts find every workflow, timer and history where they were.
func StartTemporal(dir string) (*Temporal, error) {
	dir, err := filepath.Abs(dir) // the S3 server may change the working directory later
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	dbPath := filepath.Join(dir, "temporal.db")
	sqlCfg := &config.SQL{
		PluginName:   sqliteplugin.PluginName,
		DatabaseName: dbPath,
		ConnectAttributes: map[string]string{
			"mode":          "rwc",
			"_journal_mode": "wal",
			"_synchronous":  "normal",
		},
	}
	if _, err := os.Stat(dbPath); os.IsNotExist(err) {
		if err := sqliteschema.SetupSchema(sqlCfg); err != nil {
			return nil, fmt.Errorf("setting up the Temporal schema in %s: %w", dbPath, err)
		}
	}
	ns, err := sqliteschema.NewNamespaceConfig("active", Namespace, false, nil)
	if err != nil {
		return nil, err
	}
	if err := sqliteschema.CreateNamespaces(sqlCfg, ns); err != nil {
		return nil, fmt.Errorf("registering the %q namespace: %w", Namespace, err)
	}

	persistence := config.Persistence{
		DefaultStore:     sqliteplugin.PluginName,
		VisibilityStore:  sqliteplugin.PluginName,
		NumHistoryShards: 1,
		DataStores:       map[string]config.DataStore{sqliteplugin.PluginName: {SQL: sqlCfg}},
	}
	return newTemporal(persistence, 0, dir)
}

// newTemporal starts a server holding every service, with its state in persistence, its
// frontend on frontendPort (0 for any free port) and its log in dir.
func newTemporal(persistence config.Persistence, frontendPort int, dir string) (*Temporal, error) {
	ports := make([]int, 4) // one gRPC port per service
	var err error
	for i := range ports {
		if ports[i], err = freePort(); err != nil {
			return nil, err
		}
	}
	if frontendPort != 0 {
		ports[0] = frontendPort
	}
	frontend := fmt.Sprintf("127.0.0.1:%d", ports[0])
	service := func(grpc int) config.Service {
		return config.Service{RPC: config.RPC{GRPCPort: grpc, BindOnIP: "127.0.0.1"}}
	}
	cfg := &config.Config{
		Persistence: persistence,
		ClusterMetadata: &cluster.Config{
			EnableGlobalNamespace:    false,
			FailoverVersionIncrement: 10,
			MasterClusterName:        "active",
			CurrentClusterName:       "active",
			ClusterInformation: map[string]cluster.ClusterInformation{
				"active": {Enabled: true, InitialFailoverVersion: 1, RPCAddress: frontend},
			},
		},
		DCRedirectionPolicy: config.DCRedirectionPolicy{Policy: "noop"},
		Services: map[string]config.Service{
			"frontend": service(ports[0]),
			"history":  service(ports[1]),
			"matching": service(ports[2]),
			"worker":   service(ports[3]),
		},
		Archival: config.Archival{
			History:    config.HistoryArchival{State: "disabled"},
			Visibility: config.VisibilityArchival{State: "disabled"},
		},
		NamespaceDefaults: config.NamespaceDefaults{Archival: config.ArchivalNamespaceDefaults{
			History:    config.HistoryArchivalNamespaceDefaults{State: "disabled"},
			Visibility: config.VisibilityArchivalNamespaceDefaults{State: "disabled"},
		}},
		PublicClient: config.PublicClient{HostPort: frontend},
	}
	// The server is chatty; its log goes to a file beside its database.
	logger := log.NewZapLogger(log.BuildZapLogger(log.Config{
		Level: "warn", OutputFile: filepath.Join(dir, "temporal.log"), Format: "json",
	}))
	// One process holds every service, so membership is static (and needs no membership ports):
	// gossip membership would seed
	// itself from the previous run's rows (other ports, dead) and can leave a restarted server
	// without history or matching hosts for many seconds ("Not enough hosts to serve the request").
	hosts := map[primitives.ServiceName]static.Hosts{}
	for name, svc := range cfg.Services {
		hosts[primitives.ServiceName(name)] = static.SingleLocalHost(fmt.Sprintf("127.0.0.1:%d", svc.RPC.GRPCPort))
	}
	t := &Temporal{HostPort: frontend, opts: []temporal.ServerOption{
		temporal.WithConfig(cfg),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithStaticHosts(hosts),
		temporal.WithLogger(logger),
	}}
	return t, t.start()
}

func (t *Temporal) start() error {
	srv, err := temporal.NewServer(t.opts...)
	if err != nil {
		return fmt.Errorf("creating the Temporal server: %w", err)
	}
	if err := srv.Start(); err != nil {
		return fmt.Errorf("starting the Temporal server: %w", err)
	}
	t.server = srv
	return nil
}

// Stop stops the server; its state stays in the SQLite file.
func (t *Temporal) Stop() error { return t.server.Stop() }

// Start starts a stopped server again, on the same address and state, as a Temporal cluster
// coming back after an outage: its clients and workers reconnect by themselves.
func (t *Temporal) Start() error { return t.start() }
