package cli

import (
	"context"

	"github.com/spf13/cobra"
)

// newCmdRoot is 'lazyforce': it opens the terminal app on the current org,
// and holds every command.
func newCmdRoot(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:           "lazyforce",
		Short:         "A keyboard-driven terminal client for Salesforce",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
		Args:          unknownCommand,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTUI(cmd.Context(), f)
		},
	}
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.PersistentFlags().StringVar(&f.OrgAlias, "org", "", "org `ALIAS` to use (default: the current org)")
	root.PersistentFlags().BoolVar(&f.Redact, "redact", false, "mask personal data (names of people, e-mails, phones, addresses, free text) for screen sharing")
	// --org completes to the configured aliases, never to file names.
	_ = root.RegisterFlagCompletionFunc("org", func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		aliases, err := f.Aliases()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		return aliases, cobra.ShellCompDirectiveNoFileComp
	})
	// Flag parsing errors are usage errors (exit status 2).
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usagef("%w (see '%s --help')", err, cmd.CommandPath())
	})

	root.AddCommand(
		newCmdDemo(f),
		newCmdLogin(f),
		newCmdLogout(f),
		newCmdOrgs(f),
		newCmdSync(f),
		newCmdQuery(f),
		newCmdAsk(f),
		newCmdFind(f),
		newCmdUpdate(f),
		newCmdCreate(f),
		newCmdOutbox(f),
	)
	addCompletion(root)
	return root
}

// addCompletion adds cobra's 'completion SHELL' command, with an unknown
// shell ('completion tcsh') a usage error rather than the help text.
func addCompletion(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		c.Args = func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown shell %q for '%s': use bash, zsh, fish or powershell", args[0], cmd.CommandPath())
			}
			return nil
		}
		c.RunE = func(cmd *cobra.Command, args []string) error { return cmd.Help() }
		c.DisableFlagsInUseLine = true
	}
}

// command returns the command use (its name, then its arguments),
// described by short, whose arguments args checks and which runs run with
// the command's context and arguments.
func command(use, short string, args cobra.PositionalArgs, run func(ctx context.Context, args []string) error) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  args,
		RunE:  func(cmd *cobra.Command, args []string) error { return run(cmd.Context(), args) },
	}
}
