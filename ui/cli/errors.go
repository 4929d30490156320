package cli

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"

	"github.com/lazyforce/lazyforce/sfdc"
	"github.com/lazyforce/lazyforce/views"
)

// Exit codes are part of the command-line contract (DESIGN.md, "Command
// line"): 0 ok, 1 an error (one line on stderr), 2 bad usage.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
)

// errorPrefix starts the one line every failure prints on stderr.
const errorPrefix = "lazyforce: "

// UsageError marks errors caused by bad command-line input (exit status 2).
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

// usagef builds a UsageError from a format.
func usagef(format string, args ...any) error {
	return UsageError{fmt.Errorf(format, args...)}
}

// exitCode maps an error from a command to the process exit status.
func exitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ue UsageError
	if errors.As(err, &ue) {
		return ExitUsage
	}
	return ExitError
}

// exactArgs is cobra.ExactArgs reporting a usage error that names the
// command and its usage line.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == n {
			return nil
		}
		if n == 0 {
			return usagef("'%s' takes no arguments, got %q (see '%s --help')", cmd.CommandPath(), args[0], cmd.CommandPath())
		}
		return usagef("'%s' takes %d argument(s), got %d: usage: %s (see '%s --help')", cmd.CommandPath(), n, len(args), cmd.UseLine(), cmd.CommandPath())
	}
}

// minArgs is cobra.MinimumNArgs reporting a usage error that shows the
// command's usage line.
func minArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return usagef("usage: %s (see '%s --help')", cmd.UseLine(), cmd.CommandPath())
		}
		return nil
	}
}

// unknownCommand is the root's argument check: an unknown command is a
// usage error that suggests the nearest command ("quer" → query).
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	hint := ""
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		hint = fmt.Sprintf("did you mean %q? ", s[0])
	}
	return usagef("unknown command %q (%ssee '%s --help')", args[0], hint, cmd.CommandPath())
}

// maxWord and maxLine bound what an error line repeats: a query error
// echoes tokens of the query, which can be megabytes long. maxWord leaves
// room for a file path or URL.
const (
	maxWord = 120
	maxLine = 480
)

// oneLine reduces an error to one bounded, sanitized line: Salesforce's
// multi-line query errors ("\nSOQL\n   ^\nERROR at Row:1:Column:8\nNo such
// column…") keep their code, position and reason but not the echoed
// statement, and any overlong word (an echoed token) is cut.
func oneLine(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "ERROR at Row"); i >= 0 {
		// Keep what precedes the echoed statement (the error code) and
		// what follows the caret line.
		head := msg[:i]
		if nl := strings.IndexByte(msg, '\n'); nl >= 0 && nl < i {
			head = msg[:nl]
		}
		msg = head + " " + msg[i:]
	}
	words := strings.Fields(views.Sanitize(msg))
	for i, w := range words {
		words[i] = ansi.Truncate(w, maxWord, "…")
	}
	return ansi.Truncate(strings.Join(words, " "), maxLine, "…")
}

// describeError turns any error into the one clear line the command line
// contract promises: Salesforce's multi-line messages are folded, text from
// the org is sanitized, and an unreachable org is called that; when the
// org has a cache (hasCache), the line adds that reading it still works.
func describeError(ctx context.Context, err error, hasCache bool) string {
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return "interrupted"
	}
	msg := oneLine(err)
	// Only HTTP transport failures (always a *url.Error) mean the org is
	// unreachable; IsNetworkError alone also matches other IO errors.
	var ue *url.Error
	if errors.As(err, &ue) && sfdc.IsNetworkError(err) {
		if hasCache {
			return "cannot reach the org (offline or wrong URL?); commands that read the cache still work: " + msg
		}
		return "cannot reach the org (offline or wrong URL?): " + msg
	}
	return msg
}
