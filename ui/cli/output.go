package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"

	"github.com/lazyforce/lazyforce/sfdc/soql"
	"github.com/lazyforce/lazyforce/store/syncer"
	"github.com/lazyforce/lazyforce/ui"
	"github.com/lazyforce/lazyforce/views"
)

// This file is the one place commands print from: JSON, the table and the
// progress bar.

func termIsTerminal(fd uintptr) bool { return term.IsTerminal(fd) }

// writeJSON prints v as one line of JSON.
func writeJSON(w io.Writer, v any) error {
	if err := json.NewEncoder(w).Encode(v); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}

// maxCell is the widest a table cell gets, in terminal cells.
const maxCell = 60

// columnGap separates table columns.
const columnGap = 2

// printTable prints rows as a table aligned in terminal cells (so CJK and
// emoji line up); parent fields are flattened ("Owner.Name"), child sets
// shown as a count, text sanitized and cut at maxCell cells.
func printTable(w io.Writer, rows []*soql.Row, total int) error {
	var cols []string
	seen := map[string]bool{}
	flat := make([]map[string]string, len(rows))
	for i, r := range rows {
		flat[i] = map[string]string{}
		ui.FlattenRow(r, "", flat[i], func(col string) {
			if !seen[col] {
				seen[col] = true
				cols = append(cols, col)
			}
		}, cell)
	}
	lines := make([][]string, 0, len(rows)+1)
	if len(cols) > 0 {
		header := make([]string, len(cols))
		for j, c := range cols {
			header[j] = cell(c)
		}
		lines = append(lines, header)
	}
	for _, f := range flat {
		cells := make([]string, len(cols))
		for j, c := range cols {
			cells[j] = f[c]
		}
		lines = append(lines, cells)
	}
	if err := writeAligned(w, lines); err != nil {
		return err
	}
	if len(rows) == 0 && total > 0 {
		// COUNT() alone: Salesforce answers with totalSize and no rows.
		_, err := fmt.Fprintf(w, "%d record%s counted\n", total, plural(total))
		return err
	}
	_, err := fmt.Fprintf(w, "(%d row%s)\n", total, plural(total))
	return err
}

// writeAligned pads every cell but the last of a line to its column's
// widest cell plus columnGap, measuring in terminal cells.
func writeAligned(w io.Writer, lines [][]string) error {
	var widths []int
	for _, l := range lines {
		for j, c := range l {
			if j >= len(widths) {
				widths = append(widths, 0)
			}
			widths[j] = max(widths[j], ansi.StringWidth(c))
		}
	}
	var b strings.Builder
	for _, l := range lines {
		for j, c := range l {
			b.WriteString(c)
			if j < len(l)-1 {
				b.WriteString(strings.Repeat(" ", widths[j]-ansi.StringWidth(c)+columnGap))
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// cell makes text from the org safe and short enough for a table cell.
func cell(s string) string {
	return ansi.Truncate(views.Sanitize(s), maxCell, "…")
}

// progressWidth is the progress bar's width in cells.
const progressWidth = 24

// printProgress draws a sync's progress on one terminal line.
func printProgress(w io.Writer, p syncer.Progress) {
	object := views.Sanitize(p.Object)
	switch p.Phase {
	case syncer.PhaseFetch:
		fmt.Fprintf(w, "\r\033[K%s %s %d/%d records, %d pages", progressBar(p.Records, p.Total, progressWidth), object, p.Records, p.Total, p.Pages)
	case syncer.PhaseSkipped:
		fmt.Fprintf(w, "\r\033[K%s skipped: %s\n", object, views.Sanitize(p.Note))
	default:
		fmt.Fprintf(w, "\r\033[K%s: %s", object, p.Phase)
	}
}

// clearProgress erases the progress line.
func clearProgress(w io.Writer) { fmt.Fprint(w, "\r\033[K") }

// progressBar draws done/total as a bar of width cells with a percentage;
// with an unknown total it shows an empty bar.
func progressBar(done, total, width int) string {
	filled, pct := 0, 0
	if total > 0 {
		done = min(done, total)
		filled, pct = done*width/total, done*100/total
	}
	return fmt.Sprintf("[%s%s] %3d%%", strings.Repeat("█", filled), strings.Repeat("░", width-filled), pct)
}
