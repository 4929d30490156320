package cli

import "github.com/spf13/cobra"

func newCmdCreate(f *Factory) *cobra.Command {
	return newWriteCmd(f, "create TYPE FIELD=VALUE...",
		"Create a record (validated, queued in the outbox, pushed when online)",
		`Create a record. The values are checked like 'lazyforce update' does, and
every required field must be given. Once the org has the record its Id is
printed. Offline the record is queued (exit status 0) and cached under a
placeholder Id until 'lazyforce sync' pushes it.`, false)
}
