package deploy

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"maps"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	temporalconfig "go.temporal.io/server/common/config"
	"gopkg.in/yaml.v3"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/caseflow/caseflow/web"
	"github.com/caseflow/caseflow/workflows/caseclient"
)

// manifests are the Kubernetes objects of deploy/kubernetes, by kind.
type manifests struct {
	configMaps   []corev1.ConfigMap
	accounts     []corev1.ServiceAccount
	services     []corev1.Service
	deployments  []appsv1.Deployment
	jobs         []batchv1.Job
	budgets      []policyv1.PodDisruptionBudget
	policies     []networkingv1.NetworkPolicy
	ingresses    []networkingv1.Ingress
	podTemplates map[string]corev1.PodTemplateSpec // by workload name
}

// decodeStrict decodes one document into a typed object, failing on any field the type lacks.
func decodeStrict[T any](t *testing.T, where string, doc []byte) T {
	t.Helper()
	var obj T
	if err := sigsyaml.UnmarshalStrict(doc, &obj); err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	return obj
}

func load(t *testing.T) manifests {
	t.Helper()
	files, err := filepath.Glob("kubernetes/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in deploy/kubernetes: %v", err)
	}
	m := manifests{podTemplates: map[string]corev1.PodTemplateSpec{}}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
		for n := 1; ; n++ {
			doc, err := reader.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s document %d: %v", file, n, err)
			}
			var meta metav1.TypeMeta
			if err := sigsyaml.Unmarshal(doc, &meta); err != nil {
				t.Fatalf("%s document %d: %v", file, n, err)
			}
			where := file + ": " + meta.APIVersion + " " + meta.Kind
			switch meta.APIVersion + " " + meta.Kind {
			case "v1 ConfigMap":
				m.configMaps = append(m.configMaps, decodeStrict[corev1.ConfigMap](t, where, doc))
			case "v1 ServiceAccount":
				m.accounts = append(m.accounts, decodeStrict[corev1.ServiceAccount](t, where, doc))
			case "v1 Service":
				m.services = append(m.services, decodeStrict[corev1.Service](t, where, doc))
			case "apps/v1 Deployment":
				d := decodeStrict[appsv1.Deployment](t, where, doc)
				m.deployments = append(m.deployments, d)
				m.podTemplates[d.Name] = d.Spec.Template
			case "batch/v1 Job":
				j := decodeStrict[batchv1.Job](t, where, doc)
				m.jobs = append(m.jobs, j)
				m.podTemplates[j.Name] = j.Spec.Template
			case "policy/v1 PodDisruptionBudget":
				m.budgets = append(m.budgets, decodeStrict[policyv1.PodDisruptionBudget](t, where, doc))
			case "networking.k8s.io/v1 NetworkPolicy":
				m.policies = append(m.policies, decodeStrict[networkingv1.NetworkPolicy](t, where, doc))
			case "networking.k8s.io/v1 Ingress":
				m.ingresses = append(m.ingresses, decodeStrict[networkingv1.Ingress](t, where, doc))
			default:
				t.Fatalf("%s document %d: unexpected kind %q %q", file, n, meta.APIVersion, meta.Kind)
			}
		}
	}
	return m
}

// TestManifestsDecodeStrictly: every document is a known kind whose every field the API types
// know (a misspelt field fails here, not at kubectl apply).
func TestManifestsDecodeStrictly(t *testing.T) {
	m := load(t)
	if len(m.deployments) != 2 || len(m.jobs) != 1 {
		t.Fatalf("%d deployments and %d jobs, want the worker and the API, and the setup job", len(m.deployments), len(m.jobs))
	}
	var args []string
	for _, name := range []string{"caseflow-setup", "caseflow-worker", "caseflow-api"} {
		pod, ok := m.podTemplates[name]
		if !ok {
			t.Fatalf("no workload %s", name)
		}
		args = append(args, pod.Spec.Containers[0].Args[0])
	}
	if !slices.Equal(args, []string{"setup", "worker", "serve"}) {
		t.Errorf("the workloads run %v, want setup, worker and serve", args)
	}
}

var pinnedImage = regexp.MustCompile(`^[a-z0-9.-]+(/[a-z0-9._-]+)+(:[A-Za-z0-9._-]+|@sha256:[0-9a-f]{64})$`)

// TestPodsAreRestricted: every pod meets the restricted Pod Security Standard and more: not
// root, read-only root file system, no privilege escalation, all capabilities dropped, the
// runtime's seccomp profile, no service account token, requests and limits, a pinned image.
func TestPodsAreRestricted(t *testing.T) {
	m := load(t)
	for name, pod := range m.podTemplates {
		spec := pod.Spec
		if spec.AutomountServiceAccountToken == nil || *spec.AutomountServiceAccountToken {
			t.Errorf("%s: mounts a service account token", name)
		}
		psc := spec.SecurityContext
		if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.RunAsUser == nil || *psc.RunAsUser == 0 {
			t.Errorf("%s: pod may run as root", name)
		}
		if psc == nil || psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
			t.Errorf("%s: no RuntimeDefault seccomp profile", name)
		}
		if spec.HostNetwork || spec.HostPID || spec.HostIPC {
			t.Errorf("%s: shares the host's namespaces", name)
		}
		for _, c := range append(spec.InitContainers, spec.Containers...) {
			where := name + "/" + c.Name
			sc := c.SecurityContext
			switch {
			case sc == nil:
				t.Errorf("%s: no security context", where)
				continue
			case sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation:
				t.Errorf("%s: privilege escalation allowed", where)
			case sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem:
				t.Errorf("%s: root file system writable", where)
			case sc.Privileged != nil && *sc.Privileged:
				t.Errorf("%s: privileged", where)
			case sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(sc.Capabilities.Add) > 0:
				t.Errorf("%s: capabilities not all dropped", where)
			}
			for _, res := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
				if _, ok := c.Resources.Requests[res]; !ok {
					t.Errorf("%s: no %s request", where, res)
				}
				if _, ok := c.Resources.Limits[res]; !ok {
					t.Errorf("%s: no %s limit", where, res)
				}
			}
			if !pinnedImage.MatchString(c.Image) || strings.HasSuffix(c.Image, ":latest") {
				t.Errorf("%s: image %q is not pinned to a version or digest", where, c.Image)
			}
		}
	}
}

// TestDeploymentsHaveProbesAndBudgets: the worker and the API are probed for readiness and
// liveness, run two replicas, and a disruption budget keeps one of each running in a drain.
func TestDeploymentsHaveProbesAndBudgets(t *testing.T) {
	m := load(t)
	for _, d := range m.deployments {
		if d.Spec.Replicas == nil || *d.Spec.Replicas < 2 {
			t.Errorf("%s: fewer than two replicas", d.Name)
		}
		c := d.Spec.Template.Spec.Containers[0]
		if c.ReadinessProbe == nil || c.ReadinessProbe.HTTPGet == nil || c.ReadinessProbe.HTTPGet.Path != "/readyz" {
			t.Errorf("%s: no readiness probe on /readyz", d.Name)
		}
		if c.LivenessProbe == nil || c.LivenessProbe.HTTPGet == nil || c.LivenessProbe.HTTPGet.Path != "/healthz" {
			t.Errorf("%s: no liveness probe on /healthz", d.Name)
		}
		for _, p := range []*corev1.Probe{c.ReadinessProbe, c.LivenessProbe} {
			if p != nil && p.HTTPGet != nil && !hasPort(c, p.HTTPGet.Port.String()) {
				t.Errorf("%s: probe on port %s, which the container does not declare", d.Name, p.HTTPGet.Port.String())
			}
		}
		covered := false
		for _, b := range m.budgets {
			sel, err := metav1.LabelSelectorAsSelector(b.Spec.Selector)
			if err != nil {
				t.Fatalf("budget %s: %v", b.Name, err)
			}
			if sel.Matches(labels.Set(d.Spec.Template.Labels)) && b.Spec.MinAvailable != nil && b.Spec.MinAvailable.IntValue() >= 1 {
				covered = true
			}
		}
		if !covered {
			t.Errorf("%s: no PodDisruptionBudget keeps one replica available", d.Name)
		}
	}
}

func hasPort(c corev1.Container, port string) bool {
	for _, p := range c.Ports {
		if p.Name == port || p.ContainerPort == int32(atoi(port)) {
			return true
		}
	}
	return false
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return -1
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// TestTemporalMutualTLSAndRedisSecret: every caseflow pod talks to Temporal with a client
// certificate from a mounted secret, and takes the Redis URL (rediss://, with its password) from
// a secret, never from the ConfigMap.
func TestTemporalMutualTLSAndRedisSecret(t *testing.T) {
	m := load(t)
	config := map[string]string{}
	for _, cm := range m.configMaps {
		for k, v := range cm.Data {
			config[k] = v
			if strings.Contains(k, "PASSWORD") || k == "REDIS_URL" || strings.Contains(v, "://:") {
				t.Errorf("ConfigMap %s holds a secret in %s", cm.Name, k)
			}
		}
	}
	for _, k := range []string{"TEMPORAL_TLS_CERT", "TEMPORAL_TLS_KEY", "TEMPORAL_TLS_CA", "TEMPORAL_TLS_SERVER_NAME"} {
		if config[k] == "" {
			t.Errorf("ConfigMap lacks %s: no mutual TLS to Temporal", k)
		}
	}
	for name, pod := range m.podTemplates {
		c := pod.Spec.Containers[0]
		mounted := false
		for _, vm := range c.VolumeMounts {
			for _, v := range pod.Spec.Volumes {
				if v.Name == vm.Name && v.Secret != nil && strings.HasPrefix(config["TEMPORAL_TLS_CERT"], vm.MountPath+"/") {
					mounted = vm.ReadOnly
				}
			}
		}
		if !mounted {
			t.Errorf("%s: the Temporal client certificate is not mounted read-only from a secret", name)
		}
		fromSecret := false
		for _, e := range c.Env {
			if e.Name == "REDIS_URL" && e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
				fromSecret = true
			}
		}
		if !fromSecret || len(c.EnvFrom) != 1 || c.EnvFrom[0].ConfigMapRef == nil {
			t.Errorf("%s: REDIS_URL not from a secret, or settings not from the ConfigMap", name)
		}
	}
	header, _ := os.ReadFile("kubernetes/caseflow.yaml")
	if !strings.Contains(string(header), "rediss://") {
		t.Error("the manifests do not tell the operator to use rediss://")
	}
}

// keyCommands finds, in an operator's instructions, the file `caseflow keys new` makes and the
// verify-only copy `caseflow keys verify-only` makes from it.
func keyCommands(t *testing.T, where, doc string) (full, verifyOnly string) {
	t.Helper()
	made := regexp.MustCompile(`caseflow keys new --out (\S+)`).FindStringSubmatch(doc)
	copied := regexp.MustCompile(`caseflow keys verify-only --file (\S+) --out (\S+)`).FindStringSubmatch(doc)
	if made == nil || copied == nil || copied[1] != made[1] {
		t.Fatalf("%s does not make the key file and its verify-only copy from it", where)
	}
	return made[1], copied[2]
}

// keyFiles reads an operator's instructions for caseflow's keys (deploy/security.md, or a
// manifest's header): which key file, the full one of `caseflow keys new` or the verify-only one,
// each key of the caseflow-keys secret holds.
func keyFiles(t *testing.T, where, doc string) map[string]string {
	t.Helper()
	full, verifyOnly := keyCommands(t, where, doc)
	i := strings.Index(doc, "create secret generic caseflow-keys")
	if i < 0 {
		t.Fatalf("%s does not create the caseflow-keys secret", where)
	}
	var command strings.Builder
	for _, line := range strings.Split(doc[i:], "\n") {
		command.WriteString(line)
		if !strings.HasSuffix(line, "\\") {
			break
		}
	}
	kinds := map[string]string{}
	for _, m := range regexp.MustCompile(`--from-file=([\w.-]+)=(\S+)`).FindAllStringSubmatch(command.String(), -1) {
		switch m[2] {
		case full:
			kinds[m[1]] = "full"
		case verifyOnly:
			kinds[m[1]] = "verify-only"
		}
	}
	return kinds
}

// TestKeysFromSecret: the API takes the full key file and the worker the verify-only one (no
// identity signing key), each from the caseflow-keys secret under the name the operator's
// instructions give it; the setup job needs no keys and gets none; no key is in a ConfigMap.
func TestKeysFromSecret(t *testing.T) {
	m := load(t)
	guide, err := os.ReadFile("security.md")
	if err != nil {
		t.Fatal(err)
	}
	header, err := os.ReadFile("kubernetes/caseflow.yaml")
	if err != nil {
		t.Fatal(err)
	}
	kinds := keyFiles(t, "deploy/security.md", string(guide))
	if inManifest := keyFiles(t, "kubernetes/caseflow.yaml", string(header)); !maps.Equal(inManifest, kinds) {
		t.Errorf("the manifest's header makes the secret as %v, deploy/security.md as %v", inManifest, kinds)
	}
	want := map[string]string{"caseflow-api": "full", "caseflow-worker": "verify-only", "caseflow-setup": ""}
	for name, pod := range m.podTemplates {
		got := ""
		for _, c := range pod.Spec.Containers {
			for _, e := range c.Env {
				if !strings.HasPrefix(e.Name, "CASEFLOW_KEYS") {
					continue
				}
				if e.Name != "CASEFLOW_KEYS" || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil || e.ValueFrom.SecretKeyRef.Name != "caseflow-keys" {
					t.Errorf("%s: %s does not come from the caseflow-keys secret", name, e.Name)
					continue
				}
				if got = kinds[e.ValueFrom.SecretKeyRef.Key]; got == "" {
					t.Errorf("%s: reads key %q of caseflow-keys, which the instructions do not create", name, e.ValueFrom.SecretKeyRef.Key)
				}
			}
		}
		if got != want[name] {
			t.Errorf("%s: gets the key file %q, want %q", name, got, want[name])
		}
	}
	for _, cm := range m.configMaps {
		for k := range cm.Data {
			if strings.HasPrefix(k, "CASEFLOW_KEYS") {
				t.Errorf("ConfigMap %s holds %s: keys belong in the secret", cm.Name, k)
			}
		}
	}
}

// TestNetworkPolicies: everything of caseflow is denied by default; only the API takes requests
// (the worker only metrics scrapes, the setup job nothing); only caseflow's pods reach Redis and
// the Temporal frontend.
func TestNetworkPolicies(t *testing.T) {
	m := load(t)
	selects := func(p networkingv1.NetworkPolicy, podLabels map[string]string) bool {
		sel, err := metav1.LabelSelectorAsSelector(&p.Spec.PodSelector)
		if err != nil {
			t.Fatalf("policy %s: %v", p.Name, err)
		}
		return sel.Matches(labels.Set(podLabels))
	}
	ingressPorts := func(podLabels map[string]string) (ports []int, denied bool) {
		for _, p := range m.policies {
			if p.Namespace != "caseflow" || !selects(p, podLabels) {
				continue
			}
			if slices.Contains(p.Spec.PolicyTypes, networkingv1.PolicyTypeIngress) && len(p.Spec.Ingress) == 0 {
				denied = true
			}
			for _, rule := range p.Spec.Ingress {
				if len(rule.From) == 0 || len(rule.Ports) == 0 {
					t.Errorf("policy %s admits any source or any port", p.Name)
				}
				for _, port := range rule.Ports {
					ports = append(ports, port.Port.IntValue())
				}
			}
		}
		return ports, denied
	}
	for name, pod := range m.podTemplates {
		ports, denied := ingressPorts(pod.Labels)
		if !denied {
			t.Errorf("%s: ingress not denied by default", name)
		}
		// The API port for the ingress; the ops port, where /metrics is, for Prometheus alone.
		want := map[string][]int{"caseflow-api": {8080, 9090}, "caseflow-worker": {9090}, "caseflow-setup": nil}[name]
		if !slices.Equal(ports, want) {
			t.Errorf("%s: ingress allowed on %v, want %v", name, ports, want)
		}
		if scraped := pod.Annotations["prometheus.io/port"]; scraped != "" && scraped != "9090" {
			t.Errorf("%s: Prometheus scrapes port %s, want the ops port 9090: the API's port serves no /metrics", name, scraped)
		}
	}

	caseflowPod := map[string]string{"app.kubernetes.io/part-of": "caseflow"}
	for _, target := range []struct {
		namespace string
		labels    map[string]string
	}{
		{"caseflow", map[string]string{"app.kubernetes.io/name": "redis"}},
		{"temporal", map[string]string{"app.kubernetes.io/name": "temporal", "app.kubernetes.io/component": "frontend"}},
	} {
		guarded := false
		for _, p := range m.policies {
			if p.Namespace != target.namespace || !selects(p, target.labels) {
				continue
			}
			guarded = true
			for _, rule := range p.Spec.Ingress {
				for _, from := range rule.From {
					sel, err := metav1.LabelSelectorAsSelector(from.PodSelector)
					if err != nil || from.PodSelector == nil || from.IPBlock != nil {
						t.Errorf("policy %s admits sources other than pods", p.Name)
						continue
					}
					ownNamespace := from.NamespaceSelector == nil
					if !sel.Matches(labels.Set(caseflowPod)) && !(target.namespace == "temporal" && ownNamespace) {
						t.Errorf("policy %s admits pods %v that are not caseflow's", p.Name, from.PodSelector.MatchLabels)
					}
				}
			}
		}
		if !guarded {
			t.Errorf("no policy keeps %v in %s to caseflow's pods", target.labels, target.namespace)
		}
	}
}

// composeService is what the tests read of a service of compose.yaml.
type composeService struct {
	Image       string            `yaml:"image"`
	Command     any               `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	Volumes     []string          `yaml:"volumes"`
	DependsOn   map[string]struct {
		Condition string `yaml:"condition"`
	} `yaml:"depends_on"`
}

// loadCompose reads compose.yaml: its text, and its services by name.
func loadCompose(t *testing.T) (string, map[string]composeService) {
	t.Helper()
	raw, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]composeService `yaml:"services"`
	}
	if err := yaml.Unmarshal(raw, &compose); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	return string(raw), compose.Services
}

// TestComposeIsProductionShaped: compose runs the Temporal server image with a schema job (not
// the development auto-setup image) and caseflow setup before the worker and the API; every
// secret comes from the uncommitted env file, and the key files from the shell, the API's full
// and the worker's verify-only; Redis has a password and an append-only file.
func TestComposeIsProductionShaped(t *testing.T) {
	raw, svc := loadCompose(t)
	if strings.Contains(raw, "auto-setup") {
		t.Error("compose uses the development auto-setup image")
	}
	if !strings.HasPrefix(svc["temporal"].Image, "temporalio/server:1.32.0") {
		t.Errorf("temporal runs %q, want the official server image at the pinned version", svc["temporal"].Image)
	}
	if svc["temporal"].DependsOn["temporal-schema"].Condition != "service_completed_successfully" {
		t.Error("the Temporal server does not wait for the schema job")
	}
	for _, name := range []string{"caseflow-worker", "caseflow-api"} {
		if svc[name].DependsOn["caseflow-setup"].Condition != "service_completed_successfully" {
			t.Errorf("%s does not wait for caseflow setup", name)
		}
	}
	if cmd, _ := yaml.Marshal(svc["caseflow-setup"].Command); !strings.Contains(string(cmd), "setup") {
		t.Error("caseflow-setup does not run caseflow setup")
	}
	redisCmd, _ := yaml.Marshal(svc["redis"].Command)
	if !strings.Contains(string(redisCmd), "--requirepass") || !strings.Contains(string(redisCmd), "--appendonly yes") {
		t.Errorf("redis runs without a password or without AOF: %s", redisCmd)
	}
	for name, s := range svc {
		if s.Image == "" || strings.HasSuffix(s.Image, ":latest") || !strings.Contains(s.Image, ":") {
			t.Errorf("%s: image %q is not pinned", name, s.Image)
		}
		for k, v := range s.Environment {
			secret := strings.Contains(k, "PASSWORD") || strings.Contains(k, "AUTH") || strings.Contains(k, "KEYS") || k == "REDIS_URL"
			if secret && !strings.HasPrefix(v, "${") {
				t.Errorf("%s: %s is written in compose.yaml, not taken from the env file or the shell", name, k)
			}
		}
	}

	// The key files come from the shell, as the header's command passes them: the full one to
	// the API, the verify-only one to the worker, none to the setup job.
	header := raw
	full, verifyOnly := keyCommands(t, "compose.yaml", header)
	fromShell := map[string]string{} // variable -> the key file it holds
	for _, m := range regexp.MustCompile(`([A-Z_]+)="\$\(cat (\S+)\)"`).FindAllStringSubmatch(header, -1) {
		fromShell[m[1]] = m[2]
	}
	for name, file := range map[string]string{"caseflow-api": full, "caseflow-worker": verifyOnly, "caseflow-setup": ""} {
		keys := svc[name].Environment["CASEFLOW_KEYS"]
		variable := ""
		if m := regexp.MustCompile(`^\$\{([A-Z_]+)[:}]`).FindStringSubmatch(keys); m != nil {
			variable = m[1]
		}
		if keys != "" && fromShell[variable] == "" {
			t.Errorf("%s: CASEFLOW_KEYS is %q, which the header's command does not pass", name, keys)
		}
		if fromShell[variable] != file {
			t.Errorf("%s: gets the key file %q, want %q", name, fromShell[variable], file)
		}
	}

	// Every other variable compose needs is in the committed example, and the real file is
	// ignored; the example names those the shell passes.
	example, err := os.ReadFile("caseflow.env.example")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range regexp.MustCompile(`\$\{([A-Z_]+)[:}]`).FindAllStringSubmatch(raw, -1) {
		if _, ok := fromShell[v[1]]; ok {
			if !strings.Contains(string(example), v[1]) {
				t.Errorf("caseflow.env.example does not say that %s comes from the shell", v[1])
			}
			continue
		}
		if !regexp.MustCompile(`(?m)^` + v[1] + `=`).Match(example) {
			t.Errorf("compose reads %s, which caseflow.env.example does not show", v[1])
		}
	}
	ignore, err := os.ReadFile("../.gitignore")
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"/deploy/caseflow.env\n", "/deploy/*keys.json\n", "/deploy/tls/\n"} {
		if !strings.Contains(string(ignore), secret) {
			t.Errorf(".gitignore does not keep %s out of the repository", strings.TrimSpace(secret))
		}
	}
}

// TestComposeTemporalRequiresClientCertificates: compose's Temporal server, its configuration
// (temporal/server.yaml) rendered with compose's environment by the server's own loader, requires
// a client certificate of the client CA on its frontend and of the server's CA between its
// services, from files mounted read-only; without those settings it does not start. caseflow's
// services connect with a client certificate mounted read-only, by the variables the Kubernetes
// manifests use, checking the server by the name its services check it by.
func TestComposeTemporalRequiresClientCertificates(t *testing.T) {
	_, svc := loadCompose(t)
	temporal := svc["temporal"]
	for k, v := range temporal.Environment {
		t.Setenv(k, composeValue(v))
	}
	cfg, err := temporalconfig.Load(temporalconfig.WithConfigFile("temporal/server.yaml"))
	if err != nil {
		t.Fatalf("temporal/server.yaml with compose's environment: %v", err)
	}
	tls := cfg.Global.TLS
	clientCA, serverCA := temporal.Environment["TEMPORAL_TLS_CLIENT_CA_CERT"], temporal.Environment["TEMPORAL_TLS_SERVER_CA_CERT"]
	frontend, internode := tls.Frontend.Server, tls.Internode.Server
	if !frontend.RequireClientAuth || !slices.Contains(frontend.ClientCAFiles, clientCA) || clientCA == "" {
		t.Errorf("the frontend takes clients without a certificate of the client CA %q: %+v", clientCA, frontend)
	}
	if !internode.RequireClientAuth || !slices.Equal(internode.ClientCAFiles, []string{serverCA}) || serverCA == "" {
		t.Errorf("the server's services take others than the holders of the server CA %q's certificates: %+v", serverCA, internode)
	}
	files := []string{frontend.CertFile, frontend.KeyFile, internode.CertFile, internode.KeyFile, tls.SystemWorker.CertFile, tls.SystemWorker.KeyFile}
	files = append(append(append(files, frontend.ClientCAFiles...), internode.ClientCAFiles...), tls.Internode.Client.RootCAFiles...)
	for _, f := range append(files, tls.SystemWorker.Client.RootCAFiles...) {
		if !mountedReadOnly(temporal, f) {
			t.Errorf("temporal: TLS file %q is not in a volume mounted read-only", f)
		}
	}
	serverName := tls.Internode.Client.ServerName
	if serverName == "" || tls.SystemWorker.Client.ServerName != serverName {
		t.Errorf("the server's services check its certificate by the names %q and %q", serverName, tls.SystemWorker.Client.ServerName)
	}

	t.Setenv("TEMPORAL_TLS_SERVER_CERT", "")
	if _, err := temporalconfig.Load(temporalconfig.WithConfigFile("temporal/server.yaml")); err == nil || !strings.Contains(err.Error(), "TEMPORAL_TLS_SERVER_CERT") {
		t.Errorf("temporal/server.yaml without the server's certificate: %v, want a refusal naming it", err)
	}

	kubernetes := map[string]string{}
	for _, cm := range load(t).configMaps {
		for k, v := range cm.Data {
			if strings.HasPrefix(k, "TEMPORAL_TLS_") {
				kubernetes[k] = v
			}
		}
	}
	for _, name := range []string{"caseflow-setup", "caseflow-worker", "caseflow-api"} {
		env := svc[name].Environment
		for k := range kubernetes {
			if env[k] == "" {
				t.Errorf("%s: no %s, which the Kubernetes manifests set", name, k)
			}
		}
		for _, k := range []string{"TEMPORAL_TLS_CERT", "TEMPORAL_TLS_KEY", "TEMPORAL_TLS_CA"} {
			if !mountedReadOnly(svc[name], env[k]) {
				t.Errorf("%s: %s %q is not in a volume mounted read-only", name, k, env[k])
			}
		}
		if env["TEMPORAL_TLS_SERVER_NAME"] != serverName {
			t.Errorf("%s: checks Temporal's certificate by the name %q, the server's services by %q", name, env["TEMPORAL_TLS_SERVER_NAME"], serverName)
		}
	}
}

// composeValue is a value of compose's environment as compose passes it, with a variable from the
// env file or the shell (${NAME:?message}, ${NAME:-default}) standing for itself.
func composeValue(v string) string {
	return regexp.MustCompile(`\$\{([A-Z_]+)[^}]*\}`).ReplaceAllString(v, "from-$1")
}

// mountedReadOnly reports whether a service sees path through a volume it mounts read-only.
func mountedReadOnly(s composeService, path string) bool {
	for _, v := range s.Volumes {
		parts := strings.Split(v, ":")
		if len(parts) == 3 && parts[2] == "ro" && path != "" && strings.HasPrefix(path, strings.TrimSuffix(parts[1], "/")+"/") {
			return true
		}
	}
	return false
}

// TestAPIReplicasWithinTemporalsUpdateLimit: all API processes together never hold more updates
// of one case in flight than Temporal admits (deploy/temporal/dynamicconfig.yaml, else the
// server's default): beyond it, the server refuses one and aborts every update in flight.
func TestAPIReplicasWithinTemporalsUpdateLimit(t *testing.T) {
	raw, err := os.ReadFile("temporal/dynamicconfig.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var dynamic map[string][]struct {
		Value       any            `json:"value"`
		Constraints map[string]any `json:"constraints"`
	}
	if err := sigsyaml.UnmarshalStrict(raw, &dynamic); err != nil {
		t.Fatalf("temporal/dynamicconfig.yaml: %v", err)
	}
	limit := 10 // history.maxInFlightUpdates in server 1.32
	if values := dynamic["history.maxInFlightUpdates"]; len(values) > 0 {
		v, ok := values[0].Value.(float64)
		if !ok || len(values) > 1 || len(values[0].Constraints) > 0 {
			t.Fatalf("history.maxInFlightUpdates is %v: want one number for every namespace", values)
		}
		limit = int(v)
	}

	m := load(t)
	found := false
	for _, d := range m.deployments {
		if d.Name != "caseflow-api" {
			continue
		}
		found = true
		replicas := 1
		if d.Spec.Replicas != nil {
			replicas = int(*d.Spec.Replicas)
		}
		if in := replicas * caseclient.UpdatesPerCase; in > limit {
			t.Errorf("%d API replicas may hold %d updates of one case in flight; Temporal admits %d", replicas, in, limit)
		}
	}
	if !found {
		t.Fatal("no caseflow-api deployment")
	}
}

// configValue is a value of the caseflow ConfigMap.
func (m manifests) configValue(key string) string {
	for _, c := range m.configMaps {
		if c.Name == "caseflow" {
			return c.Data[key]
		}
	}
	return ""
}

// TestIngressRoutesOnlyWhatPeopleUse: one Ingress, with TLS, routes the roots of the pages,
// their assets and sign-in, the API and the codec to the API's service, and nothing else (the
// probes and /metrics stay inside the cluster); caseflow's links and sign-in callback are on its
// host, and the API believes the client address the ingress controller forwards.
func TestIngressRoutesOnlyWhatPeopleUse(t *testing.T) {
	m := load(t)
	if len(m.ingresses) != 1 {
		t.Fatalf("%d Ingresses, want 1", len(m.ingresses))
	}
	ing := m.ingresses[0]
	if len(ing.Spec.Rules) != 1 || ing.Spec.Rules[0].HTTP == nil {
		t.Fatalf("the Ingress has %d rules, want one host", len(ing.Spec.Rules))
	}
	host := ing.Spec.Rules[0].Host
	if len(ing.Spec.TLS) != 1 || !slices.Contains(ing.Spec.TLS[0].Hosts, host) || ing.Spec.TLS[0].SecretName == "" {
		t.Errorf("the Ingress does not terminate TLS for %s", host)
	}
	want := slices.Concat(web.Roots(), []string{"/codec", "/v1"})
	slices.Sort(want)
	var routed []string
	for _, p := range ing.Spec.Rules[0].HTTP.Paths {
		routed = append(routed, p.Path)
		exact := p.Path == "/"
		if p.PathType == nil || (*p.PathType == networkingv1.PathTypeExact) != exact {
			t.Errorf("path %s: want pathType %s", p.Path, map[bool]string{true: "Exact", false: "Prefix"}[exact])
		}
		if s := p.Backend.Service; s == nil || s.Name != "caseflow-api" || s.Port.Name != "http" {
			t.Errorf("path %s goes elsewhere than the API's service", p.Path)
		}
	}
	slices.Sort(routed)
	if !slices.Equal(routed, want) {
		t.Errorf("the Ingress routes %v, want %v", routed, want)
	}
	base := "https://" + host
	if got := m.configValue("CASEFLOW_BASE_URL"); got != base {
		t.Errorf("CASEFLOW_BASE_URL is %q, want %q", got, base)
	}
	if got := m.configValue("CASEFLOW_OIDC_REDIRECT_URL"); got != base+web.CallbackPath {
		t.Errorf("CASEFLOW_OIDC_REDIRECT_URL is %q, want %q", got, base+web.CallbackPath)
	}
	checkTrustedProxies(t, "caseflow.yaml", m.configValue("CASEFLOW_TRUSTED_PROXIES"))
}

// checkTrustedProxies: some proxies are named, each a network smaller than everything.
func checkTrustedProxies(t *testing.T, where, list string) {
	t.Helper()
	if strings.TrimSpace(list) == "" {
		t.Errorf("%s: no CASEFLOW_TRUSTED_PROXIES: the per-address limit would key on the proxy, and one client would lock out every user behind it", where)
	}
	for _, s := range strings.Split(list, ",") {
		p, err := netip.ParsePrefix(strings.TrimSpace(s))
		if err != nil || p.Bits() == 0 {
			t.Errorf("%s: trusted proxy %q is not a network short of everything", where, s)
		}
	}
}

// TestEgressNamesEveryDestination: caseflow's pods call only destinations a policy names, each
// on its ports; no rule opens a port to any host.
func TestEgressNamesEveryDestination(t *testing.T) {
	m := load(t)
	egress := 0
	for _, p := range m.policies {
		for _, rule := range p.Spec.Egress {
			egress++
			if len(rule.To) == 0 || len(rule.Ports) == 0 {
				t.Errorf("policy %s lets caseflow call any host or any port", p.Name)
			}
			for _, to := range rule.To {
				if to.IPBlock == nil {
					continue
				}
				if pfx, err := netip.ParsePrefix(to.IPBlock.CIDR); err != nil || pfx.Bits() == 0 {
					t.Errorf("policy %s lets caseflow call %s", p.Name, to.IPBlock.CIDR)
				}
			}
		}
	}
	if egress == 0 {
		t.Fatal("no policy limits what caseflow's pods call")
	}
}

// TestComposeBelievesOnlyItsProxy: the agency's reverse proxy reaches compose's API from the
// network's gateway, which is fixed, and the one proxy the API believes; its links and sign-in
// callback come from the env file.
func TestComposeBelievesOnlyItsProxy(t *testing.T) {
	raw, svc := loadCompose(t)
	var compose struct {
		Networks map[string]struct {
			IPAM struct {
				Config []struct{ Subnet, Gateway string } `yaml:"config"`
			} `yaml:"ipam"`
		} `yaml:"networks"`
	}
	if err := yaml.Unmarshal([]byte(raw), &compose); err != nil {
		t.Fatal(err)
	}
	ipam := compose.Networks["default"].IPAM.Config
	if len(ipam) != 1 || ipam[0].Gateway == "" {
		t.Fatalf("compose's default network has no fixed gateway: %+v", ipam)
	}
	api := svc["caseflow-api"].Environment
	checkTrustedProxies(t, "compose.yaml", api["CASEFLOW_TRUSTED_PROXIES"])
	if got, want := api["CASEFLOW_TRUSTED_PROXIES"], ipam[0].Gateway+"/32"; got != want {
		t.Errorf("the API believes %q, want the network's gateway %s", got, want)
	}
	for _, v := range []string{"CASEFLOW_BASE_URL", "CASEFLOW_OIDC_REDIRECT_URL"} {
		if !strings.HasPrefix(api[v], "${"+v+":?") {
			t.Errorf("the API's %s is %q, not required from the env file", v, api[v])
		}
	}
}
