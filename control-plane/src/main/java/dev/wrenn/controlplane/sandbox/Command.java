package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.http.ApiException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A command as the API receives it. With {@code args} given, {@code cmd} is the program and runs
 * directly; without {@code args}, {@code cmd} is a shell command line run by {@code /bin/sh -c}, so
 * {@code {"cmd":"ls -la /tmp | wc -l"}} works as people expect.
 */
public record Command(String display, String program, List<String> args) {
    public static Command parse(JsonNode body) {
        var cmdNode = body.get("cmd");
        if (cmdNode == null || cmdNode.isNull()) throw ApiException.invalid("'cmd' is required");
        if (!cmdNode.isString() || cmdNode.asString().isBlank())
            throw ApiException.invalid("'cmd' must be a non-empty string");
        String cmd = cmdNode.asString();
        var argsNode = body.get("args");
        if (argsNode == null || argsNode.isNull()) {
            return new Command(cmd, "/bin/sh", List.of("-c", cmd));
        }
        if (!argsNode.isArray()) throw ApiException.invalid("'args' must be an array of strings");
        var args = new ArrayList<String>();
        for (var a : argsNode) {
            if (!a.isString()) throw ApiException.invalid("'args' must be an array of strings");
            args.add(a.asString());
        }
        return new Command(cmd, cmd, List.copyOf(args));
    }
}
