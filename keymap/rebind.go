package keymap

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
)

// ConfigFile is the name of the key override file in the config directory.
const ConfigFile = "keys.json"

func addMove(m map[string]*key.Binding, pane string, mv *Move) {
	m[pane+".up"] = &mv.Up
	m[pane+".down"] = &mv.Down
	m[pane+".top"] = &mv.Top
	m[pane+".bottom"] = &mv.Bottom
	m[pane+".page_down"] = &mv.PageDown
	m[pane+".page_up"] = &mv.PageUp
}

func addList(m map[string]*key.Binding, pane string, l *List) {
	addMove(m, pane, &l.Move)
	m[pane+".open"] = &l.Open
	m[pane+".back"] = &l.Back
	m[pane+".filter"] = &l.Filter
	m[pane+".browser"] = &l.Browser
	m[pane+".copy"] = &l.Copy
}

func addSort(m map[string]*key.Binding, pane string, s *Sort) {
	m[pane+".sort_next"] = &s.SortNext
	m[pane+".sort_prev"] = &s.SortPrev
	m[pane+".reverse"] = &s.Reverse
}

func addWrite(m map[string]*key.Binding, pane string, w *Write) {
	m[pane+".stage"] = &w.Stage
	m[pane+".task"] = &w.Task
	m[pane+".call"] = &w.Call
	m[pane+".edit"] = &w.Edit
	m[pane+".new"] = &w.New
}

// Actions maps every action name (as used in keys.json, e.g.
// "accounts.filter") to its binding inside k.
func (k *KeyMap) Actions() map[string]*key.Binding {
	m := map[string]*key.Binding{
		"global.quit":          &k.Global.Quit,
		"global.force_quit":    &k.Global.ForceQuit,
		"global.help":          &k.Global.Help,
		"global.prompt":        &k.Global.Prompt,
		"global.palette":       &k.Global.Palette,
		"global.sync":          &k.Global.Sync,
		"global.next_pane":     &k.Global.NextPane,
		"global.prev_pane":     &k.Global.PrevPane,
		"global.accounts":      &k.Global.Accounts,
		"global.opportunities": &k.Global.Opportunities,
		"global.pipeline":      &k.Global.Pipeline,
		"global.ask":           &k.Global.Ask,
		"global.contacts":      &k.Global.Contacts,
		"global.leads":         &k.Global.Leads,
		"global.tasks":         &k.Global.Tasks,
		"global.find":          &k.Global.Find,

		"find.up":   &k.Find.Up,
		"find.down": &k.Find.Down,
		"find.open": &k.Find.Open,
		"find.back": &k.Find.Back,
		"find.live": &k.Find.Live,
		"find.task": &k.Find.Task,
		"find.call": &k.Find.Call,

		"opportunities.mine":    &k.Opportunities.Mine,
		"opportunities.status":  &k.Opportunities.Status,
		"opportunities.closing": &k.Opportunities.Closing,
		"opportunities.stale":   &k.Opportunities.Stale,

		"leads.status": &k.Leads.Status,

		"tasks.complete":   &k.Tasks.Complete,
		"tasks.reschedule": &k.Tasks.Reschedule,

		"pipeline.left":        &k.Pipeline.Left,
		"pipeline.right":       &k.Pipeline.Right,
		"pipeline.record_type": &k.Pipeline.RecordType,
		"pipeline.mine":        &k.Pipeline.Mine,

		"detail.up":       &k.Detail.Up,
		"detail.down":     &k.Detail.Down,
		"detail.top":      &k.Detail.Top,
		"detail.bottom":   &k.Detail.Bottom,
		"detail.back":     &k.Detail.Back,
		"detail.browser":  &k.Detail.Browser,
		"detail.copy":     &k.Detail.Copy,
		"detail.people":   &k.Detail.People,
		"detail.next":     &k.Detail.NextItem,
		"detail.previous": &k.Detail.PrevItem,
		"detail.open":     &k.Detail.Open,

		"limits.up":     &k.Limits.Up,
		"limits.down":   &k.Limits.Down,
		"limits.top":    &k.Limits.Top,
		"limits.bottom": &k.Limits.Bottom,
		"limits.reload": &k.Limits.Reload,

		"ask.back":      &k.Ask.Back,
		"ask.edit":      &k.Ask.Edit,
		"ask.next_link": &k.Ask.NextLink,
		"ask.prev_link": &k.Ask.PrevLink,
		"ask.open":      &k.Ask.Open,
		"ask.copy":      &k.Ask.Copy,
		"ask.export":    &k.Ask.Export,
		"ask.live":      &k.Ask.Live,

		"ask_input.submit":          &k.AskInput.Submit,
		"ask_input.cancel":          &k.AskInput.Cancel,
		"ask_input.history_prev":    &k.AskInput.HistPrev,
		"ask_input.history_next":    &k.AskInput.HistNext,
		"ask_input.complete":        &k.AskInput.Complete,
		"ask_input.next_suggestion": &k.AskInput.NextSugg,
		"ask_input.prev_suggestion": &k.AskInput.PrevSugg,
		"ask_input.export":          &k.AskInput.Export,
		"ask_input.live":            &k.AskInput.Live,

		"accounts.task":       &k.Accounts.Task,
		"accounts.call":       &k.Accounts.Call,
		"pipeline.move_left":  &k.Pipeline.MoveLeft,
		"pipeline.move_right": &k.Pipeline.MoveRight,

		"picker.up":     &k.Picker.Up,
		"picker.down":   &k.Picker.Down,
		"picker.filter": &k.Picker.Filter,
		"picker.pick":   &k.Picker.Pick,
		"picker.cancel": &k.Picker.Cancel,

		"forms.next":       &k.Forms.Next,
		"forms.prev":       &k.Forms.Prev,
		"forms.save":       &k.Forms.Save,
		"forms.submit":     &k.Forms.Submit,
		"forms.cancel":     &k.Forms.Cancel,
		"forms.prev_value": &k.Forms.PrevValue,
		"forms.next_value": &k.Forms.NextValue,
		"forms.yes":        &k.Forms.Yes,
		"forms.no":         &k.Forms.No,

		"outbox.up":          &k.Outbox.Up,
		"outbox.down":        &k.Outbox.Down,
		"outbox.top":         &k.Outbox.Top,
		"outbox.bottom":      &k.Outbox.Bottom,
		"outbox.open":        &k.Outbox.Open,
		"outbox.retry":       &k.Outbox.Retry,
		"outbox.edit":        &k.Outbox.Edit,
		"outbox.discard":     &k.Outbox.Discard,
		"outbox.back":        &k.Outbox.Back,
		"outbox.apply_mine":  &k.Outbox.ApplyMine,
		"outbox.keep_theirs": &k.Outbox.KeepTheirs,
		"outbox.left":        &k.Outbox.Left,
		"outbox.right":       &k.Outbox.Right,
		"outbox.yes":         &k.Outbox.Yes,
		"outbox.no":          &k.Outbox.No,

		"prompt.submit": &k.Prompt.Submit,
		"prompt.cancel": &k.Prompt.Cancel,
		"prompt.next":   &k.Prompt.Next,
		"prompt.prev":   &k.Prompt.Prev,
	}
	addList(m, "accounts", &k.Accounts.List)
	addList(m, "opportunities", &k.Opportunities.List)
	addList(m, "pipeline", &k.Pipeline.List)
	addList(m, "contacts", &k.Contacts.List)
	addList(m, "leads", &k.Leads.List)
	addList(m, "tasks", &k.Tasks.List)
	addSort(m, "accounts", &k.Accounts.Sort)
	addSort(m, "opportunities", &k.Opportunities.Sort)
	addSort(m, "contacts", &k.Contacts.Sort)
	addSort(m, "leads", &k.Leads.Sort)
	addMove(m, "ask", &k.Ask.Move)
	addWrite(m, "opportunities", &k.Opportunities.Write)
	addWrite(m, "pipeline", &k.Pipeline.Write)
	addWrite(m, "detail", &k.Detail.Write)
	return m
}

// ActionNames returns every action name, sorted.
func (k *KeyMap) ActionNames() []string {
	return slices.Sorted(maps.Keys(k.Actions()))
}

// ForceQuitKey always quits: rebinding global.force_quit adds keys to it
// but never removes it, and no other action may use it.
const ForceQuitKey = "ctrl+c"

// Rebind replaces the keys of the named actions. global.force_quit keeps
// ForceQuitKey whatever its override says. An unknown action name, an empty
// key list, or a key that would trigger two actions at once (two actions of
// the same pane, or a pane's action and a global one) is an error, and then
// k is left unchanged.
func (k *KeyMap) Rebind(overrides map[string][]string) error {
	acts := k.Actions()
	names := slices.Sorted(maps.Keys(overrides))
	for _, n := range names {
		if _, ok := acts[n]; !ok {
			return fmt.Errorf("unknown key action %q (known actions: %s)", n, strings.Join(k.ActionNames(), ", "))
		}
		if len(overrides[n]) == 0 {
			return fmt.Errorf("key action %q: no keys given", n)
		}
		for _, s := range overrides[n] {
			if strings.TrimSpace(s) == "" {
				return fmt.Errorf("key action %q: empty key name", n)
			}
			// Key names end up in the help; control characters would reach
			// the terminal, and invisible ones (bidi controls, zero-width
			// spaces, line separators) would reorder or hide what it shows.
			if !validKeyName(s) {
				return fmt.Errorf("key action %q: key name %q contains control or invisible characters (use names like \"ctrl+f\")", n, s)
			}
		}
	}
	// Apply to a copy, check it, and only then keep it. SetKeys replaces a
	// binding's key slice, so the copy shares nothing that changes.
	next := *k
	nextActs := next.Actions()
	for _, n := range names {
		b := nextActs[n]
		keys := slices.Clone(overrides[n])
		if n == "global.force_quit" && !slices.Contains(keys, ForceQuitKey) {
			keys = append([]string{ForceQuitKey}, keys...)
		}
		b.SetKeys(keys...)
		sep := "/"
		if slices.ContainsFunc(keys, func(k string) bool { return strings.Contains(k, "/") }) {
			sep = " "
		}
		b.SetHelp(strings.Join(keys, sep), b.Help().Desc)
	}
	if err := next.Conflicts(); err != nil {
		return err
	}
	*k = next
	return nil
}

// validKeyName reports whether s is valid UTF-8 made of printable
// characters: letters, marks, numbers, punctuation, symbols and the ASCII
// space (unicode.IsPrint), so no control (Cc), format (Cf: bidi controls,
// zero-width characters), separator other than the space, or unassigned
// character.
func validKeyName(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) })
}

// scopes lists the groups of actions that are live at the same time: each
// pane's own actions together with the global ones (the root handles global
// keys before the focused pane sees them), and the overlays'.
var scopes = []string{"accounts", "opportunities", "pipeline", "contacts", "leads", "tasks", "detail", "limits", "ask", "ask_input", "prompt", "picker", "forms", "outbox"}

// overlays are the scopes that have every key while they are open, like
// the prompt: only force_quit of the global keys is live with them.
var overlays = map[string]bool{"ask_input": true, "prompt": true, "picker": true, "forms": true}

// Conflicts returns an error naming the first key bound to two actions that
// are live at the same time, or nil. Prompt keys are only live while the
// prompt or a filter input is open, picker and forms keys while their
// overlay is open, and then global keys other than force_quit are not;
// force_quit's keys may be used by no other action.
func (k *KeyMap) Conflicts() error {
	acts := k.Actions()
	names := k.ActionNames()
	for _, scope := range scopes {
		owner := make(map[string]string) // key → action
		for _, n := range names {
			pane, _, _ := strings.Cut(n, ".")
			global := pane == "global"
			if overlays[scope] && global && n != "global.force_quit" {
				continue
			}
			if pane != scope && !global {
				continue
			}
			for _, key := range acts[n].Keys() {
				if other, ok := owner[key]; ok && other != n {
					return fmt.Errorf("key %q is bound to both %q and %q", key, other, n)
				}
				owner[key] = n
			}
		}
	}
	return nil
}

// Load reads key overrides from a JSON file such as
// {"accounts.filter": ["/", "f"]}. A missing file means no overrides.
func Load(path string) (map[string][]string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read key config: %w", err)
	}
	var overrides map[string][]string
	if err := json.Unmarshal(data, &overrides); err != nil {
		return nil, fmt.Errorf("parse key config %s: %w", path, err)
	}
	return overrides, nil
}

// LoadDefault returns the default key map with the overrides of the file at
// path applied.
func LoadDefault(path string) (*KeyMap, error) {
	overrides, err := Load(path)
	if err != nil {
		return nil, err
	}
	k := Default()
	if err := k.Rebind(overrides); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}
