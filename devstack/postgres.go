package devstack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/server/common/config"
	pgplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/postgresql"
	sqltool "go.temporal.io/server/tools/sql"
	"google.golang.org/protobuf/types/known/durationpb"
)

// StartTemporalPostgres starts a Temporal server persisted in PostgreSQL, as a production
// cluster is (scripts/topology.sh runs one): its two databases, "temporal" and
// "temporal_visibility", are created and brought to the newest schema by Temporal's own SQL tool
// (the code behind temporal-sql-tool and docker-compose's temporal-schema), the namespace is
// registered, and the frontend listens on frontend (host:port). pgURL names the server and a
// user that may create databases; its log goes to dir.
func StartTemporalPostgres(pgURL, frontend, dir string) (*Temporal, error) {
	u, err := url.Parse(pgURL)
	if err != nil {
		return nil, fmt.Errorf("the PostgreSQL URL: %w", err)
	}
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil {
		return nil, fmt.Errorf("the PostgreSQL URL's host:port: %w", err)
	}
	password, _ := u.User.Password()
	base := []string{"temporal-sql-tool", "--plugin", pgplugin.PluginNamePGX, "--ep", host, "-p", port, "-u", u.User.Username()}
	if password != "" {
		base = append(base, "--pw", password)
	}
	for db, schema := range map[string]string{"temporal": "postgresql/v12/temporal", "temporal_visibility": "postgresql/v12/visibility"} {
		with := append(append([]string{}, base...), "--db", db)
		// Creating is refused when the database exists (quiet: the tool exits the process on a
		// refusal otherwise); setting up the versioning tables and updating to the newest
		// schema are safe to repeat, and a failure of either ends the process with the tool's
		// own message.
		_ = sqltool.RunTool(append(append([]string{}, with...), "--quiet", "create-database"))
		for _, step := range [][]string{{"setup-schema", "-v", "0.0"}, {"update-schema", "--schema-name", schema}} {
			if err := sqltool.RunTool(append(with, step...)); err != nil {
				return nil, fmt.Errorf("temporal-sql-tool %s on %s: %w", step[0], db, err)
			}
		}
	}
	store := func(db string) config.DataStore {
		return config.DataStore{SQL: &config.SQL{PluginName: pgplugin.PluginNamePGX, DatabaseName: db,
			ConnectAddr: u.Host, ConnectProtocol: "tcp", User: u.User.Username(), Password: password,
			MaxConns: 20, MaxIdleConns: 20}}
	}
	persistence := config.Persistence{
		DefaultStore:     "default",
		VisibilityStore:  "visibility",
		NumHistoryShards: 4,
		DataStores:       map[string]config.DataStore{"default": store("temporal"), "visibility": store("temporal_visibility")},
	}
	_, p, err := net.SplitHostPort(frontend)
	if err != nil {
		return nil, fmt.Errorf("the frontend address: %w", err)
	}
	fp, err := strconv.Atoi(p)
	if err != nil {
		return nil, fmt.Errorf("the frontend port: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	t, err := newTemporal(persistence, fp, dir)
	if err != nil {
		return nil, err
	}
	if err := registerNamespace(t.HostPort); err != nil {
		_ = t.Stop()
		return nil, err
	}
	return t, nil
}

// registerNamespace registers Namespace, if it is not already, keeping histories 3 days.
func registerNamespace(hostPort string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	nc, err := client.NewNamespaceClient(client.Options{HostPort: hostPort})
	if err != nil {
		return err
	}
	defer nc.Close()
	for {
		err = nc.Register(ctx, &workflowservice.RegisterNamespaceRequest{Namespace: Namespace,
			WorkflowExecutionRetentionPeriod: durationpb.New(72 * time.Hour)})
		var exists *serviceerror.NamespaceAlreadyExists
		if err == nil || errors.As(err, &exists) {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("registering the %q namespace: %w", Namespace, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}
