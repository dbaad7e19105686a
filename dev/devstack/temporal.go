package devstack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/metrics"
	persistencesql "go.temporal.io/server/common/persistence/sql"
	"go.temporal.io/server/common/persistence/sql/sqlplugin"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/resolver"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
)

// clusterName names the single local cluster. It is stored in the SQLite file, so it must never
// change between releases or existing data directories stop starting.
const clusterName = "active"

// TimerMaxTimeShift is history.timerProcessorMaxTimeShift, the margin the history service's
// timer queue keeps ahead of its clock for clocks that differ between a cluster's hosts (default
// one second). The embedded server is one process with one clock. At the default, a timer due
// while the queue is otherwise quiet fired up to a second late, half a second at the median
// (docs/benchmarks.md); a tenth of that keeps a chase within moments of its due time.
const TimerMaxTimeShift = 100 * time.Millisecond

// TemporalOptions configures the embedded Temporal server.
type TemporalOptions struct {
	// DatabaseFile is the SQLite file holding every workflow. It is created, with its schema, on
	// first start; later starts resume every case and timer stored in it.
	DatabaseFile string
	// FrontendAddress is host:port for the frontend gRPC service. Keep it on loopback: the dev
	// server has no authentication. Port 0 picks a free port.
	FrontendAddress string
	// Namespace is created on first start. Its search attributes are registered by package
	// setup, as on a cluster.
	Namespace string
	Logger    *slog.Logger
}

// Temporal is a running embedded Temporal server.
type Temporal struct {
	server    temporal.Server
	address   string
	namespace string
	quiet     *atomic.Bool
}

// StartTemporal starts the server and returns once its frontend answers and serves the
// namespace.
func StartTemporal(ctx context.Context, opts TemporalOptions) (*Temporal, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	for attempt := 1; ; attempt++ {
		t, err := startTemporal(ctx, opts)
		if errors.Is(err, errPortTaken) && attempt < startAttempts {
			opts.Logger.Warn("a port picked for the embedded temporal server was taken before it bound it; picking new ports", "attempt", attempt)
			continue
		}
		return t, err
	}
}

// startAttempts bounds how often StartTemporal picks new ports. A port is free when picked but
// bound by the server a moment later; with many servers starting at once (the tests), another
// process now and then takes one in that moment.
const startAttempts = 3

// errPortTaken reports that the server could not bind a port picked for it.
var errPortTaken = errors.New("a port picked for the embedded temporal server was taken")

func startTemporal(ctx context.Context, opts TemporalOptions) (*Temporal, error) {
	ports := &portReserver{}
	defer ports.release()
	address, err := resolveFrontend(opts.FrontendAddress, ports)
	if err != nil {
		return nil, err
	}
	conf, err := serverConfig(opts, address, ports)
	if err != nil {
		return nil, err
	}
	sqlConf := conf.Persistence.DataStores[sqliteplugin.PluginName].SQL
	if err := prepareDatabase(sqlConf, opts.Namespace); err != nil {
		return nil, err
	}

	quiet := &atomic.Bool{}
	quiet.Store(true)
	logger := serverLogger{l: opts.Logger.With("component", "temporal-server"), quiet: quiet}
	authorizer, err := authorization.GetAuthorizerFromConfig(&conf.Global.Authorization)
	if err != nil {
		return nil, fmt.Errorf("temporal authorizer: %w", err)
	}
	claimMapper, err := authorization.GetClaimMapperFromConfig(&conf.Global.Authorization, logger)
	if err != nil {
		return nil, fmt.Errorf("temporal claim mapper: %w", err)
	}
	// The reserved ports are let go only now, as late as possible, for the server to bind.
	ports.release()
	server, err := buildAndStart(
		temporal.WithConfig(conf),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithLogger(logger),
		temporal.WithAuthorizer(authorizer),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return claimMapper }),
		temporal.WithDynamicConfigClient(dynamicConfig()),
	)
	if err != nil {
		return nil, err
	}
	t := &Temporal{server: server, address: address, namespace: opts.Namespace, quiet: quiet}
	if err := t.waitForNamespace(ctx); err != nil {
		_ = t.Stop()
		return nil, err
	}
	quiet.Store(false)
	return t, nil
}

// buildAndStart builds and starts the server. The server reports a port it cannot bind through
// its logger's Fatal, which serverLogger turns into a panic; here it becomes errPortTaken, so
// StartTemporal can try other ports.
func buildAndStart(opts ...temporal.ServerOption) (server temporal.Server, err error) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if fatal, ok := r.(serverFatal); ok && fatal.bindFailed() {
			server, err = nil, fmt.Errorf("%w (%s)", errPortTaken, fatal.Error())
			return
		}
		panic(r)
	}()
	if server, err = temporal.NewServer(opts...); err != nil {
		return nil, fmt.Errorf("build temporal server: %w", err)
	}
	if err := server.Start(); err != nil {
		return nil, fmt.Errorf("start temporal server: %w", err)
	}
	return server, nil
}

// Address is the frontend's host:port, for SDK clients and the temporal CLI.
func (t *Temporal) Address() string { return t.address }

// Stop shuts the server down; the SQLite file keeps every case for the next start.
func (t *Temporal) Stop() error {
	t.quiet.Store(true)
	if err := t.server.Stop(); err != nil {
		return fmt.Errorf("stop temporal server: %w", err)
	}
	return nil
}

// TimerMaxPollRPS is history.timerProcessorMaxPollRPS, how often a shard's timer queue may read
// the timers falling due (default 20 a second). Every chase re-arms its case's timer, and each
// new timer needs a read; the embedded server has one shard, so at the default, with 10,000
// actions due in a minute, reads waited their turn and the timer-lag p99 was 405 to 756 ms in
// three runs; at 200 it was 177 to 271 ms in four (docs/benchmarks.md). A read is one indexed
// SQLite query.
const TimerMaxPollRPS = 200

// dynamicConfig holds the server settings dev changes from their defaults.
func dynamicConfig() dynamicconfig.StaticClient {
	return dynamicconfig.StaticClient{
		dynamicconfig.FrontendEnableUpdateWorkflowExecution.Key(): true,
		dynamicconfig.TimerProcessorMaxTimeShift.Key():            TimerMaxTimeShift,
		dynamicconfig.TimerProcessorMaxPollRPS.Key():              TimerMaxPollRPS,
		// Search attributes registered a moment ago must be usable at once by the first case.
		dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key(): true,
	}
}

func resolveFrontend(address string, ports *portReserver) (string, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return "", fmt.Errorf("temporal frontend address %q: %w", address, err)
	}
	ports.host = host
	if port == "0" {
		free, err := ports.next()
		if err != nil {
			return "", err
		}
		port = strconv.Itoa(free)
	}
	return net.JoinHostPort(host, port), nil
}

// serverConfig picks the services' other ports from ports, which holds them until released.
func serverConfig(opts TemporalOptions, address string, ports *portReserver) (*config.Config, error) {
	host, portText, _ := net.SplitHostPort(address)
	port, _ := strconv.Atoi(portText)
	sqlConf := &config.SQL{
		PluginName:        sqliteplugin.PluginName,
		DatabaseName:      opts.DatabaseFile,
		ConnectAttributes: map[string]string{"mode": "rwc", "_journal_mode": "wal", "_synchronous": "normal"},
	}
	services := map[string]config.Service{}
	for _, name := range []string{"frontend", "history", "matching", "worker"} {
		svc := config.Service{}
		svc.RPC.BindOnIP = host
		svc.RPC.GRPCPort = port
		if name != "frontend" {
			p, err := ports.next()
			if err != nil {
				return nil, err
			}
			svc.RPC.GRPCPort = p
		}
		p, err := ports.next()
		if err != nil {
			return nil, err
		}
		svc.RPC.MembershipPort = p
		services[name] = svc
	}

	var conf config.Config
	conf.Global.Membership.MaxJoinDuration = 30 * time.Second
	conf.Global.Membership.BroadcastAddress = host
	conf.Persistence.DefaultStore = sqliteplugin.PluginName
	conf.Persistence.VisibilityStore = sqliteplugin.PluginName
	conf.Persistence.NumHistoryShards = 1
	conf.Persistence.DataStores = map[string]config.DataStore{sqliteplugin.PluginName: {SQL: sqlConf}}
	conf.ClusterMetadata = &cluster.Config{
		FailoverVersionIncrement: 10,
		MasterClusterName:        clusterName,
		CurrentClusterName:       clusterName,
		ClusterInformation: map[string]cluster.ClusterInformation{
			clusterName: {Enabled: true, InitialFailoverVersion: 1, RPCAddress: address},
		},
	}
	conf.DCRedirectionPolicy.Policy = "noop"
	conf.Services = services
	conf.Archival.History.State = "disabled"
	conf.Archival.Visibility.State = "disabled"
	conf.NamespaceDefaults.Archival.History.State = "disabled"
	conf.NamespaceDefaults.Archival.Visibility.State = "disabled"
	conf.PublicClient.HostPort = address
	return &conf, nil
}

// prepareDatabase creates the schema on first start and the namespace if it is missing. Both
// steps are idempotent, so a restart on the same file resumes where it stopped.
func prepareDatabase(sqlConf *config.SQL, namespace string) error {
	dir := filepath.Dir(sqlConf.DatabaseName)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create data directory %s: %w", dir, err)
	}
	if _, err := os.Stat(sqlConf.DatabaseName); errors.Is(err, os.ErrNotExist) {
		// SQLite creates its file with the umask's mode, readable by everyone; made first here,
		// it is the owner's alone, and SQLite gives its journal files the same mode.
		f, err := os.OpenFile(sqlConf.DatabaseName, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return fmt.Errorf("create temporal database %s: %w", sqlConf.DatabaseName, err)
		}
		_ = f.Close()
		if err := sqliteschema.SetupSchema(sqlConf); err != nil {
			return fmt.Errorf("create temporal schema in %s: %w", sqlConf.DatabaseName, err)
		}
	} else if err != nil {
		return fmt.Errorf("temporal database %s: %w", sqlConf.DatabaseName, err)
	}
	if err := keepPrivate(sqlConf.DatabaseName); err != nil {
		return err
	}
	if err := forgetPreviousMembers(sqlConf); err != nil {
		return err
	}
	ns, err := sqliteschema.NewNamespaceConfig(clusterName, namespace, false, nil)
	if err != nil {
		return fmt.Errorf("namespace %q: %w", namespace, err)
	}
	if err := sqliteschema.CreateNamespaces(sqlConf, ns); err != nil {
		return fmt.Errorf("create namespace %q: %w", namespace, err)
	}
	return nil
}

// keepPrivate makes the database and its journal files readable by their owner only, also
// those a version of caseflow before this one created readable by everyone.
func keepPrivate(db string) error {
	for _, f := range []string{db, db + "-wal", db + "-shm"} {
		if err := os.Chmod(f, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("restrict temporal database %s: %w", f, err)
		}
	}
	return nil
}

// forgetPreviousMembers removes the membership rows of the previous run. Its services listened on
// other ports; left in place, the new services spend the whole join timeout calling them.
func forgetPreviousMembers(sqlConf *config.SQL) error {
	db, err := persistencesql.NewSQLDB(sqlplugin.DbKindMain, sqlConf, resolver.NewNoopResolver(), log.NewNoopLogger(), metrics.NoopMetricsHandler)
	if err != nil {
		return fmt.Errorf("open temporal database %s: %w", sqlConf.DatabaseName, err)
	}
	defer func() { _ = db.Close() }()
	everything := time.Now().AddDate(100, 0, 0)
	if _, err := db.PruneClusterMembership(context.Background(), &sqlplugin.PruneClusterMembershipFilter{PruneRecordsBefore: everything}); err != nil {
		return fmt.Errorf("clear stale cluster membership: %w", err)
	}
	return nil
}

// waitForNamespace polls until the namespace is served: the frontend answers a moment before its
// namespace cache holds a namespace created directly in the database.
func (t *Temporal) waitForNamespace(ctx context.Context) error {
	c, err := client.DialContext(ctx, client.Options{HostPort: t.address, Namespace: t.namespace, Logger: quietSDKLogger{}})
	if err != nil {
		return fmt.Errorf("connect to embedded temporal at %s: %w", t.address, err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		_, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: t.namespace})
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("namespace %q not served: %w", t.namespace, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// portReserver hands out distinct free ports by keeping each one's listener open until release.
type portReserver struct {
	host      string
	listeners []net.Listener
}

func (r *portReserver) next() (int, error) {
	l, err := listenBelowEphemeral(r.host)
	if err != nil {
		return 0, err
	}
	r.listeners = append(r.listeners, l)
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (r *portReserver) release() {
	for _, l := range r.listeners {
		_ = l.Close()
	}
	r.listeners = nil
}

// Ports for the server's services are picked below Linux's ephemeral range (32768 and up): a
// port is free when picked but bound by the server only later, and in that gap any outgoing
// connection on the machine may be given an ephemeral port, which made the server fail to
// start now and then while many tests ran at once. Below the range, only another listener
// picking the same port at the same moment could take it.
const (
	lowestPort = 20000
	portRange  = 12000
)

func listenBelowEphemeral(host string) (net.Listener, error) {
	var err error
	for range 200 {
		var l net.Listener
		port := lowestPort + rand.IntN(portRange)
		if l, err = net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port))); err == nil {
			return l, nil
		}
	}
	return nil, fmt.Errorf("find a free port on %s: %w", host, err)
}
