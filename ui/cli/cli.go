// Package cli is lazyforce's command line (cobra): one file per command,
// each with its options struct and a newCmdX(f *Factory) constructor; a
// Factory that resolves config, org, client and store lazily and once;
// output (output.go) and errors with exit codes (errors.go) in one place.
//
// Adding a command is one file here and one line in newCmdRoot.
package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// stopSignals end a run cleanly (deferred cleanup runs: the demo removes
// its temporary cache, the cache file is closed): an interrupt, a
// termination request, or the terminal going away.
func stopSignals() []os.Signal {
	return []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}
}

// Main runs the command line on the process's streams and returns the exit
// status; the run stops cleanly on the first stopSignals signal (a second
// one ends the process).
func Main(args ...string) int {
	ctx, stop := signal.NotifyContext(context.Background(), stopSignals()...)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // the next signal gets its default action
	}()
	return Run(ctx, IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}, args...)
}

// Run executes the command line and returns the process exit status:
// ExitOK, ExitError with one line on stderr, or ExitUsage.
func Run(ctx context.Context, io IOStreams, args ...string) int {
	f := NewFactory(io)
	root := newCmdRoot(f)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close cache: %w", cerr)
	}
	if err != nil {
		fmt.Fprintf(io.ErrOut, "%s%s\n", errorPrefix, describeError(ctx, err, hasCache(f)))
	}
	return exitCode(err)
}

// hasCache reports whether the org the command ran on (the current one
// unless --org names another) has a cache on this machine.
func hasCache(f *Factory) bool {
	org, err := f.Org()
	if err != nil {
		return false
	}
	dirs, err := f.Dirs()
	if err != nil {
		return false
	}
	_, err = os.Stat(dirs.CachePath(org.Alias))
	return err == nil
}

// version is the module version and VCS revision this binary was built from.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " (" + s.Value[:12] + ")"
		}
	}
	return v
}
