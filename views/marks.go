package views

import (
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/lazyforce/lazyforce/ui/theme"
)

// WriteState is where a record's latest write stands in the outbox. Lists,
// detail views and the outbox mark records with it.
type WriteState int

const (
	// WriteNone: no write of the record is in the outbox.
	WriteNone WriteState = iota
	// WritePending: queued, not pushed yet (offline, or pushing now).
	WritePending
	// WriteSent: pushed and confirmed by the org.
	WriteSent
	// WriteFailed: the org refused it, or it gave up retrying.
	WriteFailed
	// WriteConflict: the record changed on the server since the write was
	// queued; the user chooses what to keep.
	WriteConflict
)

// String returns the state's word: "pending", "sent", "failed",
// "conflict", or "" for WriteNone.
func (s WriteState) String() string {
	switch s {
	case WritePending:
		return "pending"
	case WriteSent:
		return "sent"
	case WriteFailed:
		return "failed"
	case WriteConflict:
		return "conflict"
	}
	return ""
}

// ParseWriteState returns the state named by s (String's words, any case);
// an unknown word is WriteNone.
func ParseWriteState(s string) WriteState {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "pending", "queued":
		return WritePending
	case "sent", "done":
		return WriteSent
	case "failed", "error":
		return WriteFailed
	case "conflict":
		return WriteConflict
	}
	return WriteNone
}

// Glyph returns the state's one-cell sign, "" for WriteNone. The signs
// differ in shape, not only colour, so they survive a monochrome terminal.
func (s WriteState) Glyph() string {
	switch s {
	case WritePending:
		return "↑"
	case WriteSent:
		return "✓"
	case WriteFailed:
		return "✗"
	case WriteConflict:
		return "≠"
	}
	return ""
}

// MarkWidth is the width of the widest WriteMark, for a column of marks.
const MarkWidth = 10 // "≠ conflict"

// WriteMark renders the state as its sign and word ("↑ pending",
// "✗ failed"), coloured by the theme; "" for WriteNone.
func WriteMark(st *theme.Styles, s WriteState) string {
	if s == WriteNone {
		return ""
	}
	return markStyle(st, s).Render(s.Glyph() + " " + s.String())
}

// WriteGlyph renders only the state's sign, coloured, for a tight column;
// "" for WriteNone.
func WriteGlyph(st *theme.Styles, s WriteState) string {
	if s == WriteNone {
		return ""
	}
	return markStyle(st, s).Render(s.Glyph())
}

func markStyle(st *theme.Styles, s WriteState) lipgloss.Style {
	switch s {
	case WriteSent:
		return st.Success
	case WriteFailed:
		return st.Error
	case WriteConflict:
		return st.Warn
	}
	return st.Muted
}

// markGutter puts record id's write sign in the second cell of a list
// row's two-space gutter (the first is the cursor's); rows of records
// without a write are left as they are. styled colours the sign: not on
// a row drawn in the selection's style, whose colours it would break.
func (c *Context) markGutter(id, line string, styled bool) string {
	s := c.Mark(id)
	if s == WriteNone || !strings.HasPrefix(line, "  ") {
		return line
	}
	g := s.Glyph()
	if styled {
		g = WriteGlyph(c.Styles, s)
	}
	return " " + g + line[2:]
}
