package dev.wrenn.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./wrenn}: the one entry point for running, operating and using Wrenn. */
@Command(
        name = "wrenn",
        mixinStandardHelpOptions = true,
        version = "wrenn 0.1.0",
        description = "Self-hostable microVM sandboxes for AI agents.",
        subcommands = {ServerCommand.class, CommandLine.HelpCommand.class})
public final class Wrenn implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Wrenn()).execute(args));
    }
}
