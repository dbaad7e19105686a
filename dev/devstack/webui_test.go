package devstack

import (
	"encoding/json"
	"net"
	"net/http"
	"testing"
)

// TestWebUIWiredToTheCodec starts the Temporal Web UI as dev does and reads the settings its
// pages load: the codec endpoint is caseflow's, called with the browser's credentials.
func TestWebUIWiredToTheCodec(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	address := l.Addr().String()
	_ = l.Close()
	ui, err := StartWebUI(WebUIOptions{
		Address: address, TemporalAddress: "127.0.0.1:7233", Namespace: "default",
		CodecEndpoint: "http://127.0.0.1:8080/codec",
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ui.Stop)
	resp, err := http.Get(ui.URL() + "/api/v1/settings")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var settings struct {
		Codec struct {
			Endpoint           string
			IncludeCredentials bool
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&settings); err != nil {
		t.Fatalf("settings: %d %v", resp.StatusCode, err)
	}
	if settings.Codec.Endpoint != "http://127.0.0.1:8080/codec" || !settings.Codec.IncludeCredentials {
		t.Errorf("the UI's codec settings: %+v", settings.Codec)
	}
	if _, err := StartWebUI(WebUIOptions{Address: address, TemporalAddress: "127.0.0.1:7233"}); err == nil {
		t.Error("a second UI on a taken port started")
	}
}
