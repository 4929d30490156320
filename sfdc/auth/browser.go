package auth

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
)

// OpenError means no browser could be opened; its message tells the user
// to open the URL themselves.
type OpenError struct {
	URL   string
	Cause error
}

// Error says to open the URL by hand.
func (e *OpenError) Error() string {
	msg := "could not open a browser"
	if e.Cause != nil {
		msg += " (" + e.Cause.Error() + ")"
	}
	return msg + "; open this URL: " + e.URL
}

// Unwrap exposes why no browser started.
func (e *OpenError) Unwrap() error { return e.Cause }

// DefaultOpener opens url in the user's browser: $BROWSER if set (a
// colon-separated list of commands, "%s" standing for the URL, as other
// command-line tools read it), else the platform's opener (xdg-open, open,
// or rundll32 on Windows). It returns an *OpenError when none starts.
func DefaultOpener(ctx context.Context, url string) error {
	return openWith(os.Getenv("BROWSER"), runtime.GOOS, url)
}

func openWith(browserEnv, goos, url string) error {
	var cmds [][]string
	for _, c := range strings.Split(browserEnv, string(os.PathListSeparator)) {
		fields := strings.Fields(c)
		if len(fields) == 0 {
			continue
		}
		hasURL := false
		for i, f := range fields {
			if strings.Contains(f, "%s") {
				fields[i], hasURL = strings.ReplaceAll(f, "%s", url), true
			}
		}
		if !hasURL {
			fields = append(fields, url)
		}
		cmds = append(cmds, fields)
	}
	if len(cmds) == 0 {
		switch goos {
		case "darwin":
			cmds = [][]string{{"open", url}}
		case "windows":
			cmds = [][]string{{"rundll32", "url.dll,FileProtocolHandler", url}}
		default:
			cmds = [][]string{{"xdg-open", url}, {"wslview", url}}
		}
	}
	var last error
	for _, c := range cmds {
		path, err := exec.LookPath(c[0])
		if err != nil {
			last = err
			continue
		}
		// Not CommandContext: the browser must outlive the login.
		cmd := exec.Command(path, c[1:]...)
		if err := cmd.Start(); err != nil {
			last = err
			continue
		}
		go func() { _ = cmd.Wait() }()
		return nil
	}
	if last == nil {
		last = fmt.Errorf("no opener for %s", goos)
	}
	return &OpenError{URL: url, Cause: last}
}
