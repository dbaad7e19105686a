package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLS modes of the connection to the mail server.
const (
	// StartTLS connects in the clear and requires the server to upgrade with STARTTLS (port 587).
	StartTLS = "starttls"
	// ImplicitTLS speaks TLS from the first byte (port 465).
	ImplicitTLS = "tls"
	// NoTLS sends in the clear: only to a server on this machine (a local relay, a test server).
	NoTLS = "none"
)

// SMTPConfig says how to reach the agency's mail server.
type SMTPConfig struct {
	// Addr is the server's host:port.
	Addr string
	// TLS is StartTLS (the default), ImplicitTLS or NoTLS.
	TLS string
	// Username and Password authenticate, when Username is set; the mechanism is the strongest
	// the server offers. Authentication needs TLS.
	Username, Password string
	// From is the sender's address, such as caseflow@agency.example.
	From string
	// Timeout bounds each exchange with the server (DefaultTimeout when zero).
	Timeout time.Duration
	// TLSConfig replaces the default TLS settings (the system's roots, TLS 1.2 or later); the
	// tests use it to trust their own server's certificate.
	TLSConfig *tls.Config
}

// DefaultTimeout bounds each exchange with the mail server.
const DefaultTimeout = 30 * time.Second

// SMTP sends messages to a mail server, one connection per message: chases and digests are a
// few messages a minute, and a fresh connection never carries a failed one's state.
type SMTP struct {
	cfg  SMTPConfig
	host string
	port int
}

// NewSMTP checks cfg and returns a Sender through that server.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	host, portText, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("mail server %q is not host:port", cfg.Addr)
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < 1 || port > 65535 {
		return nil, fmt.Errorf("mail server %q has no valid port", cfg.Addr)
	}
	if cfg.TLS == "" {
		cfg.TLS = StartTLS
	}
	switch cfg.TLS {
	case StartTLS, ImplicitTLS:
	case NoTLS:
		if !isLoopback(host) {
			return nil, fmt.Errorf("mail without TLS is only sent to a server on this machine, not %s", host)
		}
		if cfg.Username != "" {
			return nil, errors.New("a mail server password is only sent over TLS")
		}
	default:
		return nil, fmt.Errorf("mail TLS must be %s, %s or %s, not %q", StartTLS, ImplicitTLS, NoTLS, cfg.TLS)
	}
	if cfg.From == "" {
		return nil, errors.New("mail needs a sender address (From)")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	return &SMTP{cfg: cfg, host: host, port: port}, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Send hands one message to the server. An error for which Permanent is true means the server
// refused the message for good; any other may pass on a retry.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg, err := s.compose(m)
	if err != nil {
		return err
	}
	opts := []gomail.Option{gomail.WithPort(s.port), gomail.WithTimeout(s.cfg.Timeout), gomail.WithoutNoop()}
	tlsConf := s.cfg.TLSConfig
	if tlsConf == nil {
		tlsConf = &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
	}
	switch s.cfg.TLS {
	case StartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory), gomail.WithTLSConfig(tlsConf))
	case ImplicitTLS:
		opts = append(opts, gomail.WithSSL(), gomail.WithTLSConfig(tlsConf))
	case NoTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	client, err := gomail.NewClient(s.host, opts...)
	if err != nil {
		return fmt.Errorf("mail client: %w", err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return failure(m.ID, err)
	}
	return nil
}

// compose builds the message: plain text, marked as sent by a machine so that out-of-office
// replies stay away, with the message's own stable Message-ID.
func (s *SMTP) compose(m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(s.cfg.From); err != nil {
		return nil, fmt.Errorf("mail sender address: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("recipient address of message %s: %w", m.ID, err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.ID)
	msg.SetDate()
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetGenHeader("X-Auto-Response-Suppress", "All")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	return msg, nil
}

// failure describes a failed send without the server's words, which may quote the address:
// the step that failed and the reply code, or, when the connection failed (no reply to quote),
// why.
func failure(id string, err error) *SendError {
	var se *gomail.SendError
	if errors.As(err, &se) {
		return &SendError{MessageID: id, Code: se.ErrorCode(), Step: se.Reason.String(),
			Refused: !se.IsTemp() && se.ErrorCode() >= 500}
	}
	return &SendError{MessageID: id, Step: err.Error()}
}
