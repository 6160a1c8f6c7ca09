package dev.wrenn.controlplane.host;

import java.util.List;
import java.util.Map;

/**
 * A process to start in a sandbox: program, arguments, environment, working directory (null: the
 * user's home), user (null: root), a terminal size (null: plain pipes), whether stdin stays open, and
 * an optional tag.
 */
public record ProcessRequest(
        String cmd,
        List<String> args,
        Map<String, String> env,
        String cwd,
        String user,
        TerminalSize pty,
        boolean stdin,
        String tag) {
    public ProcessRequest {
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? Map.of() : Map.copyOf(env);
    }

    public record TerminalSize(int cols, int rows) {}
}
