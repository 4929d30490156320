package theme

import "testing"

func TestParseMode(t *testing.T) {
	for _, c := range []struct {
		in       string
		want     Mode
		dark, ok bool
	}{
		{"", Auto, true, true},
		{"auto", Auto, true, true},
		{"Dark", Dark, true, true},
		{" light ", Light, false, true},
		{"solarized", Auto, true, false},
	} {
		got, err := ParseMode(c.in)
		if got != c.want || (err == nil) != c.ok || got.IsDark() != c.dark {
			t.Errorf("ParseMode(%q) = %v (dark %v), %v", c.in, got, got.IsDark(), err)
		}
		if c.ok && c.in != "" {
			if again, _ := ParseMode(got.String()); again != got {
				t.Errorf("%v does not read back: %v", got, again)
			}
		}
	}
	if !Auto.FollowsTerminal() || Dark.FollowsTerminal() || Light.FollowsTerminal() {
		t.Error("only auto follows the terminal")
	}
}
