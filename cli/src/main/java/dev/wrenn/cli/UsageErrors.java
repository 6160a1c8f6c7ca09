package dev.wrenn.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Reports a command line the CLI cannot run as one line on stderr, with a pointer to the help of the
 * command at fault, and exits 2. A command group run without a command also gets its usage, since
 * listing the commands is the help the user needs.
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {
    static final int USAGE = 2;

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine at = e.getCommandLine();
        PrintWriter err = at.getErr();
        String name = at.getCommandSpec().qualifiedName();
        err.println("wrenn: " + message(e, at) + "; see '" + name + " --help'");
        if (e instanceof StrictExecution.MissingCommandException) at.usage(err);
        err.flush();
        return USAGE;
    }

    private static String message(ParameterException e, CommandLine at) {
        if (e instanceof UnmatchedArgumentException u && !at.getSubcommands().isEmpty()) {
            String first = u.getUnmatched().getFirst();
            if (!first.startsWith("-")) {
                List<String> similar = u.getSuggestions();
                return "unknown command '" + first + "' for '"
                        + at.getCommandSpec().qualifiedName() + "'"
                        + (similar.isEmpty() ? "" : " (did you mean " + String.join(" or ", similar) + "?)");
            }
        }
        // picocli ends some messages with a full stop; the pointer to --help follows here.
        return oneLine(e.getMessage()).replaceAll("\\.$", "");
    }

    static String oneLine(String message) {
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
