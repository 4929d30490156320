package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// The test binary doubles as the user's browser and as the Salesforce CLI:
// tests point $BROWSER or LAZYFORCE_SF at it with one of these set.
const (
	fakeBrowserEnv = "LAZYFORCE_TEST_AS_BROWSER"
	fakeSFEnv      = "LAZYFORCE_TEST_AS_SF"
)

// TestMain runs the fakes when asked to, and otherwise the tests with the
// OS keychain switched off: no test touches the keychain of the machine.
func TestMain(m *testing.M) {
	switch {
	case os.Getenv(fakeBrowserEnv) == "1":
		os.Exit(fakeBrowser(os.Args[1:]))
	case os.Getenv(fakeSFEnv) == "1":
		os.Exit(fakeSF(os.Args[1:]))
	}
	if err := os.Setenv(keyringEnv, "off"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Exit(m.Run())
}

// fakeBrowser loads the URL and follows its redirects, as a browser does
// on an authorize page that approves at once (the emulator's): the last
// redirect lands on the login's loopback callback.
func fakeBrowser(args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "fake browser: want one URL")
		return 2
	}
	c := &http.Client{Timeout: 30 * time.Second}
	resp, err := c.Get(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "fake browser:", err)
		return 1
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return 0
}

// fakeSF answers the two Salesforce CLI commands lazyforce runs, with
// the org given by FAKE_SF_INSTANCE_URL, FAKE_SF_USERNAME and
// FAKE_SF_ACCESS_TOKEN, as `--json` output; any other alias is unknown.
func fakeSF(args []string) int {
	joined := strings.Join(args, " ")
	enc := json.NewEncoder(os.Stdout)
	if !strings.Contains(joined, "--target-org "+os.Getenv("FAKE_SF_ALIAS")) {
		_ = enc.Encode(map[string]any{"status": 1, "name": "NamedOrgNotFoundError", "message": "No authorization information found.", "exitCode": 1})
		return 1
	}
	switch {
	case strings.HasPrefix(joined, "org display"):
		_ = enc.Encode(map[string]any{"status": 0, "result": map[string]any{
			"instanceUrl": os.Getenv("FAKE_SF_INSTANCE_URL"), "username": os.Getenv("FAKE_SF_USERNAME"), "connectedStatus": "Connected"}})
	case strings.HasPrefix(joined, "org auth show-access-token"):
		_ = enc.Encode(map[string]any{"status": 0, "result": map[string]any{"accessToken": os.Getenv("FAKE_SF_ACCESS_TOKEN")}})
	default:
		_ = enc.Encode(map[string]any{"status": 1, "name": "UnknownCommand", "message": joined, "exitCode": 1})
		return 1
	}
	return 0
}
