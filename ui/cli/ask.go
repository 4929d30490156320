package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"charm.land/glamour/v2"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/lazyforce/lazyforce/sfdc/soql"
	"github.com/lazyforce/lazyforce/store"
	"github.com/lazyforce/lazyforce/store/ask"
)

func newCmdAsk(f *Factory) *cobra.Command {
	opts := &sourceOptions{}
	cmd := command("ask QUESTION", "Answer a question about your book of business from the cache (or the org with --live)", exactArgs(1), func(ctx context.Context, args []string) error {
		return runAsk(ctx, f, opts, args[0])
	})
	cmd.Long = `Answer a question in plain words, exactly, from the local cache: the
question becomes SOQL, the SOQL runs on the cache (or on the org with
--live), and the answer shows the SOQL, the source and the cache age.

Examples:
  lazyforce ask "what is my pipeline by stage"
  lazyforce ask "my win rate last quarter"
  lazyforce ask --json "total opportunity size of Acme"`
	opts.addFlags(cmd, `print {"understood","answer","value","rows","soql","source","as_of"}`, "run the plan's SOQL on the org instead of the cache")
	return cmd
}

// runAsk answers one question and prints the answer.
func runAsk(ctx context.Context, f *Factory, opts *sourceOptions, question string) error {
	a, err := answer(ctx, f, opts, question)
	if err != nil {
		return fmt.Errorf("ask: %w", err)
	}
	if opts.json {
		return writeJSON(f.IO.Out, askJSON(a))
	}
	return printMarkdown(f.IO.Out, a.Markdown)
}

// answer answers one question.
func answer(ctx context.Context, f *Factory, opts *sourceOptions, question string) (*ask.Answer, error) {
	_, st, err := openCache(f, store.Options{ReadOnly: true, Populate: true}, "ask", opts.live)
	if err != nil {
		return nil, err
	}
	var eo ask.Options
	if opts.live {
		c, err := f.Client(ctx)
		if err != nil {
			return nil, err
		}
		eo.Live = ask.RunnerFunc(func(ctx context.Context, q string) ([]*soql.Row, error) {
			rows, _, err := queryOrg(ctx, c, q)
			return rows, err
		})
	}
	// The optional model that proposes SOQL for questions outside the
	// grammar: off unless configured.
	model, err := f.AskModel()
	if err != nil {
		return nil, err
	}
	eo.Model = model
	// In redacted mode the answer is written from masked rows: its
	// markdown, rows and links show no personal data.
	eo.Mask = func(rows []*soql.Row) { f.Masker().Rows("", rows) }
	e, err := ask.New(st, eo)
	if err != nil {
		return nil, err
	}
	return e.Ask(ctx, question)
}

// askResult is the --json shape of an answer.
type askResult struct {
	Understood bool        `json:"understood"`
	Answer     string      `json:"answer"`
	Value      *float64    `json:"value"`
	Rows       []*soql.Row `json:"rows"`
	SOQL       []string    `json:"soql"`
	Source     string      `json:"source"`
	AsOf       string      `json:"as_of"`
}

func askJSON(a *ask.Answer) askResult {
	r := askResult{Understood: a.Understood, Answer: a.Markdown, Value: a.Value, Rows: a.Rows, SOQL: a.SOQL, Source: a.Source}
	if r.Rows == nil {
		r.Rows = []*soql.Row{}
	}
	if r.SOQL == nil {
		r.SOQL = []string{}
	}
	if !a.AsOf.IsZero() {
		r.AsOf = a.AsOf.UTC().Format(time.RFC3339)
	}
	return r
}

// printMarkdown renders md with Glamour on a terminal (its width, the
// GLAMOUR_STYLE or dark style) and prints it as it is when piped.
func printMarkdown(w io.Writer, md string) error {
	out := md
	if f, ok := w.(*os.File); ok && isTerminal(w) {
		width := 80
		if cols, _, err := term.GetSize(f.Fd()); err == nil && cols > 20 {
			width = min(cols, 120) - 2
		}
		style := os.Getenv("GLAMOUR_STYLE")
		if style == "" {
			style = "dark"
		}
		r, err := glamour.NewTermRenderer(glamour.WithStylePath(style), glamour.WithWordWrap(width))
		if err != nil {
			return fmt.Errorf("render the answer: %w", err)
		}
		if out, err = r.Render(md); err != nil {
			return fmt.Errorf("render the answer: %w", err)
		}
	}
	if !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	_, err := io.WriteString(w, out)
	return err
}
