package dev.wrenn.hostagent.guest.envd;

import java.util.List;
import java.util.Map;

/**
 * What to start in the guest: envd's ProcessConfig (cmd, args, envs, cwd) plus the user it runs as
 * (null: the guest's default), a terminal size (null: plain pipes), whether stdin stays open, and an
 * optional tag to find it again by.
 */
public record ProcessSpec(
        String cmd,
        List<String> args,
        Map<String, String> env,
        String cwd,
        String user,
        TerminalSize pty,
        boolean stdin,
        String tag) {
    public ProcessSpec {
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? Map.of() : Map.copyOf(env);
    }

    public record TerminalSize(int cols, int rows) {}
}
