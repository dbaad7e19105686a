//go:build production

package production_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/caseflow/caseflow/api"
	"github.com/caseflow/caseflow/notify"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/audit"
)

// The backup-and-restore drill of docs/backup-and-restore.md, on the stack the load left.

const (
	// drillCases are raised just before the dump, each with its police-report clock pending.
	drillCases = 3
	// drillLead is how far ahead of now the drill's concerns say they were observed (the API
	// takes up to five minutes ahead, for a device whose clock runs fast). Their police-report
	// clocks, due three seconds later and escalated two and four seconds after that, then fall
	// due after the old stack has stopped and before the new one starts: during the outage.
	drillLead = 20 * time.Second
	leadUser  = "lead-1"
)

// temporalDatabases are Temporal's two databases, in the order the drill dumps them: the record
// first, then its visibility store (docs/backup-and-restore.md says why).
var temporalDatabases = []string{"temporal", "temporal_visibility"}

// caseRecord is what the Safeguarding Lead reads of a case through the API.
type caseRecord struct {
	view     safeguarding.View
	timeline []safeguarding.Entry
	access   []audit.Record
}

// backupAndRestore is the drill: while cases run with clocks pending, it dumps Temporal's two
// databases, stops the stack (APIs, workers, the Temporal server, PostgreSQL and Redis), restores
// the dumps into a new PostgreSQL, starts a new Temporal cluster on it, an empty Redis and new
// workers and APIs, and checks that every case came back whole: its timeline, its access
// records, its pending clocks, and a clock that fell due during the outage chased exactly once.
func (s *stack) backupAndRestore(loaded []created) {
	before := s.readRecords(loaded)
	drill := s.raiseDrillCases()
	maps.Copy(before, s.readRecords(drill))
	all := append(slices.Clone(loaded), drill...)
	firstDue, lastDue := drillClocks(before, drill)

	started := time.Now()
	var dumps []string
	s.phase("dump of both databases", func() { dumps = s.dumpTemporal() })
	s.phase("old stack stopped", s.stopStack)
	stoppedAt := time.Now()
	if !stoppedAt.Before(firstDue) {
		s.t.Fatalf("the drill's clocks fell due at %s, before the old stack had stopped at %s: it needs a longer drillLead",
			firstDue.Format(time.RFC3339Nano), stoppedAt.Format(time.RFC3339Nano))
	}
	s.phase("restore into a new PostgreSQL", func() { s.restoreTemporal(dumps) })
	s.phase("new Temporal cluster and Redis up, setup finding everything in place", s.startRestoredCluster)
	// The new workers start once every step of the drill's clocks has fallen due.
	wait := max(time.Until(lastDue), 0)
	time.Sleep(wait)
	s.t.Logf("drill: waited %s more for the drill's clocks to fall due", wait.Round(100*time.Millisecond))
	s.phase("new workers and APIs ready", func() { s.startCaseflow("restored-") })
	s.phase("checks", func() { s.checkRestored(all, drill, before, stoppedAt) })
	s.t.Logf("drill: from the dump to the end of the checks %s; %d cases back as the Safeguarding Lead read them before the dump: %s",
		since(started), len(all), tally(before))
}

// phase runs one phase of the drill and logs how long it took.
func (s *stack) phase(name string, f func()) {
	s.t.Helper()
	start := time.Now()
	f()
	s.t.Logf("drill: %s in %s", name, since(start))
}

// tally counts what the checks compared.
func tally(records map[string]caseRecord) string {
	var entries, access, actions int
	for _, r := range records {
		entries += len(r.timeline)
		access += len(r.access)
		actions += len(r.view.OpenActions)
	}
	return fmt.Sprintf("%d timeline entries, %d access records, %d open actions with their clocks", entries, access, actions)
}

func since(t time.Time) time.Duration { return time.Since(t).Round(100 * time.Millisecond) }

// startRestoredCluster starts a new Temporal server on the restored databases and an empty Redis,
// then runs `caseflow setup` as every start of compose's stack does: it must find the namespace,
// the search attributes and the schedule in the restored databases.
func (s *stack) startRestoredCluster() {
	s.startTemporal("temporal-restored")
	s.startRedis("redis-restored")
	s.env = s.caseflowEnv()
	s.checkSetupFindsAll(s.output(s.caseflow, "setup"))
}

// raiseDrillCases raises the drill's cases, each observed drillLead ahead of now, by carers whose
// inboxes the checks read.
func (s *stack) raiseDrillCases() []created {
	c := &loadClient{s: s, http: &http.Client{Timeout: 20 * time.Second}}
	observed := time.Now().Add(drillLead)
	out := make([]created, drillCases)
	for i := range out {
		index := cases + i
		carer := fmt.Sprintf("carer-%d", i%carers)
		tok := s.token(carer)
		var res api.StepResponse
		if !c.post(index, "/v1/cases", tok, fmt.Sprintf("drill-%d", i), concern(observed, carer, index), http.StatusCreated, &res) {
			s.t.FailNow()
		}
		out[i] = created{index: index, caseID: res.CaseID, carer: carer, token: tok}
	}
	return out
}

// readRecords reads every case as the Safeguarding Lead: the case, its whole timeline and every
// access record.
func (s *stack) readRecords(all []created) map[string]caseRecord {
	lead := s.tokenAs(leadUser, safeguarding.RoleSafeguardingLead)
	out := map[string]caseRecord{}
	for _, c := range all {
		var r caseRecord
		s.getJSON("/v1/cases/"+c.caseID, lead, &r.view)
		r.timeline = s.readTimeline(c.caseID, lead)
		r.access = s.readAccess(c.caseID, lead)
		out[c.caseID] = r
	}
	return out
}

func (s *stack) readTimeline(caseID, token string) []safeguarding.Entry {
	var entries []safeguarding.Entry
	query := url.Values{"limit": {"500"}}
	for {
		var page api.TimelineResponse
		s.getJSON("/v1/cases/"+caseID+"/timeline?"+query.Encode(), token, &page)
		entries = append(entries, page.Entries...)
		if page.NextBefore == 0 {
			return entries
		}
		query.Set("before", strconv.Itoa(page.NextBefore))
	}
}

func (s *stack) readAccess(caseID, token string) []audit.Record {
	var records []audit.Record
	query := url.Values{"limit": {"500"}}
	for {
		var page api.AccessLog
		s.getJSON("/v1/cases/"+caseID+"/access?"+query.Encode(), token, &page)
		records = append(records, page.Records...)
		if page.NextCursor == "" {
			return records
		}
		query.Set("cursor", page.NextCursor)
	}
}

// dumpTemporal dumps Temporal's databases as docs/backup-and-restore.md tells an operator to,
// with the cluster running: in pg_dump's custom format, written to its standard output as
// `docker exec` passes it on. The rows of cluster_membership are left out: they name the running
// cluster's hosts, which a restored cluster would otherwise try to join for as long as their
// heartbeats look recent.
func (s *stack) dumpTemporal() []string {
	dir := filepath.Join(s.dir, "backup")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		s.t.Fatal(err)
	}
	var files []string
	for _, db := range temporalDatabases {
		file := filepath.Join(dir, db+".dump")
		out, err := os.Create(file)
		if err != nil {
			s.t.Fatal(err)
		}
		s.pgTool(s.db, nil, out, "pg_dump", "--format=custom", "--exclude-table-data=cluster_membership", db)
		if err := out.Close(); err != nil {
			s.t.Fatal(err)
		}
		files = append(files, file)
	}
	s.t.Logf("drill: dumps %s", sizes(files))
	return files
}

// restoreTemporal restores the dumps into a new PostgreSQL cluster, which becomes the stack's,
// as docs/backup-and-restore.md tells an operator to: from pg_restore's standard input, as
// `docker exec -i` passes it on (--clean drops a database of the same name first, as the empty
// one compose's PostgreSQL image makes for its user). Then it runs the schema job, as every start
// of compose's stack does.
func (s *stack) restoreTemporal(dumps []string) {
	s.db = s.newPostgres("caseflow-pg-restored-")
	for _, file := range dumps {
		in, err := os.Open(file)
		if err != nil {
			s.t.Fatal(err)
		}
		s.pgTool(s.db, in, nil, "pg_restore", "--clean", "--if-exists", "--create", "--exit-on-error", "--dbname=postgres")
		in.Close()
	}
	s.schemaJob(1)
}

// pgTool runs one of PostgreSQL's programs on db as the temporal user, with stdin and stdout
// when they are given, through pipes, as `docker exec` passes them on: a custom-format dump
// written to a pipe has no offsets in its table of contents, and pg_restore cannot seek in one.
func (s *stack) pgTool(db *postgres, stdin io.Reader, stdout io.Writer, program string, args ...string) {
	cmd := exec.Command(filepath.Join(db.bin, program), append([]string{"--host=127.0.0.1", "--port=" + strconv.Itoa(db.port), "--username=temporal"}, args...)...)
	cmd.Env = append(os.Environ(), "PGPASSWORD="+s.dbPassword)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	// Hidden behind interfaces of their own, files are passed through pipes, not as files.
	if stdin != nil {
		cmd.Stdin = struct{ io.Reader }{stdin}
	}
	if stdout != nil {
		cmd.Stdout = struct{ io.Writer }{stdout}
	}
	if err := cmd.Run(); err != nil {
		s.t.Fatalf("%s %s: %v\n%s", program, strings.Join(args, " "), err, stderr.String())
	}
}

func sizes(files []string) string {
	var out []string
	for _, f := range files {
		info, err := os.Stat(f)
		if err == nil {
			out = append(out, fmt.Sprintf("%s %d KiB", filepath.Base(f), info.Size()/1024))
		}
	}
	return strings.Join(out, ", ")
}

// stopStack stops the old stack as an operator would, the callers first: the APIs, the workers,
// the Temporal server, then PostgreSQL (its data directory goes with it) and Redis.
func (s *stack) stopStack() {
	for _, p := range append(slices.Clone(s.apis), s.workers...) {
		stop(p)
	}
	stop(s.server)
	s.db.stop()
	stop(s.redisServer)
}

// drillClocks is when the first of the drill cases' police-report clocks falls due, and when
// the last escalation of any falls due.
func drillClocks(before map[string]caseRecord, drill []created) (first, last time.Time) {
	for _, c := range drill {
		a := policeReport(before[c.caseID].view)
		if first.IsZero() || a.Due.Before(first) {
			first = a.Due
		}
		if a.EscalateAgainAt.After(last) {
			last = a.EscalateAgainAt
		}
	}
	return first, last
}

func policeReport(v safeguarding.View) safeguarding.ActionView {
	for _, a := range v.Actions {
		if a.Kind == policy.PoliceReport {
			return a
		}
	}
	return safeguarding.ActionView{}
}

// checkRestored checks the restored stack against what the Safeguarding Lead read before the
// dump. Every case is back: the case workflows, every timeline entry, every access record, and
// the same open actions with the same clocks. The only entries the restored cases add are the
// drill's chases: each drill case's police report chased at each step of its ladder exactly
// once, after the outage, and delivered once to the carer's inbox; nothing of the cases
// chased before the dump is chased again. The read model, in an empty Redis, is rebuilt by the
// workers.
func (s *stack) checkRestored(all, drill []created, before map[string]caseRecord, stoppedAt time.Time) {
	s.checkWorkflowCount(len(all))
	lead := s.tokenAs(leadUser, safeguarding.RoleSafeguardingLead)
	s.eventually(60*time.Second, "the drill's clocks to chase on the restored stack", func() bool {
		for _, c := range drill {
			if len(newEntries(before[c.caseID].timeline, s.readTimeline(c.caseID, lead))) < len(ladder) {
				return false
			}
		}
		return true
	})
	after := s.readRecords(all)
	for _, c := range all {
		s.checkCaseBack(c, before[c.caseID], after[c.caseID], stoppedAt)
	}
	s.checkRestoredInboxes(drill)
	s.checkReadModel(all)

	// The last word on "not twice": the drill's timelines once more, after all the above.
	for _, c := range drill {
		s.checkChasedOnce(c, before[c.caseID], s.readTimeline(c.caseID, lead), stoppedAt)
	}
}

// ladder is the police report's chases on the short clocks, in order.
var ladder = []safeguarding.Level{safeguarding.LevelOverdue, safeguarding.LevelManager, safeguarding.LevelLead}

// checkWorkflowCount: Temporal lists one case workflow per case raised.
func (s *stack) checkWorkflowCount(want int) {
	query := fmt.Sprintf("WorkflowType = '%s'", workflows.WorkflowName)
	var last string
	ok := s.poll(30*time.Second, func() bool {
		n, err := s.temporal.WorkflowService().CountWorkflowExecutions(context.Background(),
			&workflowservice.CountWorkflowExecutionsRequest{Namespace: namespace, Query: query})
		if err != nil {
			last = err.Error()
			return false
		}
		last = fmt.Sprintf("%d case workflows, want %d", n.GetCount(), want)
		return n.GetCount() == int64(want)
	})
	if !ok {
		s.t.Errorf("after the restore: %s", last)
	}
}

// checkCaseBack compares one case after the restore with the case before the dump.
func (s *stack) checkCaseBack(c created, before, after caseRecord, stoppedAt time.Time) {
	where := fmt.Sprintf("case %d after the restore", c.index)
	seqs := map[int]safeguarding.Entry{}
	for _, e := range after.timeline {
		seqs[e.Seq] = e
	}
	for _, e := range before.timeline {
		if got, ok := seqs[e.Seq]; !ok || !sameJSON(got, e) {
			s.t.Errorf("%s: timeline entry %d was %s, is %s", where, e.Seq, asJSON(e), asJSON(got))
		}
	}
	if isDrill(c) {
		s.checkChasedOnce(c, before, after.timeline, stoppedAt)
	} else if extra := newEntries(before.timeline, after.timeline); len(extra) > 0 {
		s.t.Errorf("%s: timeline entries it did not have: %s", where, asJSON(extra))
	}

	records := map[string]bool{}
	for _, r := range after.access {
		records[asJSON(r)] = true
	}
	for _, r := range before.access {
		if !records[asJSON(r)] {
			s.t.Errorf("%s: access record lost: %s", where, asJSON(r))
		}
	}
	if len(before.access) == 0 {
		s.t.Errorf("case %d had no access records before the dump: the check would miss a loss", c.index)
	}

	// The Lead's conduct decision a chase opens after the restore is new by design
	// (checkChasedOnce counts it); every clock the dump held must be back as it was.
	conduct := func(line string) bool { return strings.Contains(line, " conduct-review ") }
	if a, b := slices.DeleteFunc(clocks(before.view), conduct), slices.DeleteFunc(clocks(after.view), conduct); !slices.Equal(a, b) {
		s.t.Errorf("%s: open actions and clocks were\n%s\nare\n%s", where, strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
}

func isDrill(c created) bool { return c.index >= cases }

// clocks are a case's open actions with their deadlines and escalations, as text, sorted.
func clocks(v safeguarding.View) []string {
	var out []string
	for _, a := range v.OpenActions {
		out = append(out, fmt.Sprintf("%s %s due %s, escalated %s and %s, again every %q", a.ID, a.Kind,
			a.Due.Format(time.RFC3339), a.EscalateAt.Format(time.RFC3339), a.EscalateAgainAt.Format(time.RFC3339), a.RechaseEvery))
	}
	slices.Sort(out)
	return out
}

// newEntries are the timeline entries of after that before did not hold.
func newEntries(before, after []safeguarding.Entry) []safeguarding.Entry {
	had := map[int]bool{}
	for _, e := range before {
		had[e.Seq] = true
	}
	var out []safeguarding.Entry
	for _, e := range after {
		if !had[e.Seq] {
			out = append(out, e)
		}
	}
	return out
}

// checkChasedOnce: a drill case's only new timeline entries are its police report's chases, one
// at each step of the ladder, all recorded after the old stack stopped.
func (s *stack) checkChasedOnce(c created, before caseRecord, timeline []safeguarding.Entry, stoppedAt time.Time) {
	police := policeReport(before.view)
	byLevel := map[string]int{}
	conduct := 0
	for _, e := range newEntries(before.timeline, timeline) {
		// The chase that reaches the Safeguarding Lead also asks them whether the failure to act
		// is a conduct matter (a seed duty): one entry, made then, counted like the chases.
		if e.Kind == "conduct-review" && e.At.After(stoppedAt) {
			if conduct++; conduct > 1 {
				s.t.Errorf("drill case %d: the Lead asked about the same late action again after the restore: %s", c.index, asJSON(e))
			}
			continue
		}
		if e.Kind != "chase" || e.Ref != police.ID || !e.At.After(stoppedAt) {
			s.t.Errorf("drill case %d: an entry after the restore that is not a chase of its police report made then: %s", c.index, asJSON(e))
			continue
		}
		byLevel[e.Summary]++
	}
	want := map[string]int{}
	for _, level := range ladder {
		want[police.Title+": "+level.String()] = 1
	}
	if !sameJSON(byLevel, want) {
		s.t.Errorf("drill case %d: chases after the restore %v, want one of each of %v", c.index, byLevel, want)
	}
}

// checkRestoredInboxes: the empty Redis of the restored stack holds each drill case's chases,
// one notice at each step of the ladder, and no notice of any other case: nothing chased
// before the dump was chased again.
func (s *stack) checkRestoredInboxes(drill []created) {
	inbox := notify.NewInbox(s.rdb, s.ids, nil)
	want := map[string]string{}
	for _, c := range drill {
		want[c.caseID] = asJSON(ladder)
	}
	var last string
	ok := s.poll(30*time.Second, func() bool {
		got := map[string][]safeguarding.Level{}
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
				got[n.CaseID] = append(got[n.CaseID], safeguarding.Level(n.Level))
			}
		}
		gotText := map[string]string{}
		for id, levels := range got {
			slices.Sort(levels)
			gotText[id] = asJSON(levels)
		}
		last = fmt.Sprintf("notices by case %v, want %v", gotText, want)
		return sameJSON(gotText, want)
	})
	if !ok {
		s.t.Errorf("the restored stack's inboxes: %s", last)
	}
}

func asJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func sameJSON(a, b any) bool { return asJSON(a) == asJSON(b) }
