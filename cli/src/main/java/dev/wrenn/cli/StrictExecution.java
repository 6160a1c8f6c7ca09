package dev.wrenn.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Runs the last command given, as picocli's {@link CommandLine.RunLast} does, after two checks that
 * picocli leaves out: arguments nothing matched are an error even when {@code --help} is among them
 * (picocli prints the help and exits 0, so {@code wrenn sandbox nosuch --help} looked like success),
 * and a command group given no command is an error (it did nothing).
 */
final class StrictExecution implements CommandLine.IExecutionStrategy {
    @Override
    public int execute(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            // A command with an @Unmatched field takes such arguments on purpose.
            if (!p.unmatched().isEmpty()
                    && p.commandSpec().unmatchedArgsBindings().isEmpty()) {
                throw new CommandLine.UnmatchedArgumentException(p.commandSpec().commandLine(), p.unmatched());
            }
        }
        Integer help = CommandLine.executeHelpRequest(parsed);
        if (help != null) return help;
        ParseResult last = last(parsed);
        if (isGroup(last.commandSpec()))
            throw new MissingCommandException(last.commandSpec().commandLine());
        return new CommandLine.RunLast().execute(parsed);
    }

    private static ParseResult last(ParseResult parsed) {
        ParseResult p = parsed;
        while (p.hasSubcommand()) p = p.subcommand();
        return p;
    }

    /** Has subcommands and nothing to run of its own. */
    private static boolean isGroup(CommandLine.Model.CommandSpec spec) {
        Object command = spec.userObject();
        return !spec.subcommands().isEmpty() && !(command instanceof Runnable) && !(command instanceof Callable);
    }

    /** A command group was run without one of its commands. */
    static final class MissingCommandException extends ParameterException {
        MissingCommandException(CommandLine group) {
            super(group, "missing command for '" + group.getCommandSpec().qualifiedName() + "'");
        }
    }
}
