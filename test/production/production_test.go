//go:build production

package production_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/coreos/go-oidc/v3/oidc/oidctest"
	"github.com/redis/go-redis/v9"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/caseflow/caseflow/api"
	"github.com/caseflow/caseflow/notify"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/readmodel"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/encryption"
	"github.com/caseflow/caseflow/security/keyring"
	"github.com/caseflow/caseflow/security/pseudonym"
	"github.com/caseflow/caseflow/workflows"
)

const (
	temporalVersion = "v1.32.0"
	namespace       = "caseflow"
	cases           = 24
	carers          = 8
	contributions   = 6 // care-plan contributions per case
	// plantedName and plantedAccount are planted in every concern: the child's name and what
	// the carer saw, which must be nowhere in clear but in the API's answers.
	plantedName    = "Zephyrine Plantedchild"
	plantedAccount = "Driven home by a man she calls Quillon Plantedadult."
)

// TestProductionShape runs the whole production shape and puts it under load with faults.
func TestProductionShape(t *testing.T) {
	started := time.Now()
	s := &stack{t: t, dir: t.TempDir()}
	t.Cleanup(s.stopAll)
	s.build()
	s.makeKeys()
	s.pki = makePKI(t, filepath.Join(s.dir, "tls"))
	s.startIdentityProvider()
	s.startPostgres()
	s.startTemporal("temporal")
	s.checkTemporalRefusesStrangers()
	s.startRedis("redis")
	s.env = s.caseflowEnv()
	s.checkWorkerRefusedBeforeSetup()
	s.setup()
	s.checkServeRefusesWorkerKeys()
	s.startCaseflow("")
	t.Logf("stack up in %s", time.Since(started).Round(time.Second))

	loadStart := time.Now()
	created := s.load()
	t.Logf("load done in %s", time.Since(loadStart).Round(time.Second))

	checkStart := time.Now()
	s.checkAppliedOnce(created)
	s.checkChasesSentOnce(created)
	s.checkReadModel(created)
	s.checkMetrics()
	s.checkNothingInClear(created)
	t.Logf("checks done in %s", time.Since(checkStart).Round(time.Second))

	s.backupAndRestore(created)
	t.Logf("whole test %s", time.Since(started).Round(time.Second))
}

// stack is the processes of the test and where they listen.
type stack struct {
	t     *testing.T
	dir   string
	mu    sync.Mutex
	procs []*proc

	caseflow, temporalServer, sqlTool string

	// keysFile is the full key file, for the APIs; workerKeysFile its verify-only copy, for
	// the workers. converters and ids are the test's own, from the workers' file.
	keysFile, workerKeysFile string
	converters               *encryption.Converters
	ids                      pseudonym.Key
	// issuer is the identity provider's URL, signing its tokens with idpKey; caFile holds the
	// certificate caseflow's processes trust it by.
	issuer string
	idpKey *rsa.PrivateKey
	caFile string
	// pki is the certificates of mutual TLS to Temporal.
	pki pki

	// db is the PostgreSQL cluster Temporal runs on; databases every one the test started, to
	// stop once every process using them has stopped.
	db           *postgres
	databases    []*postgres
	dbPassword   string
	temporalAddr string
	redisURL     string
	rdb          *redis.Client
	temporal     client.Client
	env          []string
	apis         []*proc
	workers      []*proc
	// server and redisServer are the running Temporal server and Redis.
	server, redisServer *proc
}

// proc is a running process with its log file.
type proc struct {
	name string
	cmd  *exec.Cmd
	log  string
	url  string
	// ops is the base URL of its /healthz, /readyz and /metrics port.
	ops  string
	done chan struct{}
}

// build compiles the lean caseflow binary, and the official Temporal server and its SQL tool
// unless TEMPORAL_SERVER_BIN and TEMPORAL_SQL_TOOL_BIN name them.
func (s *stack) build() {
	start := time.Now()
	s.caseflow = filepath.Join(s.dir, "caseflow")
	s.mustRun("go", "build", "-tags", "nodev", "-o", s.caseflow, "../../cmd/caseflow")
	s.temporalServer, s.sqlTool = os.Getenv("TEMPORAL_SERVER_BIN"), os.Getenv("TEMPORAL_SQL_TOOL_BIN")
	if s.temporalServer == "" || s.sqlTool == "" {
		bin := filepath.Join(s.dir, "bin")
		cmd := exec.Command("go", "install", "go.temporal.io/server/cmd/server@"+temporalVersion, "go.temporal.io/server/cmd/tools/sql@"+temporalVersion)
		cmd.Env = append(os.Environ(), "GOBIN="+bin)
		if out, err := cmd.CombinedOutput(); err != nil {
			s.t.Fatalf("build the Temporal server: %v\n%s", err, out)
		}
		s.temporalServer, s.sqlTool = filepath.Join(bin, "server"), filepath.Join(bin, "sql")
	}
	s.t.Logf("binaries ready in %s", time.Since(start).Round(time.Second))
}

// makeKeys makes caseflow's keys as deploy/security.md tells an operator to: the full key file
// for the APIs, and its verify-only copy, without the identity signing key, for the workers.
func (s *stack) makeKeys() {
	s.keysFile, s.workerKeysFile = filepath.Join(s.dir, "keys.json"), filepath.Join(s.dir, "worker.json")
	s.mustRun(s.caseflow, "keys", "new", "--out", s.keysFile)
	s.mustRun(s.caseflow, "keys", "verify-only", "--file", s.keysFile, "--out", s.workerKeysFile)
	if _, err := keyring.ReadFile(s.workerKeysFile, true); err == nil {
		s.t.Fatal("the workers' key file holds the identity signing key")
	}
	keys, err := keyring.ReadFile(s.workerKeysFile, false)
	if err != nil {
		s.t.Fatal(err)
	}
	if s.converters, err = encryption.NewConverters(keys); err != nil {
		s.t.Fatal(err)
	}
	if s.ids, err = pseudonym.New(keys.Pseudonym); err != nil {
		s.t.Fatal(err)
	}
}

// startIdentityProvider serves the agency's identity provider in miniature (go-oidc's test
// server: discovery and signing keys) over https, as serve requires, and writes its certificate
// where caseflow's processes are told to trust it (SSL_CERT_FILE), as an agency's CA would be.
func (s *stack) startIdentityProvider() {
	var err error
	if s.idpKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		s.t.Fatal(err)
	}
	provider := &oidctest.Server{PublicKeys: []oidctest.PublicKey{{PublicKey: s.idpKey.Public(), KeyID: "production-test", Algorithm: oidc.RS256}}}
	srv := httptest.NewTLSServer(provider)
	s.t.Cleanup(srv.Close)
	s.issuer = srv.URL
	provider.SetIssuer(s.issuer)
	s.caFile = filepath.Join(s.dir, "identity-provider.pem")
	certificate := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(s.caFile, certificate, 0o644); err != nil {
		s.t.Fatal(err)
	}
}

// token is an ID token of the identity provider for a carer, valid for an hour.
func (s *stack) token(userID string) string { return s.tokenAs(userID, safeguarding.RoleCarer) }

// tokenAs is an ID token of the identity provider for someone in a role, valid for an hour.
func (s *stack) tokenAs(userID string, role safeguarding.Role) string {
	now := time.Now()
	claims, _ := json.Marshal(map[string]any{
		"iss": s.issuer, "aud": "caseflow", "sub": userID, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
		"role": string(role),
	})
	return oidctest.SignIDToken(s.idpKey, "production-test", oidc.RS256, string(claims))
}

// postgres is a scratch PostgreSQL cluster on a loopback port, with password authentication over
// TCP and the user temporal, which may create databases.
type postgres struct {
	bin  string // the directory of PostgreSQL's programs
	port int
	stop func()
}

// startPostgres starts the PostgreSQL cluster Temporal runs on and sets up Temporal's schema.
func (s *stack) startPostgres() {
	s.dbPassword = "temporal-ci"
	s.db = s.newPostgres("caseflow-pg-")
	s.schemaJob(2)
}

// newPostgres initialises a scratch PostgreSQL cluster in a new directory and starts it on a free
// loopback port. As root, it runs as the postgres user.
func (s *stack) newPostgres(prefix string) *postgres {
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		s.t.Fatal("PostgreSQL's server binaries are not installed (apt-get install postgresql)")
	}
	sort.Strings(bins)
	db := &postgres{bin: filepath.Dir(bins[len(bins)-1])}
	// The cluster's directory must belong to the user PostgreSQL runs as.
	data, err := os.MkdirTemp("", prefix)
	if err != nil {
		s.t.Fatal(err)
	}
	var owner []string
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			s.t.Fatalf("running as root needs the postgres user: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(data, uid, gid); err != nil {
			s.t.Fatal(err)
		}
		owner = []string{"runuser", "-u", "postgres", "--"}
	}
	asOwner := func(args ...string) []string { return append(append([]string{}, owner...), args...) }
	stop := asOwner(filepath.Join(db.bin, "pg_ctl"), "-D", filepath.Join(data, "db"), "-m", "fast", "stop")
	var once sync.Once
	db.stop = func() {
		once.Do(func() {
			_ = exec.Command(stop[0], stop[1:]...).Run()
			_ = os.RemoveAll(data)
		})
	}
	s.mu.Lock()
	s.databases = append(s.databases, db)
	s.mu.Unlock()
	pwfile := filepath.Join(data, "superuser-password")
	if err := os.WriteFile(pwfile, []byte("postgres-ci\n"), 0o644); err != nil {
		s.t.Fatal(err)
	}
	s.mustRun(asOwner(filepath.Join(db.bin, "initdb"), "-D", filepath.Join(data, "db"), "-U", "postgres",
		"--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile="+pwfile)...)
	db.port = freePort(s.t)
	s.mustRun(asOwner(filepath.Join(db.bin, "pg_ctl"), "-D", filepath.Join(data, "db"), "-l", filepath.Join(data, "postgres.log"), "-w",
		"-o", fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1", db.port, data), "start")...)
	psql := exec.Command("psql", "-h", "127.0.0.1", "-p", strconv.Itoa(db.port), "-U", "postgres", "-v", "ON_ERROR_STOP=1",
		"-c", "CREATE USER temporal WITH PASSWORD '"+s.dbPassword+"' CREATEDB")
	psql.Env = append(os.Environ(), "PGPASSWORD=postgres-ci")
	if out, err := psql.CombinedOutput(); err != nil {
		s.t.Fatalf("create the temporal database user: %v\n%s", err, out)
	}
	return db
}

// schemaJob brings Temporal's schema up to date with the server's own tool, by the script of
// compose's schema job, as often as times says: every start of the stack runs it.
func (s *stack) schemaJob(times int) {
	module := strings.TrimSpace(s.output("go", "list", "-m", "-f", "{{.Dir}}", "go.temporal.io/server"))
	for range times {
		schemaJob := exec.Command("../../deploy/temporal/setup-schema.sh")
		schemaJob.Env = append(os.Environ(), "TEMPORAL_DB_HOST=127.0.0.1", "TEMPORAL_DB_PORT="+strconv.Itoa(s.db.port),
			"TEMPORAL_DB_USER=temporal", "TEMPORAL_DB_PASSWORD="+s.dbPassword,
			"TEMPORAL_SQL_TOOL="+s.sqlTool, "TEMPORAL_SCHEMA_DIR="+filepath.Join(module, "schema/postgresql"))
		if out, err := schemaJob.CombinedOutput(); err != nil {
			s.t.Fatalf("schema job: %v\n%s", err, out)
		}
	}
}

// startTemporal starts the official server with the configuration shipped in deploy/, on the
// database of s.db, requiring mutual TLS, and a client of the test's own on it, with caseflow's
// client certificate. A second cluster takes ports of its own, as a new host would.
func (s *stack) startTemporal(name string) {
	previous := 0
	if s.temporalAddr != "" {
		_, port, _ := net.SplitHostPort(s.temporalAddr)
		previous, _ = strconv.Atoi(port)
	}
	base := freePortBlock(s.t, previous)
	s.temporalAddr = fmt.Sprintf("127.0.0.1:%d", base)
	cfg, _ := filepath.Abs("../../deploy/temporal/server.yaml")
	dyn, _ := filepath.Abs("../../deploy/temporal/dynamicconfig.yaml")
	cmd := exec.Command(s.temporalServer, "--config-file", cfg, "--allow-no-auth", "start")
	cmd.Env = append(append(os.Environ(),
		"TEMPORAL_DB_PORT="+strconv.Itoa(s.db.port), "TEMPORAL_DB_PASSWORD="+s.dbPassword,
		"TEMPORAL_PORT_BASE="+strconv.Itoa(base), "TEMPORAL_METRICS_ADDRESS=127.0.0.1:"+strconv.Itoa(freePort(s.t)),
		"TEMPORAL_DYNAMIC_CONFIG="+dyn), s.pki.serverEnv()...)
	p := s.start(name, cmd)
	s.server = p
	if s.temporal != nil {
		s.temporal.Close()
	}
	var err error
	s.temporal, err = client.NewLazyClient(client.Options{
		HostPort: s.temporalAddr, Namespace: namespace, Logger: quiet{},
		DataConverter: s.converters.Data, FailureConverter: s.converters.Failure,
		ConnectionOptions: client.ConnectionOptions{TLS: s.pki.tlsConfig(s.t, s.pki.clientCert, s.pki.clientKey)},
	})
	if err != nil {
		s.t.Fatal(err)
	}
	s.eventually(90*time.Second, "Temporal serving at "+s.temporalAddr, func() bool {
		s.exitedEarly(p)
		_, err := s.temporal.CheckHealth(context.Background(), &client.CheckHealthRequest{})
		return err == nil
	})
}

// startRedis starts redis-server as production runs it: a password and an append-only file in
// s.dir/name.
func (s *stack) startRedis(name string) {
	port := freePort(s.t)
	data := filepath.Join(s.dir, name)
	if err := os.MkdirAll(data, 0o700); err != nil {
		s.t.Fatal(err)
	}
	s.redisServer = s.start(name, exec.Command("redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--requirepass", "redis-ci", "--appendonly", "yes", "--save", "", "--dir", data))
	s.redisURL = fmt.Sprintf("redis://:redis-ci@127.0.0.1:%d/0", port)
	opts, _ := redis.ParseURL(s.redisURL)
	rdb := redis.NewClient(opts)
	s.rdb = rdb
	s.t.Cleanup(func() { _ = rdb.Close() })
	s.eventually(10*time.Second, name+" answering", func() bool { return s.rdb.Ping(context.Background()).Err() == nil })
}

// caseflowEnv is the environment of caseflow's processes on the stack's Temporal and Redis, with
// mutual TLS to Temporal as deploy/kubernetes/caseflow.yaml configures it.
func (s *stack) caseflowEnv() []string {
	policyFile, _ := filepath.Abs("../../policy/testdata/short-clocks.yaml")
	return append(append(os.Environ(),
		"TEMPORAL_ADDRESS="+s.temporalAddr, "TEMPORAL_NAMESPACE="+namespace, "REDIS_URL="+s.redisURL,
		"CASEFLOW_POLICY="+policyFile, "CASEFLOW_OIDC_ISSUER="+s.issuer, "SSL_CERT_FILE="+s.caFile,
		"CASEFLOW_RATE_LIMIT=100000", "CASEFLOW_LOG_FORMAT=json"), s.pki.caseflowEnv()...)
}

// checkWorkerRefusedBeforeSetup: a worker refuses to start before `caseflow setup` has run, and
// names it.
func (s *stack) checkWorkerRefusedBeforeSetup() {
	refused := s.command(s.caseflow, "worker")
	refused.Env = append(refused.Env, "CASEFLOW_KEYS_FILE="+s.workerKeysFile)
	var stderr bytes.Buffer
	refused.Stderr = &stderr
	err := refused.Run()
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 2 {
		s.t.Fatalf("worker before setup: %v, want exit status 2; stderr: %s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "caseflow setup") {
		s.t.Errorf("worker before setup did not name the fix: %s", stderr.String())
	}
}

// setup runs `caseflow setup` twice as the deployment's job does (with no keys: it needs none):
// the first creates the namespace and registers the search attributes, the second finds them.
func (s *stack) setup() {
	first := s.output(s.caseflow, "setup", "--retention", "7d")
	again := s.output(s.caseflow, "setup")
	s.t.Logf("caseflow setup:\n%s\nagain:\n%s", first, again)
	if !strings.Contains(first, "namespace: caseflow created (retention 7d)") || !strings.Contains(first, "search attributes: registered") {
		s.t.Fatalf("first setup did not create the namespace and register the attributes:\n%s", first)
	}
	s.checkSetupFindsAll(again)
}

// checkSetupFindsAll: a run of `caseflow setup` found everything in place and changed nothing.
func (s *stack) checkSetupFindsAll(out string) {
	for _, want := range []string{"namespace: caseflow exists", "search attributes: all 7 present", "morning digest schedule: unchanged"} {
		if !strings.Contains(out, want) {
			s.t.Fatalf("caseflow setup was not a no-op (no %q):\n%s", want, out)
		}
	}
}

// checkServeRefusesWorkerKeys: serve refuses the workers' key file: it cannot sign callers with
// it.
func (s *stack) checkServeRefusesWorkerKeys() {
	refused := s.command(s.caseflow, "serve", "--http", "127.0.0.1:0", "--ops-http", "127.0.0.1:0")
	refused.Env = append(refused.Env, "CASEFLOW_KEYS_FILE="+s.workerKeysFile)
	if out, err := refused.CombinedOutput(); err == nil || !strings.Contains(string(out), "no identity signing key") {
		s.t.Fatalf("serve with the workers' key file: %v, want a refusal naming the signing key: %s", err, out)
	}
}

// startCaseflow starts two workers and two API processes of the lean binary, named with prefix,
// the workers with the verify-only key file and the APIs with the full one, each pair given its
// keys both ways the deployment files do: a file named by CASEFLOW_KEYS_FILE, and the content in
// CASEFLOW_KEYS. They replace the stack's workers and APIs.
func (s *stack) startCaseflow(prefix string) {
	keysBothWays := func(i int, file string) string {
		if i == 0 {
			return "CASEFLOW_KEYS_FILE=" + file
		}
		content, err := os.ReadFile(file)
		if err != nil {
			s.t.Fatal(err)
		}
		return "CASEFLOW_KEYS=" + string(content)
	}
	// twoOf starts two processes of a command, each on ports of its own: its own (the API's,
	// when it has one) and its ops port.
	twoOf := func(name, command, addrFlag, keysFile string) []*proc {
		var procs []*proc
		for i := range 2 {
			port, ops := freePort(s.t), freePort(s.t)
			args := []string{command, "--ops-http", fmt.Sprintf("127.0.0.1:%d", ops)}
			if addrFlag != "" {
				args = append(args, addrFlag, fmt.Sprintf("127.0.0.1:%d", port))
			} else {
				port = ops
			}
			cmd := s.command(s.caseflow, args...)
			cmd.Env = append(cmd.Env, keysBothWays(i, keysFile))
			p := s.start(fmt.Sprintf("%s%s-%d", prefix, name, i), cmd)
			p.url, p.ops = fmt.Sprintf("http://127.0.0.1:%d", port), fmt.Sprintf("http://127.0.0.1:%d", ops)
			procs = append(procs, p)
		}
		return procs
	}
	s.workers = twoOf("worker", "worker", "", s.workerKeysFile)
	s.apis = twoOf("api", "serve", "--http", s.keysFile)
	for _, p := range append(append([]*proc{}, s.workers...), s.apis...) {
		s.eventually(60*time.Second, p.name+" ready", func() bool {
			s.exitedEarly(p)
			resp, err := http.Get(p.url + "/readyz")
			if err != nil {
				return false
			}
			resp.Body.Close()
			return resp.StatusCode == http.StatusOK
		})
	}
}

// created is a case the load raised.
type created struct {
	index  int
	caseID string
	carer  string
	token  string
}

// load raises cases and adds care-plan contributions to them through both APIs at once, each
// request with its own Idempotency-Key and retried with it, as clients do, on whichever API
// answers. A third of the way through, one worker and one API are killed with SIGKILL.
func (s *stack) load() []created {
	tokens := make([]string, carers)
	for i := range tokens {
		tokens[i] = s.token(fmt.Sprintf("carer-%d", i))
	}
	c := &loadClient{s: s, http: &http.Client{Timeout: 20 * time.Second}}
	total := int64(cases * (1 + contributions))
	killed, loaded := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(killed)
		for c.accepted.Load() < total/3 {
			select {
			case <-loaded:
				s.t.Errorf("the load ended with %d of %d requests accepted, before the kill", c.accepted.Load(), total)
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
		s.kill(s.workers[0])
		s.kill(s.apis[0])
		s.t.Logf("killed %s and %s after %d of %d requests were accepted", s.workers[0].name, s.apis[0].name, c.accepted.Load(), total)
	}()

	out := make([]created, cases)
	var wg sync.WaitGroup
	for i := range cases {
		wg.Go(func() {
			carer := fmt.Sprintf("carer-%d", i%carers)
			tok := tokens[i%carers]
			body := concern(time.Now(), carer, i)
			var res api.StepResponse
			if !c.post(i, "/v1/cases", tok, fmt.Sprintf("raise-%d", i), body, http.StatusCreated, &res) {
				return
			}
			out[i] = created{index: i, caseID: res.CaseID, carer: carer, token: tok}
			var steps sync.WaitGroup
			for j := range contributions {
				steps.Go(func() {
					c.post(i+j, "/v1/cases/"+res.CaseID+"/care-plan-contribution", tok, fmt.Sprintf("contribution-%d-%d", i, j),
						map[string]any{"text": contributionText(i, j)}, http.StatusOK, nil)
				})
			}
			steps.Wait()
		})
	}
	wg.Wait()
	close(loaded)
	<-killed
	if s.t.Failed() {
		s.t.FailNow()
	}
	s.t.Logf("%d requests accepted, after %d retries (by cause: %v)", c.accepted.Load(), c.retries.Load(), c.retried)
	return out
}

func contributionText(i, j int) string { return fmt.Sprintf("contribution %d/%d", i, j) }

// loadClient sends requests to the APIs, retrying with the same key on failure.
type loadClient struct {
	s                 *stack
	http              *http.Client
	accepted, retries atomic.Int64
	mu                sync.Mutex
	retried           map[string]int // why requests were retried
	down              sync.Map       // API URLs that refused a connection, as a load balancer's health check would find
}

// api picks the API for an attempt, passing over those found down.
func (c *loadClient) api(spread, attempt int) string {
	for i := range len(c.s.apis) {
		url := c.s.apis[(spread+attempt+i)%len(c.s.apis)].url
		if _, down := c.down.Load(url); !down {
			return url
		}
	}
	return c.s.apis[(spread+attempt)%len(c.s.apis)].url
}

func (c *loadClient) retry(why string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.retried == nil {
		c.retried = map[string]int{}
	}
	c.retried[why]++
}

// post sends a request until it is accepted with want, on the API that answers; it reports
// failure (and fails the test) on an answer no retry can change, or after three minutes.
func (c *loadClient) post(spread int, path, token, key string, body any, want int, into any) bool {
	raw, _ := json.Marshal(body)
	deadline := time.Now().Add(3 * time.Minute)
	var last string // the last answer retried, named if the request is never accepted
	for attempt := 0; time.Now().Before(deadline); attempt++ {
		if attempt > 0 {
			c.retries.Add(1)
			time.Sleep(300 * time.Millisecond)
		}
		apiURL := c.api(spread, attempt)
		req, _ := http.NewRequest(http.MethodPost, apiURL+path, bytes.NewReader(raw))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", key)
		resp, err := c.http.Do(req)
		if err != nil {
			if errors.Is(err, syscall.ECONNREFUSED) {
				c.down.Store(apiURL, true)
			}
			c.retry("no answer") // that API is gone or timed out: retry, maybe on the other
			continue
		}
		answer, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		// A raise retried after its first answer was lost (its API killed) finds the case its first
		// attempt opened: the concern is taken once, under its request id, and the answer says
		// the child's case existed.
		retriedRaise := want == http.StatusCreated && resp.StatusCode == http.StatusOK && bytes.Contains(answer, []byte(`"existing_case":true`))
		switch {
		case resp.StatusCode == want || retriedRaise:
			c.accepted.Add(1)
			if into != nil {
				if err := json.Unmarshal(answer, into); err != nil {
					c.s.t.Errorf("%s: decode %s: %v", path, answer, err)
					return false
				}
			}
			return true
		case resp.StatusCode == http.StatusConflict, resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode >= 500:
			c.retry(strconv.Itoa(resp.StatusCode))
			last = fmt.Sprintf("%d %s", resp.StatusCode, answer)
			continue
		default:
			c.s.t.Errorf("%s with key %s: %d %s", path, key, resp.StatusCode, answer)
			return false
		}
	}
	c.s.t.Errorf("%s with key %s not accepted within three minutes; the last answer: %s", path, key, last)
	return false
}

// checkAppliedOnce: each case exists once, and holds each accepted contribution exactly once.
func (s *stack) checkAppliedOnce(all []created) {
	ids := map[string]bool{}
	for _, c := range all {
		ids[c.caseID] = true
		var v safeguarding.View
		s.get(c.caseID, c.token, &v)
		seen := map[string]int{}
		for _, k := range v.CarePlan.Contributions {
			seen[k.Text]++
		}
		for j := range contributions {
			if n := seen[contributionText(c.index, j)]; n != 1 {
				s.t.Errorf("case %d holds %q %d times, want once", c.index, contributionText(c.index, j), n)
			}
		}
		if len(v.CarePlan.Contributions) != contributions {
			s.t.Errorf("case %d holds %d contributions, want %d", c.index, len(v.CarePlan.Contributions), contributions)
		}
	}
	if len(ids) != cases {
		s.t.Errorf("%d distinct cases from %d concerns", len(ids), cases)
	}
	query := fmt.Sprintf("WorkflowType = '%s'", workflows.WorkflowName)
	s.eventually(30*time.Second, "Temporal to list one workflow per concern", func() bool {
		n, err := s.temporal.WorkflowService().CountWorkflowExecutions(context.Background(),
			&workflowservice.CountWorkflowExecutionsRequest{Namespace: namespace, Query: query})
		return err == nil && n.GetCount() == cases
	})
}

// checkChasesSentOnce: the police report of every case (three seconds on the short clocks) is
// chased overdue, to the manager and to the Safeguarding Lead, each exactly once, although a
// worker died while the clocks ran. The carers' inboxes are read under their pseudonyms, with
// the stack's pseudonym key.
func (s *stack) checkChasesSentOnce(all []created) {
	want := []int{int(safeguarding.LevelOverdue), int(safeguarding.LevelManager), int(safeguarding.LevelLead)}
	inbox := notify.NewInbox(s.rdb, s.ids, nil)
	var last string
	ok := s.poll(60*time.Second, func() bool {
		sent := map[string]map[int]int{} // case -> level -> deliveries
		ids := map[string]int{}
		for i := range carers {
			items, err := s.rdb.LRange(context.Background(), inbox.InboxKey(safeguarding.Recipient{UserID: fmt.Sprintf("carer-%d", i)}), 0, -1).Result()
			if err != nil {
				last = err.Error()
				return false
			}
			for _, item := range items {
				var n notify.Notice
				if err := json.Unmarshal([]byte(item), &n); err != nil {
					last = err.Error()
					return false
				}
				ids[n.ID]++
				if n.Kind == string(policy.PoliceReport) {
					if sent[n.CaseID] == nil {
						sent[n.CaseID] = map[int]int{}
					}
					sent[n.CaseID][n.Level]++
				}
			}
		}
		for id, n := range ids {
			if n != 1 {
				last = fmt.Sprintf("notice %s delivered %d times", id, n)
				return false
			}
		}
		for _, c := range all {
			for _, level := range want {
				if sent[c.caseID][level] != 1 {
					last = fmt.Sprintf("case %d: police report chases by level %v, want one each of %v", c.index, sent[c.caseID], want)
					return false
				}
			}
			if len(sent[c.caseID]) != len(want) {
				last = fmt.Sprintf("case %d: police report chases by level %v, want %v only", c.index, sent[c.caseID], want)
				return false
			}
		}
		return true
	})
	if !ok {
		s.t.Fatalf("chases: %s", last)
	}
}

// checkReadModel: each case's summary in Redis equals the one its workflow answers, with every
// user id as its pseudonym.
func (s *stack) checkReadModel(all []created) {
	store := readmodel.New(s.rdb, s.ids)
	var last string
	ok := s.poll(60*time.Second, func() bool {
		for _, c := range all {
			value, err := s.temporal.QueryWorkflow(context.Background(), workflows.WorkflowID(c.caseID), "", workflows.QuerySummary)
			if err != nil {
				last = err.Error()
				return false
			}
			var fromWorkflow workflows.Summary
			if err := value.Get(&fromWorkflow); err != nil {
				last = err.Error()
				return false
			}
			fromRedis, found, err := store.Case(context.Background(), c.caseID)
			if err != nil || !found {
				last = fmt.Sprintf("case %d not in the read model: %v", c.index, err)
				return false
			}
			// When each was made differs by nature: the projection's workflow task, the query.
			fromWorkflow.AsOf, fromRedis.AsOf = time.Time{}, time.Time{}
			// The read model holds the child's match keys only as keyed hashes of its own
			// (readmodel/child_test.go checks them); here both must simply be there.
			if len(fromWorkflow.ChildKeys) != len(fromRedis.ChildKeys) {
				last = fmt.Sprintf("case %d: %d child keys in the workflow, %d in the read model", c.index, len(fromWorkflow.ChildKeys), len(fromRedis.ChildKeys))
				return false
			}
			fromWorkflow.ChildKeys, fromRedis.ChildKeys = nil, nil
			a, _ := json.Marshal(s.pseudonymised(fromWorkflow))
			b, _ := json.Marshal(fromRedis)
			if !bytes.Equal(a, b) {
				last = fmt.Sprintf("case %d: workflow %s\nread model %s", c.index, a, b)
				return false
			}
		}
		return true
	})
	if !ok {
		s.t.Fatalf("read model differs from the workflows: %s", last)
	}
}

// pseudonymised is a workflow's summary as the read model holds it: each user id replaced by its
// pseudonym.
func (s *stack) pseudonymised(sum workflows.Summary) workflows.Summary {
	of := func(ids []string) []string {
		if ids == nil {
			return nil
		}
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = s.ids.Of(id)
		}
		return out
	}
	sum.SocialWorker, sum.FosteringSocialWorker = s.ids.Of(sum.SocialWorker), s.ids.Of(sum.FosteringSocialWorker)
	sum.Carers, sum.Excluded, sum.Unconfirmed = of(sum.Carers), of(sum.Excluded), of(sum.Unconfirmed)
	sum.Actions = slices.Clone(sum.Actions)
	for i := range sum.Actions {
		sum.Actions[i].OwnerUser = s.ids.Of(sum.Actions[i].OwnerUser)
	}
	return sum
}

// checkMetrics: the surviving processes export caseflow's and the SDK's metrics.
func (s *stack) checkMetrics() {
	worker := s.scrape(s.workers[1])
	for _, name := range []string{"caseflow_chases_sent_total", "caseflow_chase_lag_seconds_bucket", "temporal_request_total"} {
		if !strings.Contains(worker, name) {
			s.t.Errorf("worker /metrics lacks %s", name)
		}
	}
	apiMetrics := s.scrape(s.apis[1])
	if !strings.Contains(apiMetrics, `route="/v1/cases/:id/:step"`) || strings.Contains(apiMetrics, "care-plan-contribution") {
		s.t.Error("API /metrics does not count the steps' requests under the one label they share")
	}
	resp, err := http.Get(s.apis[1].url + "/metrics")
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		s.t.Errorf("the API's own port answers /metrics with %d: whoever reaches the ingress reads the counts", resp.StatusCode)
	}
}

// checkNothingInClear: the child's name and the account planted in every concern are nowhere in
// clear: not in PostgreSQL's Temporal databases (histories, mutable state, visibility), not in
// Redis's keys and values or its append-only file, not in any process's log. History events are
// bytea, which pg_dump writes in hex, so each text is looked for in hex too; to show that search
// finds what is there, the dump must hold the case task queue's name and the encrypted payloads'
// encoding in hex, and the Redis scan and its append-only file a case id.
func (s *stack) checkNothingInClear(all []created) {
	lookIn := func(where string, content []byte) {
		lower := strings.ToLower(string(content))
		for _, planted := range []string{plantedName, plantedAccount} {
			if strings.Contains(lower, strings.ToLower(planted)) || strings.Contains(lower, hex.EncodeToString([]byte(planted))) {
				s.t.Errorf("%q is in clear in %s", planted, where)
			}
		}
	}

	for _, db := range []string{"temporal", "temporal_visibility"} {
		dump := exec.Command(filepath.Join(s.db.bin, "pg_dump"), "-h", "127.0.0.1", "-p", strconv.Itoa(s.db.port), "-U", "temporal", "--data-only", db)
		dump.Env = append(os.Environ(), "PGPASSWORD="+s.dbPassword)
		var stderr bytes.Buffer
		dump.Stderr = &stderr
		out, err := dump.Output()
		if err != nil {
			s.t.Fatalf("pg_dump %s: %v\n%s", db, err, stderr.String())
		}
		lookIn("PostgreSQL database "+db, out)
		if db == "temporal" {
			for _, known := range []string{workflows.TaskQueue, encryption.Encoding} {
				if !bytes.Contains(out, []byte(hex.EncodeToString([]byte(known)))) {
					s.t.Errorf("the dump of %s lacks %q in hex: the search would miss a name too", db, known)
				}
			}
		}
	}

	ctx := context.Background()
	var redisContent bytes.Buffer
	keys := s.rdb.Scan(ctx, 0, "*", 1000).Iterator()
	for keys.Next(ctx) {
		value, err := redisValue(ctx, s.rdb, keys.Val())
		if err != nil {
			s.t.Fatalf("read Redis key %s: %v", keys.Val(), err)
		}
		fmt.Fprintf(&redisContent, "%s\n%s\n", keys.Val(), value)
	}
	if err := keys.Err(); err != nil {
		s.t.Fatal(err)
	}
	if !bytes.Contains(redisContent.Bytes(), []byte(all[0].caseID)) {
		s.t.Error("the Redis scan found no case id: it would miss a name too")
	}
	lookIn("Redis", redisContent.Bytes())
	var aof bytes.Buffer
	err := filepath.WalkDir(filepath.Join(s.dir, "redis"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		content, err := os.ReadFile(path)
		lookIn("Redis's file "+d.Name(), content)
		aof.Write(content)
		return err
	})
	if err != nil {
		s.t.Fatalf("read Redis's files: %v", err)
	}
	if !bytes.Contains(aof.Bytes(), []byte(all[0].caseID)) {
		s.t.Error("Redis's append-only file holds no case id: the search would miss a name too")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.procs {
		content, err := os.ReadFile(p.log)
		if err != nil {
			s.t.Fatalf("read %s's log: %v", p.name, err)
		}
		lookIn(p.name+"'s log", content)
	}
}

// redisValue is everything a Redis key holds, as text.
func redisValue(ctx context.Context, rdb *redis.Client, key string) (string, error) {
	kind, err := rdb.Type(ctx, key).Result()
	if err != nil {
		return "", err
	}
	var value any
	switch kind {
	case "none": // expired since the scan
	case "string":
		value, err = rdb.Get(ctx, key).Result()
	case "hash":
		value, err = rdb.HGetAll(ctx, key).Result()
	case "list":
		value, err = rdb.LRange(ctx, key, 0, -1).Result()
	case "set":
		value, err = rdb.SMembers(ctx, key).Result()
	case "zset":
		value, err = rdb.ZRange(ctx, key, 0, -1).Result()
	case "stream":
		value, err = rdb.XRange(ctx, key, "-", "+").Result()
	default:
		return "", fmt.Errorf("a %s, which this check cannot read", kind)
	}
	if errors.Is(err, redis.Nil) {
		err = nil
	}
	return fmt.Sprint(value), err
}

func (s *stack) scrape(p *proc) string {
	resp, err := http.Get(p.ops + "/metrics")
	if err != nil {
		s.t.Fatalf("%s /metrics: %v", p.name, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

func (s *stack) get(caseID, token string, into any) {
	s.getJSON("/v1/cases/"+caseID, token, into)
}

// getJSON reads path from the second API with a bearer token, into a value.
func (s *stack) getJSON(path, token string, into any) {
	req, _ := http.NewRequest(http.MethodGet, s.apis[1].url+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("get %s: %d %s", path, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, into); err != nil {
		s.t.Fatalf("decode %s: %v", path, err)
	}
}

// concern is a carer's concern about child number child: each case is a child of its own, since a
// concern about a child with a case goes to that case.
func concern(observed time.Time, carer string, child int) map[string]any {
	return map[string]any{
		"observed_at": observed.UTC().Format(time.RFC3339),
		"child": map[string]any{
			"name": fmt.Sprintf("%s %d", plantedName, child), "date_of_birth": "2010-05-01", "preferred_term": "survivor",
			"parental_responsibility": "none-in-uk",
		},
		"la": "E08000025", "team": "north", "social_worker": "sw-1", "fostering_social_worker": "fsw-1",
		"carers":             []string{carer},
		"exploitation_types": []string{"criminal-exploitation", "trafficking"},
		"indicators":         []map[string]string{{"code": "multiple-phones"}},
		"account":            plantedAccount,
	}
}

// command is a caseflow command with (a copy of) the stack's environment, which the caller may
// add to.
func (s *stack) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = slices.Clone(s.env)
	return cmd
}

func (s *stack) output(name string, args ...string) string {
	cmd := s.command(name, args...)
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		s.t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}

func (s *stack) mustRun(args ...string) { s.output(args[0], args[1:]...) }

// start starts a long-running process, its output in a log file shown if the test fails.
func (s *stack) start(name string, cmd *exec.Cmd) *proc {
	p := &proc{name: name, cmd: cmd, log: filepath.Join(s.dir, name+".log"), done: make(chan struct{})}
	f, err := os.Create(p.log)
	if err != nil {
		s.t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("start %s: %v", name, err)
	}
	go func() { _ = cmd.Wait(); f.Close(); close(p.done) }()
	s.mu.Lock()
	s.procs = append(s.procs, p)
	s.mu.Unlock()
	return p
}

func (s *stack) kill(p *proc) {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// stop asks p to stop, as an operator's stop would, and kills it if it has not after fifteen
// seconds.
func stop(p *proc) {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// exitedEarly fails the test if p has stopped.
func (s *stack) exitedEarly(p *proc) {
	select {
	case <-p.done:
		s.t.Fatalf("%s exited: %s", p.name, tail(p.log, 20))
	default:
	}
}

// stopAll stops every process, newest first, and shows their logs if the test failed.
func (s *stack) stopAll() {
	if s.temporal != nil {
		s.temporal.Close()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	defer func() {
		for _, db := range s.databases {
			db.stop()
		}
	}()
	for i := len(s.procs) - 1; i >= 0; i-- {
		p := s.procs[i]
		stop(p)
		if s.t.Failed() {
			s.t.Logf("--- %s log (last lines):\n%s", p.name, tail(p.log, 40))
		}
	}
}

func tail(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if strings.Contains(sc.Text(), "[Fx]") {
			continue // the Temporal server's dependency injection, line by line
		}
		lines = append(lines, sc.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	return strings.Join(lines, "\n")
}

func (s *stack) eventually(timeout time.Duration, what string, f func() bool) {
	s.t.Helper()
	if !s.poll(timeout, f) {
		s.t.Fatalf("timed out after %s waiting for %s", timeout, what)
	}
}

func (s *stack) poll(timeout time.Duration, f func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if f() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// freePortBlock finds a frontend port for deploy/temporal/server.yaml whose service ports
// (base, +1, +2, +6) and membership ports (base-300 ...) are all free, other than previous.
func freePortBlock(t *testing.T, previous int) int {
	for base := 20300 + os.Getpid()%1000*10; base < 40000; base += 97 {
		if base != previous && portsFree(base, base+1, base+2, base+6, base-300, base-299, base-298, base-294) {
			return base
		}
	}
	t.Fatal("no free block of ports for Temporal")
	return 0
}

func portsFree(ports ...int) bool {
	for _, p := range ports {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			return false
		}
		l.Close()
	}
	return true
}

// quiet silences the SDK client of the checks.
type quiet struct{}

func (quiet) Debug(string, ...any) {}
func (quiet) Info(string, ...any)  {}
func (quiet) Warn(string, ...any)  {}
func (quiet) Error(string, ...any) {}
