package dev.wrenn.sdk.process;

import java.util.List;
import java.util.Optional;

/**
 * A background process: running, or ended with its exit code (which the guest remembers for 30 s after the exit,
 * for the 256 most recent). {@code cmd}, {@code args} and {@code cwd} are known while it runs.
 */
public record ProcessInfo(
        long pid, String tag, String cmd, List<String> args, String cwd, boolean running, Integer exitCode) {
    public ProcessInfo {
        args = args == null ? List.of() : List.copyOf(args);
    }

    public Optional<Integer> exit() {
        return Optional.ofNullable(exitCode);
    }
}
