package mailtests

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/app/config"
	"github.com/caseflow/caseflow/notify/directory"
	"github.com/caseflow/caseflow/notify/mail"
	"github.com/caseflow/caseflow/test/testenv"
)

// TestDevShowsItsMail: caseflow dev without a mail server keeps what it would send and shows it
// at /dev/mail, so a newcomer sees the chases with nothing installed.
func TestDevShowsItsMail(t *testing.T) {
	env := testenv.Start(t, testenv.Options{RedisDB: redisDB + 3, Policy: shortClocks(),
		Mail: config.Mail{Directory: directory.Example(), BaseURL: "http://127.0.0.1:8080"}})
	caseID := raise(t, env)
	var kept []mail.Captured
	testenv.Eventually(t, 60*time.Second, "the escalation to the Safeguarding Lead on /dev/mail", func() bool {
		resp := env.Do(http.MethodGet, "/dev/mail?format=json", "", nil)
		if resp.Status != http.StatusOK || json.Unmarshal(resp.Body, &kept) != nil {
			return false
		}
		for _, m := range kept {
			if m.To == "lead-1@agency.example" && strings.HasPrefix(m.Subject, "Escalated: Report to the police") {
				return true
			}
		}
		return false
	})
	for _, m := range kept {
		if !strings.Contains(m.Text, "http://127.0.0.1:8080/cases/"+caseID) {
			t.Errorf("a kept message lacks the case link:\n%s", m.Text)
		}
	}
	page := env.Do(http.MethodGet, "/dev/mail", "", nil)
	if page.Status != http.StatusOK || !strings.Contains(string(page.Body), "Escalated: Report to the police") {
		t.Errorf("/dev/mail: %d\n%s", page.Status, page.Body)
	}
}
