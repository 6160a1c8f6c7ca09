package dev.wrenn.cli;

import dev.wrenn.cli.client.FilesCommand;
import dev.wrenn.cli.client.SandboxCommand;
import dev.wrenn.cli.client.TemplateCommand;
import dev.wrenn.settings.Settings;
import dev.wrenn.settings.SettingsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./wrenn}: the one entry point for running, operating and using Wrenn. Like every command
 * group, it does nothing by itself: without a command it prints its usage as an error.
 */
@Command(
        name = "wrenn",
        mixinStandardHelpOptions = true,
        version = "wrenn 0.1.0",
        description = "Self-hostable microVM sandboxes for AI agents.",
        footer = {"", "Also:", "  image build Build the guest image from Debian packages (./wrenn image --help)."},
        subcommands = {
            ServerCommand.class,
            QuickstartCommand.class,
            AgentCommand.class,
            SandboxCommand.class,
            TemplateCommand.class,
            FilesCommand.class,
            dev.wrenn.cli.client.ProcessCommands.Ps.class,
            dev.wrenn.cli.client.ProcessCommands.Kill.class,
            dev.wrenn.cli.client.RunCodeCommand.class,
            dev.wrenn.cli.client.McpCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Wrenn {
    /** The command tree with its error handling, as {@link #main} runs it. */
    public static CommandLine commandLine() {
        var cli = new CommandLine(new Wrenn());
        // --accel kvm, as the host agent spells it.
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionStrategy(new StrictExecution());
        cli.setParameterExceptionHandler(new UsageErrors());
        cli.setExecutionExceptionHandler(new Failures("1".equals(Settings.env("WRENN_DEBUG"))));
        // Subcommands have -V too; without this they would print an empty line.
        String[] version = cli.getCommandSpec().version();
        everyCommand(cli, c -> c.getCommandSpec().version(version));
        return cli;
    }

    /** Runs the CLI on {@code args} and returns the process exit code. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    public static void main(String[] args) {
        try {
            // Read first, so that a bad .env is one line naming its file and line before anything starts.
            Settings.current();
        } catch (SettingsException e) {
            System.err.println("wrenn: " + e.getMessage());
            System.exit(1);
        }
        System.exit(run(args));
    }

    private static void everyCommand(CommandLine cli, java.util.function.Consumer<CommandLine> action) {
        action.accept(cli);
        // Aliases map to the same CommandLine: visit each once.
        cli.getSubcommands().values().stream().distinct().forEach(sub -> everyCommand(sub, action));
    }
}
