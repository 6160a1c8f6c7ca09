package dev.wrenn.controlplane.process;

import dev.wrenn.controlplane.host.ProcessRequest;
import dev.wrenn.controlplane.sandbox.Command;
import tools.jackson.databind.JsonNode;

/**
 * The body of a process start: the exec command ({@code cmd}, {@code args}, {@code env}, {@code cwd},
 * {@code user}; a command line without {@code args} runs under {@code /bin/sh -c}) plus {@code tag} and
 * {@code stdin}.
 */
final class ProcessStart {
    private ProcessStart() {}

    static ProcessRequest parse(JsonNode body, ProcessRequest.TerminalSize pty) {
        Command c = Command.parse(body);
        return new ProcessRequest(
                c.program(),
                c.args(),
                c.env(),
                c.cwd(),
                c.user(),
                pty,
                body.path("stdin").asBoolean(pty != null),
                Command.optional(body, "tag"));
    }
}
