// Package keymap holds every key binding of lazyforce: the defaults, grouped
// per pane, and the user's overrides from a config file. Build one with
// Default, apply overrides with Rebind and pass the pointer down; there is
// no package-level mutable key map.
package keymap

import "charm.land/bubbles/v2/key"

// Global are the keys the root model handles whatever pane is focused.
type Global struct {
	Quit          key.Binding
	ForceQuit     key.Binding
	Help          key.Binding
	Prompt        key.Binding
	Palette       key.Binding
	Sync          key.Binding
	NextPane      key.Binding
	PrevPane      key.Binding
	Accounts      key.Binding
	Opportunities key.Binding
	Pipeline      key.Binding
	Ask           key.Binding
	Contacts      key.Binding
	Leads         key.Binding
	Tasks         key.Binding
	// Find opens the find view: a search over everything cached.
	Find key.Binding
}

// Move are the keys that move a cursor or scroll: a line, to either end,
// half a page.
type Move struct {
	Up       key.Binding
	Down     key.Binding
	Top      key.Binding
	Bottom   key.Binding
	PageDown key.Binding
	PageUp   key.Binding
}

// List are the movement and record keys shared by the list-like panes. Each
// pane has its own copy so that it can be rebound on its own.
type List struct {
	Move
	Open    key.Binding
	Back    key.Binding
	Filter  key.Binding
	Browser key.Binding
	Copy    key.Binding
}

// Write are the keys that start a write on the selected record. Each
// pane has its own copy; a pane switches off the ones that do not apply
// (an account has no stage).
type Write struct {
	Stage key.Binding // change an opportunity's stage
	Task  key.Binding // new task
	Call  key.Binding // log a call
	Edit  key.Binding // edit the record's fields
	New   key.Binding // new record of the pane's type
}

// Sort are the keys that change a sorted list's order: sort by the next
// or the previous column, reverse the order.
type Sort struct {
	SortNext key.Binding
	SortPrev key.Binding
	Reverse  key.Binding
}

// Accounts are the accounts pane's keys.
type Accounts struct {
	List
	Write
	Sort
}

// Opportunities are the opportunities pane's keys, including the quick
// filters.
type Opportunities struct {
	List
	Write
	Sort
	Mine    key.Binding
	Status  key.Binding
	Closing key.Binding
	Stale   key.Binding
}

// Contacts are the contacts list's keys.
type Contacts struct {
	List
	Sort
}

// Leads are the leads list's keys, including the open / all filter.
type Leads struct {
	List
	Sort
	Status key.Binding
}

// Tasks are the tasks pane's keys: complete a task, reschedule it, and
// the list's keys (open goes to the task's related record).
type Tasks struct {
	List
	Complete   key.Binding
	Reschedule key.Binding
}

// Pipeline are the pipeline board's keys.
type Pipeline struct {
	List
	Write
	Left       key.Binding
	Right      key.Binding
	MoveLeft   key.Binding // move the card one stage left
	MoveRight  key.Binding // move the card one stage right
	RecordType key.Binding
	Mine       key.Binding
}

// Detail are the keys of a record's detail view.
type Detail struct {
	Write
	Up      key.Binding
	Down    key.Binding
	Top     key.Binding
	Bottom  key.Binding
	Back    key.Binding
	Browser key.Binding
	Copy    key.Binding
	// People lists an account's contacts (in the contacts pane).
	People key.Binding
	// NextItem and PrevItem select an activity of the timeline; Open
	// opens the selected one.
	NextItem key.Binding
	PrevItem key.Binding
	Open     key.Binding
}

// Limits are the keys of the org limits view.
type Limits struct {
	Up     key.Binding
	Down   key.Binding
	Top    key.Binding
	Bottom key.Binding
	Reload key.Binding
}

// Ask are the question pane's keys while its input does not have the
// keys: scroll the answer, pick a record it names, copy, export.
type Ask struct {
	Back key.Binding
	Edit key.Binding // give the input the keys
	Move
	NextLink key.Binding // select the next record the answer names
	PrevLink key.Binding
	Open     key.Binding // open the selected record
	Copy     key.Binding // copy the answer (markdown) or the result (TSV)
	Export   key.Binding // write the last SOQL result to a CSV file
	Live     key.Binding // toggle cache / live org
}

// AskInput are the question pane's keys while its input has them (every
// printable key types).
type AskInput struct {
	Submit   key.Binding
	Cancel   key.Binding // hand the keys back to the pane
	HistPrev key.Binding
	HistNext key.Binding
	Complete key.Binding // take the selected suggestion
	NextSugg key.Binding
	PrevSugg key.Binding
	Export   key.Binding
	Live     key.Binding
}

// Find are the keys of the find view; every other key types.
type Find struct {
	Up   key.Binding
	Down key.Binding
	Open key.Binding
	Back key.Binding
	// Live searches the org (SOSL) for records the cache does not hold.
	Live key.Binding
	// Task and Call open the task or call form on the selected record
	// (every printable key types, so they are control keys).
	Task key.Binding
	Call key.Binding
}

// Prompt are the keys of the ':' prompt, the command palette and of
// filter inputs.
type Prompt struct {
	Submit key.Binding
	Cancel key.Binding
	// Next and Prev move through the palette's matches.
	Next key.Binding
	Prev key.Binding
}

// Picker are the keys of a list overlay such as the stage picker. While
// its filter has the keys, a key that types text is typed: only keys
// without text (arrows, ctrl+…) move.
type Picker struct {
	Up     key.Binding
	Down   key.Binding
	Filter key.Binding
	Pick   key.Binding
	Cancel key.Binding
}

// Forms are the keys of the task and call forms and of their
// confirmations. Text fields swallow printable keys, so these are keys
// that type nothing (or are only live while a question is asked).
type Forms struct {
	Next      key.Binding // next field
	Prev      key.Binding // previous field
	Save      key.Binding // save from any field
	Submit    key.Binding // on the last field: save
	Cancel    key.Binding
	PrevValue key.Binding // a choice field: previous value
	NextValue key.Binding // a choice field: next value
	Yes       key.Binding // answer a question (discard what was typed?)
	No        key.Binding
}

// Outbox are the keys of the outbox view and its conflict view.
type Outbox struct {
	Up         key.Binding
	Down       key.Binding
	Top        key.Binding
	Bottom     key.Binding
	Open       key.Binding // a conflict: compare mine and theirs; in that view: take the highlighted choice
	Retry      key.Binding
	Edit       key.Binding
	Discard    key.Binding
	Back       key.Binding
	ApplyMine  key.Binding // conflict: apply mine anyway
	KeepTheirs key.Binding // conflict: keep theirs
	Left       key.Binding // conflict: previous choice
	Right      key.Binding // conflict: next choice
	Yes        key.Binding
	No         key.Binding
}

// KeyMap is every binding of the app.
type KeyMap struct {
	Global        Global
	Accounts      Accounts
	Opportunities Opportunities
	Pipeline      Pipeline
	Detail        Detail
	Limits        Limits
	Ask           Ask
	AskInput      AskInput
	Prompt        Prompt
	Contacts      Contacts
	Leads         Leads
	Tasks         Tasks
	Picker        Picker
	Forms         Forms
	Outbox        Outbox
	Find          Find
}

func bind(help, desc string, keys ...string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
}

func defaultList(noun string) List {
	return List{
		Move: Move{
			Up:       bind("↑/k", "up", "up", "k"),
			Down:     bind("↓/j", "down", "down", "j"),
			Top:      bind("g/home", "top", "g", "home"),
			Bottom:   bind("G/end", "bottom", "G", "end"),
			PageDown: bind("ctrl+d/pgdn", "½ page down", "ctrl+d", "pgdown"),
			PageUp:   bind("ctrl+u/pgup", "½ page up", "ctrl+u", "pgup"),
		},
		Open:    bind("enter", "open "+noun, "enter"),
		Back:    bind("esc", "clear filter", "esc"),
		Filter:  bind("/", "filter", "/"),
		Browser: bind("o", "open in browser", "o"),
		Copy:    bind("y", "copy Id/URL", "y"),
	}
}

func defaultWrite() Write {
	return Write{
		Stage: bind("s", "change stage", "s"),
		Task:  bind("t", "new task", "t"),
		Call:  bind("c", "log a call", "c"),
		Edit:  bind("e", "edit record", "e"),
		New:   bind("n", "new record", "n"),
	}
}

// defaultSort returns the sort keys of a list sorted by a column (or a
// field, the noun).
func defaultSort(noun string) Sort {
	return Sort{
		SortNext: bind(">", "sort by next "+noun, ">"),
		SortPrev: bind("<", "sort by previous "+noun, "<"),
		Reverse:  bind("-", "reverse order", "-"),
	}
}

func noStage() Write {
	w := defaultWrite()
	w.Stage.SetEnabled(false)
	return w
}

// Default returns the default key map (see the README's key table).
func Default() *KeyMap {
	return &KeyMap{
		Global: Global{
			Quit:          bind("q", "quit", "q"),
			ForceQuit:     bind("ctrl+c", "quit", "ctrl+c"),
			Help:          bind("?", "help", "?"),
			Prompt:        bind(":", "command", ":"),
			Palette:       bind("ctrl+k", "command palette", "ctrl+k"),
			Sync:          bind("r", "sync now", "r"),
			NextPane:      bind("tab", "next pane", "tab"),
			PrevPane:      bind("shift+tab", "previous pane", "shift+tab"),
			Accounts:      bind("1", "accounts", "1"),
			Opportunities: bind("2", "opportunities", "2"),
			Pipeline:      bind("3", "pipeline", "3"),
			Ask:           bind("4", "ask", "4"),
			Contacts:      bind("6", "contacts", "6"),
			Leads:         bind("7", "leads", "7"),
			Tasks:         bind("5", "tasks", "5"),
			Find:          bind("ctrl+f", "find anything", "ctrl+f"),
		},
		Accounts: Accounts{
			List:  defaultList("account"),
			Write: noStage(),
			Sort:  defaultSort("field"),
		},
		Opportunities: Opportunities{
			List:    defaultList("opportunity"),
			Write:   defaultWrite(),
			Sort:    defaultSort("column"),
			Mine:    bind("m", "mine / all", "m"),
			Status:  bind("x", "open / closed / any", "x"),
			Closing: bind("d", "closing: month / quarter / any", "d"),
			Stale:   bind("z", "stale (30 days)", "z"),
		},
		Contacts: Contacts{
			List: defaultList("contact"),
			Sort: defaultSort("column"),
		},
		Leads: Leads{
			List:   defaultList("lead"),
			Sort:   defaultSort("column"),
			Status: bind("x", "open / all", "x"),
		},
		Tasks: Tasks{
			List:       defaultList("related record"),
			Complete:   bind("x", "complete task", "x"),
			Reschedule: bind("d", "reschedule", "d"),
		},
		Pipeline: Pipeline{
			List:       defaultList("opportunity"),
			Write:      defaultWrite(),
			Left:       bind("←/h", "previous stage", "left", "h"),
			Right:      bind("→/l", "next stage", "right", "l"),
			MoveLeft:   bind("H", "move card a stage left", "H"),
			MoveRight:  bind("L", "move card a stage right", "L"),
			RecordType: bind("T", "next record type", "T"),
			Mine:       bind("m", "mine / all", "m"),
		},
		Detail: Detail{
			Write:   defaultWrite(),
			Up:      bind("↑/k", "scroll up", "up", "k"),
			Down:    bind("↓/j", "scroll down", "down", "j"),
			Top:     bind("g", "top", "g", "home"),
			Bottom:  bind("G", "bottom", "G", "end"),
			Back:    bind("esc", "back", "esc"),
			Browser: bind("o", "open in browser", "o"),
			Copy:    bind("y", "copy Id/URL", "y"),
			People:  bind("C", "the account's contacts", "C"),

			NextItem: bind("]", "next activity", "]"),
			PrevItem: bind("[", "previous activity", "["),
			Open:     bind("enter", "open activity", "enter"),
		},
		Limits: Limits{
			Up:     bind("↑/k", "scroll up", "up", "k"),
			Down:   bind("↓/j", "scroll down", "down", "j"),
			Top:    bind("g", "top", "g", "home"),
			Bottom: bind("G", "bottom", "G", "end"),
			Reload: bind("R", "fetch the limits again", "R"),
		},
		Ask: Ask{
			Back: bind("esc", "back", "esc"),
			Edit: bind("/", "ask a question / SOQL", "/", "i"),
			Move: Move{
				Up:       bind("↑/k", "scroll up", "up", "k"),
				Down:     bind("↓/j", "scroll down", "down", "j"),
				Top:      bind("g", "top", "g", "home"),
				Bottom:   bind("G", "bottom", "G", "end"),
				PageDown: bind("ctrl+d/pgdn", "½ page down", "ctrl+d", "pgdown"),
				PageUp:   bind("ctrl+u/pgup", "½ page up", "ctrl+u", "pgup"),
			},
			NextLink: bind("]", "next record in the answer", "]"),
			PrevLink: bind("[", "previous record in the answer", "["),
			Open:     bind("enter", "open the record", "enter"),
			Copy:     bind("y", "copy answer / result (TSV)", "y"),
			Export:   bind("ctrl+e", "export result to CSV", "ctrl+e"),
			Live:     bind("ctrl+l", "cache / live", "ctrl+l"),
		},
		AskInput: AskInput{
			Submit:   bind("enter", "ask", "enter"),
			Cancel:   bind("esc", "done typing", "esc"),
			HistPrev: bind("↑", "previous question", "up"),
			HistNext: bind("↓", "next question", "down"),
			Complete: bind("tab", "take suggestion", "tab"),
			NextSugg: bind("ctrl+n", "next suggestion", "ctrl+n"),
			PrevSugg: bind("ctrl+p", "previous suggestion", "ctrl+p"),
			Export:   bind("ctrl+e", "export result to CSV", "ctrl+e"),
			Live:     bind("ctrl+l", "cache / live", "ctrl+l"),
		},
		Find: Find{
			Up:   bind("↑/ctrl+p", "up", "up", "ctrl+p"),
			Down: bind("↓/ctrl+n", "down", "down", "ctrl+n"),
			Open: bind("enter", "open", "enter"),
			Back: bind("esc", "close", "esc"),
			Live: bind("ctrl+o", "search the org", "ctrl+o"),
			Task: bind("ctrl+t", "new task on it", "ctrl+t"),
			Call: bind("ctrl+l", "log a call on it", "ctrl+l"),
		},
		Prompt: Prompt{
			Submit: bind("enter", "run", "enter"),
			Cancel: bind("esc", "cancel", "esc"),
			Next:   bind("↓/ctrl+n", "next", "down", "ctrl+n"),
			Prev:   bind("↑/ctrl+p", "previous", "up", "ctrl+p"),
		},
		Picker: Picker{
			Up:     bind("↑/k", "up", "up", "k"),
			Down:   bind("↓/j", "down", "down", "j"),
			Filter: bind("/", "filter (or just type)", "/"),
			Pick:   bind("enter", "pick", "enter"),
			Cancel: bind("esc", "cancel", "esc"),
		},
		Forms: Forms{
			Next:      bind("tab", "next field", "tab"),
			Prev:      bind("shift+tab", "previous field", "shift+tab"),
			Save:      bind("ctrl+s", "save", "ctrl+s"),
			Submit:    bind("enter", "next / save on the last field", "enter"),
			Cancel:    bind("esc", "cancel", "esc"),
			PrevValue: bind("←", "previous value", "left"),
			NextValue: bind("→", "next value", "right"),
			Yes:       bind("y", "yes", "y"),
			No:        bind("n", "no", "n"),
		},
		Outbox: Outbox{
			Up:         bind("↑/k", "up", "up", "k"),
			Down:       bind("↓/j", "down", "down", "j"),
			Top:        bind("g/home", "top", "g", "home"),
			Bottom:     bind("G/end", "bottom", "G", "end"),
			Open:       bind("enter", "compare / choose", "enter"),
			Retry:      bind("R", "retry", "R"),
			Edit:       bind("e", "edit", "e"),
			Discard:    bind("d", "discard", "d"),
			Back:       bind("esc", "back", "esc"),
			ApplyMine:  bind("m", "apply mine anyway", "m"),
			KeepTheirs: bind("t", "keep theirs", "t"),
			Left:       bind("←/h", "previous choice", "left", "h"),
			Right:      bind("→/l", "next choice", "right", "l"),
			Yes:        bind("y", "yes", "y"),
			No:         bind("n", "no", "n"),
		},
	}
}
