package privacy_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/caseflow/caseflow/api"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/test/testenv"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/audit"
)

// redisDB is this package's database on a shared real Redis.
const redisDB = 9

// Planted text: what the case holds that must never be readable without the keys.
const allegation = "Zebedee Plantedname took her to the flat above the launderette"

var planted = []string{testenv.ChildName, testenv.CarerName, allegation}

// userIDs are the people of the case, who must not be named in Redis.
var userIDs = []string{"sw-priv", "carer-priv", "fsw-1"}

// pageUser signs in to the pages: neither their user id nor their team may be in Redis, though
// their session is.
var pageUser = safeguarding.Actor{UserID: "page-user-priv", Role: safeguarding.RoleSocialWorker, Team: "team-page-priv"}

// raise opens a case through the API and records an allegation on it, as its social worker.
func raise(t *testing.T, env *testenv.Env) string {
	t.Helper()
	carer := env.Token(safeguarding.RoleCarer, "carer-priv", "")
	resp := env.Do(http.MethodPost, "/v1/cases", carer, testenv.Concern(time.Now().Add(-time.Hour), "sw-priv", "north", "carer-priv"))
	if resp.Status != http.StatusCreated {
		t.Fatalf("raise: %d %s", resp.Status, resp.Body)
	}
	var created struct {
		CaseID string `json:"case_id"`
	}
	resp.JSON(t, &created)
	sw := env.Token(safeguarding.RoleSocialWorker, "sw-priv", "north")
	step := env.Do(http.MethodPost, "/v1/cases/"+created.CaseID+"/allegation", sw, map[string]any{
		"received_at":  time.Now().Add(-30 * time.Minute).UTC().Format(time.RFC3339),
		"against_user": "carer-priv", "against_role": "carer", "summary": allegation,
	})
	if step.Status != http.StatusOK {
		t.Fatalf("allegation: %d %s", step.Status, step.Body)
	}
	return created.CaseID
}

// signInToThePages signs actor in through the pages' development sign-in, as the sign-in page
// posts it, then lists cases with the session as the pages do.
func signInToThePages(t *testing.T, env *testenv.Env, actor safeguarding.Actor) {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	home, err := browser.PostForm(env.URL+"/dev/signin", url.Values{"role": {string(actor.Role)}, "user": {actor.UserID}, "team": {actor.Team}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(home.Body)
	home.Body.Close()
	if home.StatusCode != http.StatusOK || home.Request.URL.Path != "/cases" || !bytes.Contains(page, []byte(actor.UserID)) {
		t.Fatalf("signed in to the pages: %d at %s", home.StatusCode, home.Request.URL)
	}
	cases, err := browser.Get(env.URL + "/v1/cases")
	if err != nil {
		t.Fatal(err)
	}
	cases.Body.Close()
	if cases.StatusCode != http.StatusOK {
		t.Fatalf("cases listed with the session: %d", cases.StatusCode)
	}
}

// findIn reports which of the needles text holds, in clear or inside any base64 string of it
// (protojson writes payload data as base64, which would hide a payload in clear).
func findIn(text []byte, needles []string) []string {
	var found []string
	haystacks := [][]byte{text}
	var doc any
	if json.Unmarshal(text, &doc) == nil {
		walkStrings(doc, func(s string) {
			if b, err := base64.StdEncoding.DecodeString(s); err == nil {
				haystacks = append(haystacks, b)
			}
		})
	}
	for _, n := range needles {
		for _, h := range haystacks {
			if bytes.Contains(h, []byte(n)) {
				found = append(found, n)
				break
			}
		}
	}
	return found
}

func walkStrings(doc any, f func(string)) {
	switch v := doc.(type) {
	case map[string]any:
		for _, x := range v {
			walkStrings(x, f)
		}
	case []any:
		for _, x := range v {
			walkStrings(x, f)
		}
	case string:
		f(v)
	}
}

// history reads every event of a case's runs with c, as `temporal workflow show --output json`
// prints them.
func history(t *testing.T, c client.Client, workflowID string) []byte {
	t.Helper()
	iter := c.GetWorkflowHistory(context.Background(), workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	h := &historypb.History{}
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			t.Fatal(err)
		}
		h.Events = append(h.Events, ev)
	}
	data, err := protojson.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// rawClient is an SDK client with access to the Temporal frontend and nothing else: no keys.
func rawClient(t *testing.T, env *testenv.Env) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: env.App.TemporalAddress(), Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// TestPlantedNamesAppearNowhereInClear raises a case holding a child's name, a carer's name and
// an allegation, then looks for them where an attacker would: the Temporal database files, the
// case's history as the official CLI exports it without the codec, and every key and value in
// Redis (where the people's user ids must not be either, nor those of someone signed in to the
// pages, whose session Redis keeps). Then it decodes the same history
// through the codec endpoint, as the CLI does with --codec-endpoint, and finds them: for the
// Safeguarding Lead only.
func TestPlantedNamesAppearNowhereInClear(t *testing.T) {
	env := testenv.Start(t, testenv.Options{RedisDB: redisDB})
	caseID := raise(t, env)
	lead := env.Token(safeguarding.RoleSafeguardingLead, "lead-priv", "")
	testenv.Eventually(t, 30*time.Second, "the case in the read model", func() bool {
		return strings.Contains(string(env.Do(http.MethodGet, "/v1/cases", lead, nil).Body), caseID)
	})

	files, err := filepath.Glob(filepath.Join(env.DataDir, "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("data directory: %v %v", files, err)
	}
	for _, f := range files {
		info, err := os.Stat(f)
		if errors.Is(err, fs.ErrNotExist) {
			continue // SQLite's journal comes and goes with each transaction
		}
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().IsRegular() && info.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %v: others may read it", filepath.Base(f), info.Mode().Perm())
		}
		if strings.HasPrefix(filepath.Base(f), "temporal.db") {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if found := findIn(data, planted); len(found) > 0 {
				t.Errorf("%s holds %q in clear", filepath.Base(f), found)
			}
		}
	}

	exported := history(t, rawClient(t, env), workflows.WorkflowID(caseID))
	if found := findIn(exported, planted); len(found) > 0 {
		t.Errorf("the history read without the keys shows %q", found)
	}
	if !bytes.Contains(exported, []byte(base64.StdEncoding.EncodeToString([]byte("binary/encrypted")))) {
		t.Fatal("the history holds no encrypted payload: the test looked at the wrong thing")
	}

	signInToThePages(t, env, pageUser)
	ctx := context.Background()
	rdb := env.Redis()
	keys, sessions := 0, 0
	iter := rdb.Scan(ctx, 0, "*", 200).Iterator()
	for iter.Next(ctx) {
		keys++
		key := iter.Val()
		if strings.HasPrefix(key, "cf:session:") {
			sessions++
		}
		var values []string
		switch rdb.Type(ctx, key).Val() {
		case "string":
			values = []string{rdb.Get(ctx, key).Val()}
		case "hash":
			for f, v := range rdb.HGetAll(ctx, key).Val() {
				values = append(values, f, v)
			}
		case "zset":
			values = rdb.ZRange(ctx, key, 0, -1).Val()
		case "set":
			values = rdb.SMembers(ctx, key).Val()
		case "list":
			values = rdb.LRange(ctx, key, 0, -1).Val()
		}
		for _, text := range append(values, key) {
			if found := findIn([]byte(text), slices.Concat(planted, userIDs, []string{pageUser.UserID, pageUser.Team})); len(found) > 0 {
				t.Errorf("Redis key %s holds %q", key, found)
			}
		}
	}
	if keys < 5 {
		t.Fatalf("only %d Redis keys: the read model was not written", keys)
	}
	if sessions != 1 {
		t.Fatalf("%d sessions in Redis, want the page user's one: the test looked at the wrong thing", sessions)
	}

	// The codec endpoint of the case's workflow, as the CLI's --codec-endpoint and --codec-auth
	// use it.
	decodeVia := func(endpointCase, token string) ([]byte, error) {
		codec := converter.NewRemotePayloadCodec(converter.RemotePayloadCodecOptions{
			Endpoint: env.URL + "/codec/workflows/" + workflows.WorkflowID(endpointCase),
			ModifyRequest: func(r *http.Request) error {
				r.Header.Set("X-Namespace", "default")
				if token != "" {
					r.Header.Set("Authorization", "Bearer "+token)
				}
				return nil
			},
		})
		var h historypb.History
		if err := protojson.Unmarshal(exported, &h); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		for _, ev := range h.Events {
			for _, p := range payloadsOf(ev) {
				decoded, err := codec.Decode(p)
				if err != nil {
					return nil, err
				}
				for _, d := range decoded {
					out.Write(d.GetData())
				}
			}
		}
		return out.Bytes(), nil
	}
	decodeAs := func(token string) ([]byte, error) { return decodeVia(caseID, token) }
	decoded, err := decodeAs(lead)
	if err != nil {
		t.Fatalf("the Safeguarding Lead decoding the history: %v", err)
	}
	for _, name := range planted {
		if !bytes.Contains(decoded, []byte(name)) {
			t.Errorf("decoded through the codec endpoint, the history does not show %q", name)
		}
	}
	sw := env.Token(safeguarding.RoleSocialWorker, "sw-priv", "north")
	if _, err := decodeAs(sw); err == nil || !strings.Contains(err.Error(), "Forbidden") {
		t.Errorf("a social worker decoding: %v, want Forbidden", err)
	}
	if _, err := decodeAs(""); err == nil || !strings.Contains(err.Error(), "Unauthorized") {
		t.Errorf("decoding without a token: %v, want Unauthorized", err)
	}
	// Each payload is bound to its case: the case's history sent to another case's endpoint,
	// which the Lead may use, does not open, so nothing is read under another case's name.
	var other api.StepResponse
	if got := env.Do(http.MethodPost, "/v1/cases", lead, testenv.ConcernFor("Another Child", "2011-02-02", time.Now().Add(-time.Hour), "sw-priv", "north", "carer-priv")); got.Status != http.StatusCreated {
		t.Fatalf("raise another case: %d %s", got.Status, got.Body)
	} else {
		got.JSON(t, &other)
	}
	if _, err := decodeVia(other.CaseID, lead); err == nil || !strings.Contains(err.Error(), "Bad Request") {
		t.Errorf("the case's history decoded through another case's endpoint: %v, want Bad Request", err)
	}
	// The data protection officer reads the agency's record of decryptions; the Lead, whose
	// decryptions it holds to account, may not.
	dpo := env.Token(safeguarding.RoleDataProtectionOfficer, "dpo-priv", "")
	var decryptions api.AccessLog
	if got := env.Do(http.MethodGet, "/v1/decryptions?limit=500", dpo, nil); got.Status != http.StatusOK {
		t.Fatalf("the data protection officer reading the record of decryptions: %d %s", got.Status, got.Body)
	} else {
		got.JSON(t, &decryptions)
	}
	decodes := 0
	for _, r := range decryptions.Records {
		if r.Action == "codec-decode" && r.UserID == "lead-priv" && r.Outcome == audit.Allowed && r.RequestID != "" &&
			strings.Contains(r.Detail, "workflow "+workflows.WorkflowID(caseID)) {
			decodes++
		}
	}
	if decodes == 0 {
		t.Errorf("the lead's decodes, naming the case's workflow, are not on the record of decryptions: %+v", decryptions.Records)
	}
	if got := env.Do(http.MethodGet, "/v1/decryptions", lead, nil); got.Status != http.StatusForbidden {
		t.Errorf("the Safeguarding Lead reading the record of their own decryptions: %d, want 403", got.Status)
	}
	if got := env.Do(http.MethodGet, "/v1/cases/"+caseID, dpo, nil); got.Status != http.StatusForbidden {
		t.Errorf("the data protection officer reading the case: %d, want 403: their role reads no case", got.Status)
	}
	// Each decoding is also on the case's own access log, naming the workflow and a digest of
	// what was decoded.
	testenv.Eventually(t, 30*time.Second, "the decodings on the case's access log", func() bool {
		var page api.AccessLog
		got := env.Do(http.MethodGet, "/v1/cases/"+caseID+"/access?limit=500", lead, nil)
		got.JSON(t, &page)
		for _, r := range page.Records {
			if r.Action == "codec-decode" && r.UserID == "lead-priv" && strings.Contains(r.Detail, "sha256 ") &&
				strings.Contains(r.Detail, "workflow "+workflows.WorkflowID(caseID)) && strings.Contains(r.Detail, "namespace default") {
				return true
			}
		}
		return false
	})
}

// payloadsOf finds every payload of an event, wherever the event keeps them.
func payloadsOf(ev *historypb.HistoryEvent) [][]*commonpb.Payload {
	var out [][]*commonpb.Payload
	var walk func(m protoreflect.Message)
	walk = func(m protoreflect.Message) {
		if p, ok := m.Interface().(*commonpb.Payload); ok {
			out = append(out, []*commonpb.Payload{p})
			return
		}
		m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
			switch {
			case fd.IsList() && fd.Message() != nil:
				for i := range v.List().Len() {
					walk(v.List().Get(i).Message())
				}
			case fd.IsMap() && fd.MapValue().Message() != nil:
				v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
					walk(mv.Message())
					return true
				})
			case fd.Message() != nil && !fd.IsList() && !fd.IsMap():
				walk(v.Message())
			}
			return true
		})
	}
	walk(ev.ProtoReflect())
	return out
}
