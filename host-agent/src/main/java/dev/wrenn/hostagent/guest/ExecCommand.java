package dev.wrenn.hostagent.guest;

import dev.wrenn.hostagent.guest.envd.ProcessSpec;
import java.util.List;
import java.util.Map;

/**
 * A command of the exec calls: program, arguments, extra environment, working directory (null: the guest's
 * default workdir, else the user's home), user (null or empty: the guest's default user, which is root unless
 * the sandbox was created with another) and time limit (0: the call's default, or none).
 */
public record ExecCommand(
        String cmd, List<String> args, Map<String, String> env, String cwd, String user, long timeoutMs) {
    public ExecCommand {
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? Map.of() : Map.copyOf(env);
        if (user != null && user.isEmpty()) user = null;
    }

    public static ExecCommand of(String cmd, String... args) {
        return new ExecCommand(cmd, List.of(args), Map.of(), null, null, 0);
    }

    /** As envd starts it: plain pipes, stdin kept open only when the caller will write to it. */
    public ProcessSpec spec(boolean stdin) {
        return new ProcessSpec(cmd, args, env, cwd, user, null, stdin, null);
    }
}
