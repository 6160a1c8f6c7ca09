package dev.wrenn.sdk.code;

import java.util.List;
import java.util.Optional;

/**
 * A cell's whole run: its outputs ({@code results}), what it printed ({@code stdout} and {@code stderr}, chunk by
 * chunk), the exception it raised (null when none: a cell that raises is still an answer) and the context's
 * execution count.
 */
public record Execution(
        List<CodeOutput> results, List<String> stdout, List<String> stderr, CodeError error, Integer executionCount) {
    public Execution {
        results = List.copyOf(results);
        stdout = List.copyOf(stdout);
        stderr = List.copyOf(stderr);
    }

    /** The text of the cell's value (its last expression), if it had one. */
    public Optional<String> text() {
        return results.stream()
                .filter(CodeOutput::isMainResult)
                .map(CodeOutput::text)
                .findFirst();
    }

    public Optional<CodeError> raised() {
        return Optional.ofNullable(error);
    }

    /** The answer as the API writes it: the logs nested. */
    record Wire(List<CodeOutput> results, Logs logs, CodeError error, Integer executionCount) {
        record Logs(List<String> stdout, List<String> stderr) {}

        Execution execution() {
            return new Execution(
                    results == null ? List.of() : results,
                    logs == null || logs.stdout() == null ? List.of() : logs.stdout(),
                    logs == null || logs.stderr() == null ? List.of() : logs.stderr(),
                    error,
                    executionCount);
        }
    }

    /** Everything printed to stdout, joined. */
    public String stdoutText() {
        return String.join("", stdout);
    }
}
