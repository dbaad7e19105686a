package smtptest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// TLS modes, as in package mail.
const (
	StartTLS    = "starttls"
	ImplicitTLS = "tls"
	NoTLS       = "none"
)

// Options configure the server.
type Options struct {
	// TLS is StartTLS, ImplicitTLS or NoTLS (the default).
	TLS string
	// Username and Password, when set, are required before MAIL.
	Username, Password string
	// Refuse, when set, may refuse a recipient with an SMTP error (a *smtp.SMTPError).
	Refuse func(rcpt string) error
}

// Message is an accepted message.
type Message struct {
	From   string
	To     []string
	Header mail.Header
	// Subject and Body are decoded (MIME words, quoted-printable or base64); Raw is as sent.
	Subject string
	Body    string
	Raw     string
	Authed  bool
	Secured bool
}

// Server is a running test SMTP server.
type Server struct {
	// ClientTLS trusts the server's certificate.
	ClientTLS *tls.Config
	// certificate is the server's certificate, DER-encoded.
	certificate []byte

	opts     Options
	srv      *smtp.Server
	addr     string
	mu       sync.Mutex
	accepted []Message
	holds    map[string]chan struct{}
	held     chan string
}

// Start starts a server that stops when the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	s := &Server{opts: opts, holds: map[string]chan struct{}{}, held: make(chan string, 16)}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		_, secured := c.TLSConnectionState()
		return &session{server: s, secured: secured, conn: c}, nil
	}))
	srv.Domain = "mail.test"
	srv.ReadTimeout, srv.WriteTimeout = 30*time.Second, 30*time.Second
	srv.AllowInsecureAuth = opts.TLS == NoTLS || opts.TLS == ""
	if opts.TLS == StartTLS || opts.TLS == ImplicitTLS {
		serverTLS, clientTLS := certificate(t)
		srv.TLSConfig, s.ClientTLS = serverTLS, clientTLS
		s.certificate = serverTLS.Certificates[0].Certificate[0]
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if opts.TLS == ImplicitTLS {
		l = tls.NewListener(l, srv.TLSConfig)
	}
	s.srv, s.addr = srv, l.Addr().String()
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

// CertificatePEM is the server's certificate, for a client in another process to trust.
func (s *Server) CertificatePEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.certificate})
}

// TrustFile is a client TLS configuration trusting the certificate in a PEM file written from
// CertificatePEM.
func TrustFile(path string) (*tls.Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("%s holds no certificate", path)
	}
	return &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}, nil
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return s.addr }

// Messages returns the accepted messages, in the order accepted.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.accepted...)
}

// Hold makes the next RCPT for rcpt wait until the returned release is called; Held receives
// rcpt when a transaction is waiting there.
func (s *Server) Hold(rcpt string) (release func()) {
	ch := make(chan struct{})
	s.mu.Lock()
	s.holds[strings.ToLower(rcpt)] = ch
	s.mu.Unlock()
	var once sync.Once
	return func() { once.Do(func() { close(ch) }) }
}

// Held receives each recipient a transaction is held at.
func (s *Server) Held() <-chan string { return s.held }

type session struct {
	server  *Server
	conn    *smtp.Conn
	secured bool
	authed  bool
	from    string
	to      []string
}

func (s *session) AuthMechanisms() []string {
	if s.server.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != s.server.opts.Username || password != s.server.opts.Password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "authentication failed"}
		}
		s.authed = true
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.server.opts.Username != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.server.mu.Lock()
	hold, ok := s.server.holds[strings.ToLower(to)]
	delete(s.server.holds, strings.ToLower(to))
	s.server.mu.Unlock()
	if ok {
		s.server.held <- to
		<-hold
	}
	if f := s.server.opts.Refuse; f != nil {
		if err := f(to); err != nil {
			return err
		}
	}
	s.to = append(s.to, to)
	return nil
}

// Data keeps the message only when it arrived whole: a sender that died mid-transaction
// delivered nothing.
func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return &smtp.SMTPError{Code: 554, Message: "unreadable message"}
	}
	decoded := m.Body
	switch strings.ToLower(m.Header.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		decoded = quotedprintable.NewReader(m.Body)
	case "base64":
		decoded = base64.NewDecoder(base64.StdEncoding, m.Body)
	}
	body, err := io.ReadAll(decoded)
	if err != nil {
		return &smtp.SMTPError{Code: 554, Message: "undecodable body"}
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		return &smtp.SMTPError{Code: 554, Message: "undecodable subject"}
	}
	_, secured := s.conn.TLSConnectionState()
	s.server.mu.Lock()
	s.server.accepted = append(s.server.accepted, Message{
		From: s.from, To: append([]string(nil), s.to...), Header: m.Header, Subject: subject, Body: string(body), Raw: string(raw),
		Authed: s.authed, Secured: secured,
	})
	s.server.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }

// certificate makes a self-signed certificate for 127.0.0.1 and a client config that trusts it.
func certificate(t testing.TB) (*tls.Config, *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mail.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}
	client := &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	return server, client
}

// ErrMailboxUnknown is a permanent refusal of a recipient, for Options.Refuse.
var ErrMailboxUnknown error = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}

// ErrTryLater is a temporary refusal, for Options.Refuse.
var ErrTryLater error = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
