package devstack

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	"github.com/temporalio/ui-server/v2/server/server_options"
)

// WebUIOptions configures the Temporal Web UI of dev.
type WebUIOptions struct {
	// Address is host:port, on loopback.
	Address string
	// TemporalAddress is the frontend the UI reads from.
	TemporalAddress string
	Namespace       string
	// CodecEndpoint is caseflow's codec endpoint: the UI sends it the payloads it shows, with
	// the browser's cookies, and shows them decrypted when caseflow allows it.
	CodecEndpoint string
}

// WebUI is the official Temporal Web UI (github.com/temporalio/ui-server) serving in-process.
type WebUI struct {
	server  *uiserver.Server
	address string
}

// StartWebUI starts the UI and returns once it answers.
func StartWebUI(opts WebUIOptions) (*WebUI, error) {
	host, portText, err := net.SplitHostPort(opts.Address)
	if err != nil {
		return nil, fmt.Errorf("web UI address %q: %w", opts.Address, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return nil, fmt.Errorf("web UI address %q: %w", opts.Address, err)
	}
	// The UI server exits the process when it cannot listen; find out first.
	probe, err := net.Listen("tcp", opts.Address)
	if err != nil {
		return nil, fmt.Errorf("web UI cannot listen on %s: %w", opts.Address, err)
	}
	_ = probe.Close()
	cfg := &uiconfig.Config{
		Host: host, Port: port, TemporalGRPCAddress: opts.TemporalAddress, DefaultNamespace: opts.Namespace,
		EnableUI: true, HideLogs: true,
		Codec: uiconfig.Codec{Endpoint: opts.CodecEndpoint, IncludeCredentials: true},
		// Plain http on loopback: the UI's CSRF cookie must not require https.
		CORS: uiconfig.CORS{CookieInsecure: true},
	}
	s := uiserver.NewServer(server_options.WithConfigProvider(cfg))
	go func() { _ = s.Start() }()
	w := &WebUI{server: s, address: opts.Address}
	if err := w.waitListening(10 * time.Second); err != nil {
		s.Stop()
		return nil, err
	}
	return w, nil
}

func (w *WebUI) waitListening(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		conn, err := net.DialTimeout("tcp", w.address, time.Second)
		if err == nil {
			return conn.Close()
		}
		if time.Now().After(deadline) {
			return errors.New("web UI did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// URL is the UI's address for a browser.
func (w *WebUI) URL() string { return "http://" + w.address }

// Stop closes the UI.
func (w *WebUI) Stop() { w.server.Stop() }
