// Command lazyforce is a keyboard-driven terminal client for Salesforce.
// The command line lives in ui/cli.
package main

import (
	"os"

	"github.com/lazyforce/lazyforce/ui/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:]...))
}
