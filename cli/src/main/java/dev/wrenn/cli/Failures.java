package dev.wrenn.cli;

import dev.wrenn.cli.client.CliException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Reports a command that failed as {@code wrenn: <message>} on stderr and exits 1 (or the
 * {@link CliException}'s code). Stack traces are for developers: only with {@code WRENN_DEBUG=1}.
 */
final class Failures implements CommandLine.IExecutionExceptionHandler {
    private final boolean stackTraces;

    Failures(boolean stackTraces) {
        this.stackTraces = stackTraces;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
        PrintWriter err = command.getErr();
        if (stackTraces) e.printStackTrace(err);
        err.println("wrenn: " + describe(e));
        err.flush();
        return e instanceof CliException c ? c.exitCode() : 1;
    }

    /**
     * The message alone where it is written for people; otherwise the exception's type too, since
     * messages such as a NoSuchFileException's (just a path) mean little without it.
     */
    static String describe(Throwable e) {
        String message =
                e.getMessage() == null || e.getMessage().isBlank() ? null : UsageErrors.oneLine(e.getMessage());
        boolean forPeople = e instanceof CliException
                || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException;
        if (message == null) return e.getClass().getSimpleName();
        return forPeople ? message : e.getClass().getSimpleName() + ": " + message;
    }
}
