package dev.wrenn.cli;

import dev.wrenn.cli.client.CliException;
import dev.wrenn.cli.client.FilesCommand;
import dev.wrenn.cli.client.SandboxCommand;
import dev.wrenn.cli.client.TemplateCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./wrenn}: the one entry point for running, operating and using Wrenn. */
@Command(
        name = "wrenn",
        mixinStandardHelpOptions = true,
        version = "wrenn 0.1.0",
        description = "Self-hostable microVM sandboxes for AI agents.",
        footer = {"", "Also: ./wrenn image build [--out DIR] [--force]   builds the guest image from Debian packages."},
        subcommands = {
            ServerCommand.class,
            QuickstartCommand.class,
            AgentCommand.class,
            SandboxCommand.class,
            TemplateCommand.class,
            FilesCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Wrenn implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        var cli = new CommandLine(new Wrenn());
        // --accel kvm, as the host agent spells it.
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            if (e instanceof CliException c) {
                commandLine.getErr().println("wrenn: " + c.getMessage());
                return c.exitCode();
            }
            throw e;
        });
        System.exit(cli.execute(args));
    }
}
