package cli

import (
	"strings"
	"testing"
	"time"

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

// TestOfflineQueryOfAnUnsyncedObject: an object the org has but the sync
// does not pull is called that, with how to add it and --live; an object
// the org does not have keeps Salesforce's own error.
func TestOfflineQueryOfAnUnsyncedObject(t *testing.T) {
	t.Setenv("SF_ACCESS_TOKEN", "")
	loggedIn(t, emulator.Options{Seed: 4})
	if _, errs, code := runCLI(t, "sync"); code != 0 {
		t.Fatalf("sync: %d %q", code, errs)
	}
	_, errs, code := runCLI(t, "query", "SELECT Id FROM account_plan__c")
	for _, want := range []string{"Account_Plan__c is in org", "not in its cache", "extra_objects", "--live"} {
		if code != ExitError || !strings.Contains(errs, want) {
			t.Errorf("unsynced object: exit %d, stderr %q lacks %q", code, errs, want)
		}
	}
	if strings.Contains(errs, "append the '__c'") {
		t.Errorf("unsynced object: stderr %q still suggests a custom-object typo", errs)
	}
	if out, errs, code := runCLI(t, "query", "--live", "SELECT Id FROM Account_Plan__c"); code != 0 || out == "" {
		t.Errorf("--live: exit %d, stderr %q", code, errs)
	}
	if _, errs, code := runCLI(t, "query", "SELECT Id FROM Nope__c"); code != ExitError || !strings.Contains(errs, "INVALID_TYPE") || strings.Contains(errs, "not in its cache") {
		t.Errorf("unknown object: exit %d, stderr %q", code, errs)
	}
}

// TestStartNotice: the demo's "starting…" line is printed once when
// start-up outlasts the delay, and never when it is done first.
func TestStartNotice(t *testing.T) {
	var slow strings.Builder
	tick := make(chan time.Time) // unbuffered: the send returns once the notice has the tick
	stop := startNotice(&slow, tick)
	tick <- time.Now()
	stop()
	stop() // twice is harmless
	if slow.String() != "starting the demo org…\n" {
		t.Errorf("slow start printed %q", slow.String())
	}
	var fast strings.Builder
	stop = startNotice(&fast, make(chan time.Time))
	stop()
	if fast.String() != "" {
		t.Errorf("fast start printed %q", fast.String())
	}
}
