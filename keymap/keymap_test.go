package keymap

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

func press(k string) tea.KeyPressMsg {
	switch k {
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	}
	return tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
}

func TestDefaultsMatchTheKeyContract(t *testing.T) {
	k := Default()
	cases := []struct {
		key string
		b   key.Binding
	}{
		{"1", k.Global.Accounts}, {"2", k.Global.Opportunities}, {"3", k.Global.Pipeline}, {"4", k.Global.Ask},
		{"j", k.Accounts.Down}, {"k", k.Accounts.Up}, {"g", k.Accounts.Top}, {"G", k.Accounts.Bottom},
		{"/", k.Accounts.Filter}, {":", k.Global.Prompt}, {"?", k.Global.Help}, {"r", k.Global.Sync},
		{"o", k.Opportunities.Browser}, {"y", k.Opportunities.Copy}, {"q", k.Global.Quit},
		{"ctrl+c", k.Global.ForceQuit}, {"esc", k.Detail.Back},
	}
	for _, c := range cases {
		if !key.Matches(press(c.key), c.b) {
			t.Errorf("%q does not trigger %q", c.key, c.b.Help().Desc)
		}
	}
}

func TestEveryActionHasHelp(t *testing.T) {
	for name, b := range Default().Actions() {
		if b.Help().Key == "" || b.Help().Desc == "" || len(b.Keys()) == 0 {
			t.Errorf("%s has no keys or help", name)
		}
	}
}

func TestRebind(t *testing.T) {
	k := Default()
	if err := k.Rebind(map[string][]string{"accounts.filter": {"/", "f"}, "global.quit": {"Q"}}); err != nil {
		t.Fatal(err)
	}
	if !key.Matches(press("f"), k.Accounts.Filter) || !key.Matches(press("/"), k.Accounts.Filter) {
		t.Error("accounts.filter not rebound to / and f")
	}
	if key.Matches(press("q"), k.Global.Quit) || !key.Matches(press("Q"), k.Global.Quit) {
		t.Error("global.quit not rebound to Q")
	}
	if got := k.Accounts.Filter.Help().Key; got != "/ f" {
		t.Errorf("help key %q, want %q", got, "/ f")
	}
	if got := k.Global.Quit.Help().Key; got != "Q" {
		t.Errorf("help key %q, want Q", got)
	}
	// Other panes keep their own binding.
	if key.Matches(press("f"), k.Opportunities.Filter) {
		t.Error("rebinding accounts.filter changed opportunities.filter")
	}
}

func TestRebindErrors(t *testing.T) {
	for name, overrides := range map[string]map[string][]string{
		"unknown action": {"accounts.fliter": {"f"}},
		"no keys":        {"accounts.filter": {}},
		"empty key":      {"accounts.filter": {" "}},
		"control chars":  {"accounts.filter": {"\x1b[31m"}},
		"bidi override":  {"accounts.filter": {"\u202e"}},
		"bidi in a name": {"accounts.filter": {"ctrl+\u202ef"}},
		"isolate":        {"accounts.filter": {"\u2066f"}},
		"zero width":     {"accounts.filter": {"f\u200b"}},
		"byte order":     {"accounts.filter": {"\ufefff"}},
		"line separator": {"accounts.filter": {"\u2028"}},
		"invalid UTF-8":  {"accounts.filter": {"f\xff"}},
	} {
		t.Run(name, func(t *testing.T) {
			k := Default()
			err := k.Rebind(map[string][]string{"global.quit": {"Q"}, firstKey(overrides): overrides[firstKey(overrides)]})
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), firstKey(overrides)) {
				t.Errorf("error %q does not name the action", err)
			}
			for _, r := range err.Error() {
				if !unicode.IsPrint(r) {
					t.Errorf("error %q prints the invisible or control character %U", err, r)
				}
			}
			if !key.Matches(press("q"), k.Global.Quit) {
				t.Error("a failed Rebind changed other bindings")
			}
		})
	}
}

func firstKey(m map[string][]string) string {
	for k := range m {
		return k
	}
	return ""
}

func TestLoadDefault(t *testing.T) {
	dir := t.TempDir()
	k, err := LoadDefault(filepath.Join(dir, ConfigFile))
	if err != nil || !key.Matches(press("/"), k.Accounts.Filter) {
		t.Fatalf("missing file: %v", err)
	}
	path := filepath.Join(dir, ConfigFile)
	if err := os.WriteFile(path, []byte(`{"accounts.filter": ["/", "f"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	k, err = LoadDefault(path)
	if err != nil || !key.Matches(press("f"), k.Accounts.Filter) {
		t.Fatalf("file with override: %v", err)
	}
	if err := os.WriteFile(path, []byte(`{"accounts.nope": ["x"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDefault(path); err == nil || !strings.Contains(err.Error(), `unknown key action "accounts.nope"`) || !strings.Contains(err.Error(), path) {
		t.Fatalf("unknown action: %v", err)
	}
	if err := os.WriteFile(path, []byte(`{not json`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDefault(path); err == nil || !strings.Contains(err.Error(), "parse key config") {
		t.Fatalf("bad json: %v", err)
	}
}

func TestForceQuitAlwaysKeepsCtrlC(t *testing.T) {
	k := Default()
	if err := k.Rebind(map[string][]string{"global.force_quit": {"ctrl+q"}}); err != nil {
		t.Fatal(err)
	}
	if !key.Matches(press("ctrl+c"), k.Global.ForceQuit) {
		t.Error("rebinding global.force_quit removed ctrl+c")
	}
	if !key.Matches(tea.KeyPressMsg{Code: 'q', Mod: tea.ModCtrl}, k.Global.ForceQuit) {
		t.Error("rebinding global.force_quit did not add ctrl+q")
	}
	if got := k.Global.ForceQuit.Help().Key; got != "ctrl+c/ctrl+q" {
		t.Errorf("help key %q, want ctrl+c/ctrl+q", got)
	}
}

func TestDefaultsHaveNoConflicts(t *testing.T) {
	if err := Default().Conflicts(); err != nil {
		t.Fatal(err)
	}
}

func TestRebindRejectsConflicts(t *testing.T) {
	for name, c := range map[string]struct {
		overrides map[string][]string
		actions   [2]string
	}{
		"force_quit x":         {map[string][]string{"global.force_quit": {"x"}}, [2]string{"global.force_quit", "opportunities.status"}},
		"global and pane":      {map[string][]string{"global.quit": {"j"}}, [2]string{"global.quit", "accounts.down"}},
		"within a pane":        {map[string][]string{"pipeline.mine": {"T"}}, [2]string{"pipeline.mine", "pipeline.record_type"}},
		"ctrl+c taken":         {map[string][]string{"accounts.filter": {"ctrl+c"}}, [2]string{"accounts.filter", "global.force_quit"}},
		"force_quit takes key": {map[string][]string{"global.force_quit": {"ctrl+c", "r"}}, [2]string{"global.force_quit", "global.sync"}},
		"detail and global":    {map[string][]string{"detail.copy": {"?"}}, [2]string{"detail.copy", "global.help"}},
		"two globals":          {map[string][]string{"global.sync": {"1"}}, [2]string{"global.accounts", "global.sync"}},
		"prompt":               {map[string][]string{"prompt.submit": {"esc"}}, [2]string{"prompt.cancel", "prompt.submit"}},
	} {
		t.Run(name, func(t *testing.T) {
			k := Default()
			err := k.Rebind(c.overrides)
			if err == nil {
				t.Fatal("no error")
			}
			for _, a := range c.actions {
				if !strings.Contains(err.Error(), `"`+a+`"`) {
					t.Errorf("error %q does not name %s", err, a)
				}
			}
			if !key.Matches(press("q"), k.Global.Quit) || !key.Matches(press("j"), k.Accounts.Down) || !key.Matches(press("T"), k.Pipeline.RecordType) {
				t.Error("a rejected Rebind changed the key map")
			}
		})
	}
	// The same key in different panes, or moved away first, is fine.
	k := Default()
	if err := k.Rebind(map[string][]string{"accounts.filter": {"f"}, "pipeline.mine": {"f"}, "global.quit": {"Q"}, "accounts.sort_next": {"q"}}); err != nil {
		t.Fatal(err)
	}
}

func TestLoadDefaultNeverEchoesInvisibleCharacters(t *testing.T) {
	path := filepath.Join(t.TempDir(), ConfigFile)
	for _, body := range []string{`{"accounts.filter": ["\u202e"]}`, `{"accounts.\u202efilter": ["f"]}`, `{"accounts.filter": ["\u200bx"]}`} {
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := LoadDefault(path)
		if err == nil {
			t.Fatalf("%s: no error", body)
		}
		if strings.ContainsAny(err.Error(), "\u202e\u200b") {
			t.Errorf("%s: the error echoes the raw character: %q", body, err)
		}
	}
}

func TestWriteAndFormKeys(t *testing.T) {
	k := Default()
	cases := []struct {
		key string
		b   key.Binding
	}{
		{"s", k.Opportunities.Stage}, {"t", k.Opportunities.Task}, {"c", k.Opportunities.Call},
		{"s", k.Pipeline.Stage}, {"H", k.Pipeline.MoveLeft}, {"L", k.Pipeline.MoveRight},
		{"t", k.Accounts.Task}, {"c", k.Accounts.Call}, {"s", k.Detail.Stage}, {"c", k.Detail.Call},
		{"j", k.Picker.Down}, {"k", k.Picker.Up}, {"esc", k.Picker.Cancel}, {"esc", k.Forms.Cancel},
		{"y", k.Forms.Yes}, {"n", k.Forms.No}, {"d", k.Outbox.Discard}, {"R", k.Outbox.Retry},
	}
	for _, c := range cases {
		if !key.Matches(press(c.key), c.b) {
			t.Errorf("%q does not trigger %q", c.key, c.b.Help().Desc)
		}
	}
	special := []struct {
		msg tea.KeyPressMsg
		b   key.Binding
	}{
		{tea.KeyPressMsg{Code: tea.KeyTab}, k.Forms.Next},
		{tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}, k.Forms.Prev},
		{tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}, k.Forms.Save},
		{tea.KeyPressMsg{Code: tea.KeyEnter}, k.Picker.Pick},
	}
	for _, c := range special {
		if !key.Matches(c.msg, c.b) {
			t.Errorf("%s does not trigger %q", c.msg, c.b.Help().Desc)
		}
	}
	if key.Matches(press("s"), k.Accounts.Stage) {
		t.Error("s changes the stage of an account")
	}
	// Forms have every key: tab there is not the global next pane.
	if err := k.Rebind(map[string][]string{"forms.save": {"tab"}}); err == nil || !strings.Contains(err.Error(), "forms.next") {
		t.Errorf("a forms key bound twice: %v", err)
	}
	if err := Default().Rebind(map[string][]string{"outbox.retry": {"r"}}); err == nil || !strings.Contains(err.Error(), "global.sync") {
		t.Errorf("outbox retry on the global sync key: %v", err)
	}
}
