//go:build production

package production_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
)

// temporalServerName is the DNS name in the Temporal server's certificate, by which its own
// services and caseflow check it: the name of the server in deploy/compose.yaml.
const temporalServerName = "temporal"

// pki is the certificates of mutual TLS to Temporal, as an operator would provide them
// (deploy/security.md): a CA for the cluster, which issues the server's certificate, and a CA for
// its clients, which issues caseflow's. A third CA, which the server does not trust, issues a
// stranger's client certificate. All are made at test time, valid for two hours, and never
// leave the test's directory.
type pki struct {
	clusterCA, clientCA       string // PEM files of the CAs' certificates
	serverCert, serverKey     string
	clientCert, clientKey     string
	strangerCert, strangerKey string
}

// certificateLife is how long the test's certificates are valid: the stage, and some.
const certificateLife = 2 * time.Hour

// issuer is a CA: its certificate and key.
type issuer struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

// makePKI writes the test's CAs and certificates under dir.
func makePKI(t *testing.T, dir string) pki {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	p := pki{}
	cluster := newCA(t, "caseflow test Temporal cluster CA")
	clients := newCA(t, "caseflow test Temporal client CA")
	stranger := newCA(t, "a CA the Temporal server does not trust")
	p.clusterCA = writeCert(t, dir, "cluster-ca.crt", cluster.cert.Raw)
	p.clientCA = writeCert(t, dir, "client-ca.crt", clients.cert.Raw)

	server := &x509.Certificate{
		Subject:     pkix.Name{CommonName: temporalServerName},
		DNSNames:    []string{temporalServerName},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		// Its services present it to each other, as servers and as clients.
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	p.serverCert, p.serverKey = cluster.issue(t, dir, "server", server)
	client := &x509.Certificate{Subject: pkix.Name{CommonName: "caseflow"}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	p.clientCert, p.clientKey = clients.issue(t, dir, "caseflow", client)
	strange := &x509.Certificate{Subject: pkix.Name{CommonName: "caseflow"}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	p.strangerCert, p.strangerKey = stranger.issue(t, dir, "stranger", strange)
	return p
}

// serverEnv is the Temporal server's TLS settings for deploy/temporal/server.yaml.
func (p pki) serverEnv() []string {
	return []string{
		"TEMPORAL_TLS_SERVER_CERT=" + p.serverCert, "TEMPORAL_TLS_SERVER_KEY=" + p.serverKey,
		"TEMPORAL_TLS_SERVER_CA_CERT=" + p.clusterCA, "TEMPORAL_TLS_CLIENT_CA_CERT=" + p.clientCA,
		"TEMPORAL_TLS_SERVER_NAME=" + temporalServerName,
	}
}

// caseflowEnv is caseflow's TLS settings, as deploy/kubernetes/caseflow.yaml gives them.
func (p pki) caseflowEnv() []string {
	return []string{
		"TEMPORAL_TLS_CERT=" + p.clientCert, "TEMPORAL_TLS_KEY=" + p.clientKey,
		"TEMPORAL_TLS_CA=" + p.clusterCA, "TEMPORAL_TLS_SERVER_NAME=" + temporalServerName,
	}
}

// tlsConfig is a Temporal client's TLS settings: trusting the cluster's CA for the server's name,
// and presenting certFile's certificate if one is named.
func (p pki) tlsConfig(t *testing.T, certFile, keyFile string) *tls.Config {
	t.Helper()
	ca, err := os.ReadFile(p.clusterCA)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(ca) {
		t.Fatalf("%s holds no certificate", p.clusterCA)
	}
	conf := &tls.Config{RootCAs: roots, ServerName: temporalServerName, MinVersion: tls.VersionTLS12}
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			t.Fatal(err)
		}
		conf.Certificates = []tls.Certificate{cert}
	}
	return conf
}

// checkTemporalRefusesStrangers: the Temporal frontend takes no client without a certificate of
// the client CA: not one without TLS, not one with TLS but no certificate, not one with a
// certificate of another CA. (The test's own client, with caseflow's certificate, is served.)
func (s *stack) checkTemporalRefusesStrangers() {
	attempts := map[string]*tls.Config{
		"without TLS":                                          nil,
		"with TLS but no client certificate":                   s.pki.tlsConfig(s.t, "", ""),
		"with a certificate of a CA the server does not trust": s.pki.tlsConfig(s.t, s.pki.strangerCert, s.pki.strangerKey),
	}
	var wg sync.WaitGroup
	for what, conf := range attempts {
		wg.Go(func() {
			// The SDK retries a refused connection until its deadline.
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			c, err := client.DialContext(ctx, client.Options{
				HostPort: s.temporalAddr, Namespace: namespace, Logger: quiet{},
				ConnectionOptions: client.ConnectionOptions{TLS: conf},
			})
			if err == nil {
				c.Close()
				s.t.Errorf("a client %s was served by Temporal", what)
				return
			}
			s.t.Logf("a client %s is refused: %v", what, err)
		})
	}
	wg.Wait()
}

func newCA(t *testing.T, name string) issuer {
	t.Helper()
	key := newKey(t)
	template := &x509.Certificate{
		SerialNumber:          serial(t),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Minute),
		NotAfter:              time.Now().Add(certificateLife),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("make CA %s: %v", name, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return issuer{cert: cert, key: key}
}

// issue signs a leaf certificate of template's names and usages, and writes it and its key as
// dir/name.crt and dir/name.key (readable by the owner alone).
func (ca issuer) issue(t *testing.T, dir, name string, template *x509.Certificate) (certFile, keyFile string) {
	t.Helper()
	key := newKey(t)
	template.SerialNumber = serial(t)
	template.NotBefore, template.NotAfter = time.Now().Add(-time.Minute), time.Now().Add(certificateLife)
	template.KeyUsage = x509.KeyUsageDigitalSignature
	der, err := x509.CreateCertificate(rand.Reader, template, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatalf("issue %s: %v", name, err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	keyFile = filepath.Join(dir, name+".key")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}), 0o600); err != nil {
		t.Fatal(err)
	}
	return writeCert(t, dir, name+".crt", der), keyFile
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func serial(t *testing.T) *big.Int {
	t.Helper()
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func writeCert(t *testing.T, dir, name string, der []byte) string {
	t.Helper()
	file := filepath.Join(dir, name)
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatalf("write %s: %v", name, err)
	}
	return file
}
