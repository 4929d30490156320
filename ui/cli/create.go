package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/lazyforce/lazyforce/store/write"
)

func newCmdCreate(f *Factory) *cobra.Command {
	opts := &writeOptions{}
	cmd := &cobra.Command{
		Use:   "create TYPE FIELD=VALUE...",
		Short: "Create a record (validated, queued in the outbox, pushed when online)",
		Long: `Create a record. The values are checked like 'lazyforce update' does, and
every required field must be given. Once the org has the record its Id is
printed. Offline the record is queued (exit status 0) and cached under a
placeholder Id until 'lazyforce sync' pushes it.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 {
				return usagef("usage: %s (see '%s --help')", cmd.UseLine(), cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			fields, err := write.ParseAssignments(args[1:])
			if err != nil {
				return UsageError{fmt.Errorf("create: %w", err)}
			}
			return runWrite(cmd.Context(), f, opts, args[0], "", fields)
		},
	}
	cmd.Flags().BoolVar(&opts.json, "json", false, "print the outbox entry as JSON")
	return cmd
}
