package config

import (
	"flag"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/caseflow/caseflow/notify/directory"
	cfmail "github.com/caseflow/caseflow/notify/mail"
	"github.com/caseflow/caseflow/workflows/digest"
)

// Mail configures email: the directory of who is who, the agency's mail server, and the morning
// digest. Without a mail server, chases stay in caseflow's own notifications; `caseflow dev`
// keeps its mail in-process and shows it at /dev/mail.
type Mail struct {
	// DirectoryFile is the directory; dev without one uses the example directory.
	DirectoryFile string
	SMTP          cfmail.SMTPConfig
	// BaseURL starts the links in messages; dev defaults to the --http address.
	BaseURL string
	// DigestAt is the time of the morning digest, UK time, such as 08:30.
	DigestAt string

	// Directory is the loaded directory, set by Validate; nil when email is off.
	Directory *directory.Directory
	// SendLease is how long one attempt to send a message holds it (mail.Postman.Lease); 0 is the
	// default. Tests shorten it.
	SendLease time.Duration
	// FollowEvery is how often the worker reads the contacts learned at sign-in; 0 is every
	// minute. Tests shorten it.
	FollowEvery time.Duration
}

// Enabled reports whether email goes through a mail server.
func (m *Mail) Enabled() bool { return m.SMTP.Addr != "" }

func bindMail(fs *flag.FlagSet, m *Mail, env func(name, def string) string) {
	fs.StringVar(&m.DirectoryFile, "directory", env("CASEFLOW_DIRECTORY", ""), "directory file: people, email addresses, team managers, Safeguarding Leads, out-of-hours cover (env CASEFLOW_DIRECTORY)")
	fs.StringVar(&m.SMTP.Addr, "smtp-addr", env("CASEFLOW_SMTP_ADDR", ""), "the agency's mail server, host:port; empty sends no email (dev: kept in-process, see /dev/mail) (env CASEFLOW_SMTP_ADDR)")
	fs.StringVar(&m.SMTP.TLS, "smtp-tls", env("CASEFLOW_SMTP_TLS", cfmail.StartTLS), "starttls (port 587), tls (implicit, port 465), or none (only to a server on this machine) (env CASEFLOW_SMTP_TLS)")
	fs.StringVar(&m.SMTP.Username, "smtp-user", env("CASEFLOW_SMTP_USER", ""), "mail server user name; its password is read from CASEFLOW_SMTP_PASSWORD only (env CASEFLOW_SMTP_USER)")
	m.SMTP.Password = env("CASEFLOW_SMTP_PASSWORD", "")
	fs.StringVar(&m.SMTP.From, "mail-from", env("CASEFLOW_MAIL_FROM", ""), "sender address of caseflow's email, such as caseflow@agency.example (env CASEFLOW_MAIL_FROM)")
	fs.StringVar(&m.BaseURL, "base-url", env("CASEFLOW_BASE_URL", ""), "where people open caseflow, for links in email, such as https://caseflow.agency.example (env CASEFLOW_BASE_URL)")
	fs.StringVar(&m.DigestAt, "digest-at", env("CASEFLOW_DIGEST_AT", digest.DefaultAt), "time of the morning digest on working days, UK time (env CASEFLOW_DIGEST_AT)")
}

// validate checks the mail settings for a mode and loads the directory.
func (m *Mail) validate(mode Mode, httpAddr string, bad complaint) {
	if m.DigestAt == "" {
		m.DigestAt = digest.DefaultAt
	}
	if _, _, err := digest.ParseAt(m.DigestAt); err != nil {
		bad("--digest-at (CASEFLOW_DIGEST_AT)", "%v", err)
	}
	if m.DirectoryFile != "" {
		d, err := directory.LoadFile(m.DirectoryFile)
		if err != nil {
			bad("--directory (CASEFLOW_DIRECTORY)", "%v", strings.ReplaceAll(err.Error(), "\n", "; "))
		}
		m.Directory = d
	} else if mode == ModeDev {
		m.Directory = directory.Example()
	}
	if mode == ModeDev && m.BaseURL == "" {
		m.BaseURL = "http://" + httpAddr
	}
	if !m.Enabled() {
		return
	}
	if m.DirectoryFile == "" && mode != ModeDev {
		bad("--directory (CASEFLOW_DIRECTORY)", "is required with --smtp-addr: caseflow must know who to email")
	}
	if a, err := mail.ParseAddress(m.SMTP.From); err != nil || a.Name != "" || a.Address != m.SMTP.From {
		bad("--mail-from (CASEFLOW_MAIL_FROM)", "must be an address such as caseflow@agency.example, not %q", m.SMTP.From)
	}
	if u, err := url.Parse(m.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		bad("--base-url (CASEFLOW_BASE_URL)", "must be where people open caseflow, such as https://caseflow.agency.example")
	}
	if _, err := cfmail.NewSMTP(m.SMTP); err != nil && m.SMTP.From != "" {
		bad("--smtp-addr/--smtp-tls (CASEFLOW_SMTP_ADDR/CASEFLOW_SMTP_TLS)", "%v", err)
	}
}

// MessageDomain ends the Message-IDs of caseflow's email: the domain of the sender's address.
func (m *Mail) MessageDomain() string {
	if _, domain, ok := strings.Cut(m.SMTP.From, "@"); ok {
		return domain
	}
	return "caseflow.localhost"
}

// String describes where email goes, for the start-up message; it never shows the password.
func (m *Mail) String() string {
	if !m.Enabled() {
		return "email off"
	}
	return fmt.Sprintf("email through %s (%s) from %s", m.SMTP.Addr, m.SMTP.TLS, m.SMTP.From)
}
