package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.host.ProcessRequest;
import dev.wrenn.controlplane.http.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A command as the API receives it. With {@code args} given, {@code cmd} is the program and runs
 * directly; without {@code args}, {@code cmd} is a shell command line run by {@code /bin/sh -c}, so
 * {@code {"cmd":"ls -la /tmp | wc -l"}} works as people expect. {@code env} adds variables, {@code cwd}
 * is the working directory (relative to the user's home; default the home) and {@code user} the guest
 * account it runs as (default root).
 */
public record Command(
        String display, String program, List<String> args, Map<String, String> env, String cwd, String user) {
    /** The guest's accounts: root, and the unprivileged user E2B's templates call {@code user}. */
    public static final Set<String> USERS = Set.of("root", "user");

    public static Command parse(JsonNode body) {
        var cmdNode = body.get("cmd");
        if (cmdNode == null || cmdNode.isNull()) throw ApiException.invalid("'cmd' is required");
        if (!cmdNode.isString() || cmdNode.asString().isBlank())
            throw ApiException.invalid("'cmd' must be a non-empty string");
        String cmd = cmdNode.asString();
        Map<String, String> env = env(body.get("env"));
        String cwd = optional(body, "cwd");
        String user = user(optional(body, "user"));
        var argsNode = body.get("args");
        if (argsNode == null || argsNode.isNull()) {
            return new Command(cmd, "/bin/sh", List.of("-c", cmd), env, cwd, user);
        }
        if (!argsNode.isArray()) throw ApiException.invalid("'args' must be an array of strings");
        var args = new ArrayList<String>();
        for (var a : argsNode) {
            if (!a.isString()) throw ApiException.invalid("'args' must be an array of strings");
            args.add(a.asString());
        }
        return new Command(cmd, cmd, List.copyOf(args), env, cwd, user);
    }

    /** The process to start: {@code stdin} open when the caller will write to it, no terminal, no tag. */
    public ProcessRequest request(boolean stdin) {
        return new ProcessRequest(program, args, env, cwd, user, null, stdin, null);
    }

    public static String user(String user) {
        if (user != null && !USERS.contains(user))
            throw ApiException.invalid("unknown user '" + user + "': 'root' or 'user'");
        return user;
    }

    public static String optional(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isString()) throw ApiException.invalid("'" + field + "' must be a string");
        return n.asString().isEmpty() ? null : n.asString();
    }

    static Map<String, String> env(JsonNode n) {
        if (n == null || n.isNull()) return Map.of();
        if (!n.isObject()) throw ApiException.invalid("'env' must be an object of strings");
        var env = new LinkedHashMap<String, String>();
        for (var e : n.properties()) {
            if (e.getKey().isEmpty() || e.getKey().contains("=") || e.getKey().indexOf('\0') >= 0)
                throw ApiException.invalid("'env' has an invalid variable name '" + e.getKey() + "'");
            if (!e.getValue().isString()) throw ApiException.invalid("'env." + e.getKey() + "' must be a string");
            env.put(e.getKey(), e.getValue().asString());
        }
        return Map.copyOf(env);
    }
}
