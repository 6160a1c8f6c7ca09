package dev.wrenn.controlplane.process;

import dev.wrenn.controlplane.host.ProcessRequest;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.sandbox.Command;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The body of a process start: the exec command's {@code cmd}/{@code args} (a command line without
 * {@code args} runs under {@code /bin/sh -c}) plus {@code env}, {@code cwd}, {@code user}, {@code tag}
 * and {@code stdin}.
 */
final class ProcessStart {
    static final java.util.Set<String> USERS = java.util.Set.of("root", "user");

    private ProcessStart() {}

    static ProcessRequest parse(JsonNode body, ProcessRequest.TerminalSize pty) {
        Command command = Command.parse(body);
        return new ProcessRequest(
                command.program(),
                command.args(),
                env(body.get("env")),
                optional(body, "cwd"),
                user(optional(body, "user")),
                pty,
                body.path("stdin").asBoolean(pty != null),
                optional(body, "tag"));
    }

    static String user(String user) {
        if (user != null && !USERS.contains(user))
            throw ApiException.invalid("unknown user '" + user + "': 'root' or 'user'");
        return user;
    }

    static String optional(JsonNode body, String field) {
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
            if (!e.getValue().isString()) throw ApiException.invalid("'env." + e.getKey() + "' must be a string");
            env.put(e.getKey(), e.getValue().asString());
        }
        return env;
    }
}
