package dev.wrenn.guestagent.process;

import dev.wrenn.guestagent.http.ApiError;
import dev.wrenn.guestagent.http.Exchanges;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The body shared by {@code /exec} and {@code /process}. A timeout of 0 means none. */
public record CommandSpec(String cmd, List<String> args, Map<String, String> env, String cwd, long timeoutMs) {

    public static CommandSpec from(Map<String, Object> body, long defaultTimeoutMs) {
        String cmd = Exchanges.requireString(body, "cmd");
        var args = new ArrayList<String>();
        Object rawArgs = body.get("args");
        if (rawArgs != null) {
            if (!(rawArgs instanceof List<?> l)) throw ApiError.badRequest("'args' must be an array of strings");
            for (Object o : l) {
                if (!(o instanceof String s)) throw ApiError.badRequest("'args' must be an array of strings");
                args.add(s);
            }
        }
        var env = new LinkedHashMap<String, String>();
        Object rawEnv = body.get("env");
        if (rawEnv != null) {
            if (!(rawEnv instanceof Map<?, ?> m)) throw ApiError.badRequest("'env' must be an object of strings");
            for (var e : m.entrySet()) {
                if (!(e.getValue() instanceof String v)) throw ApiError.badRequest("'env' values must be strings");
                env.put((String) e.getKey(), v);
            }
        }
        Object rawCwd = body.get("cwd");
        if (rawCwd != null && !(rawCwd instanceof String)) throw ApiError.badRequest("'cwd' must be a string");
        long timeout = Exchanges.optionalLong(body, "timeout_ms", defaultTimeoutMs);
        if (timeout < 0) throw ApiError.badRequest("'timeout_ms' must be >= 0");
        return new CommandSpec(cmd, List.copyOf(args), Map.copyOf(env), (String) rawCwd, timeout);
    }
}
