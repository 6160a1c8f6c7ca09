package dev.wrenn.hostagent.guest;

import java.util.List;
import java.util.Map;

/** A command for the guest agent's /exec and /process. timeoutMs 0: the endpoint's default / none. */
public record ExecCommand(String cmd, List<String> args, Map<String, String> env, String cwd, long timeoutMs) {
    public ExecCommand {
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? Map.of() : Map.copyOf(env);
    }

    public static ExecCommand of(String cmd, String... args) {
        return new ExecCommand(cmd, List.of(args), Map.of(), null, 0);
    }
}
