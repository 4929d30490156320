// Command lazyforce is a keyboard-driven terminal client for Salesforce.
//
// This file owns the command line (see DESIGN.md, "Command line"): flags,
// wiring and exit codes. Each command's work lives in a package; the
// functions here only parse, wire and print.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// Exit codes are part of the command-line contract.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// usageError marks errors caused by bad command-line input (exit status 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// globalOptions are the flags every command accepts.
type globalOptions struct {
	org string
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line and returns the process exit status.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRootCommand(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "lazyforce: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	return exitError
}

func newRootCommand(stdout, stderr io.Writer) *cobra.Command {
	opts := &globalOptions{}
	root := &cobra.Command{
		Use:           "lazyforce",
		Short:         "A keyboard-driven terminal client for Salesforce",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("the terminal app is not available yet; try 'lazyforce demo --serve 127.0.0.1:0'")
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().StringVar(&opts.org, "org", "", "org alias to use (default: the current org)")
	// Flag parsing errors are usage errors (exit status 2).
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w (see '%s --help')", err, cmd.CommandPath())}
	})

	root.AddCommand(
		newDemoCommand(opts, stdout, stderr),
	)
	return root
}

// exactArgs is cobra.ExactArgs reporting a usage error.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}

// minArgs is cobra.MinimumNArgs reporting a usage error.
func minArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.MinimumNArgs(n)(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}

// demoOptions are the flags of 'lazyforce demo'.
type demoOptions struct {
	serve string
	seed  int64
	scale int
}

func newDemoCommand(opts *globalOptions, stdout, stderr io.Writer) *cobra.Command {
	demo := &demoOptions{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Open lazyforce on a built-in demo org (or serve the demo org with --serve)",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if demo.serve != "" {
				return runDemoServe(cmd, demo, stdout)
			}
			return errors.New("the demo terminal app is not available yet; try 'lazyforce demo --serve 127.0.0.1:0'")
		},
	}
	cmd.Flags().StringVar(&demo.serve, "serve", "", "only run the demo org's emulator on `ADDR` (port 0 picks a free port)")
	cmd.Flags().Int64Var(&demo.seed, "seed", 1, "seed for the demo org's data")
	cmd.Flags().IntVar(&demo.scale, "scale", 1, "multiply the demo org's size (70 gives >100k opportunities+tasks)")
	return cmd
}

// runDemoServe runs only the emulator until interrupted.
func runDemoServe(cmd *cobra.Command, demo *demoOptions, stdout io.Writer) error {
	return errors.New("demo --serve is not available yet")
}
