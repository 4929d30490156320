package cli

import (
	"strings"
	"testing"

	"github.com/lazyforce/lazyforce/sfdc/emulator"
)

// TestUnreachableOrgMentionsTheCacheOnlyWhenThereIsOne: "commands that
// read the cache still work" is said only when the org has a cache.
func TestUnreachableOrgMentionsTheCacheOnlyWhenThereIsOne(t *testing.T) {
	t.Setenv("LAZYFORCE_HOME", t.TempDir())
	t.Setenv("SF_ACCESS_TOKEN", "")
	unreachable := []string{"login", "--instance-url", "http://127.0.0.1:1", "--access-token", "x"}
	_, errs, code := runCLI(t, unreachable...)
	if code != ExitError || !strings.Contains(errs, "cannot reach the org") || strings.Contains(errs, "cache") {
		t.Errorf("no cache yet: exit %d, stderr %q", code, errs)
	}
	org := emulator.StartTest(t, emulator.Options{Seed: 4})
	if _, errs, code := runCLI(t, "login", "--instance-url", org.URL, "--access-token", org.AccessToken); code != 0 {
		t.Fatalf("login: %d %q", code, errs)
	}
	if _, errs, code := runCLI(t, "sync"); code != 0 {
		t.Fatalf("sync: %d %q", code, errs)
	}
	_, errs, code = runCLI(t, unreachable...)
	if code != ExitError || !strings.Contains(errs, "commands that read the cache still work") {
		t.Errorf("with a cache: exit %d, stderr %q", code, errs)
	}
}
