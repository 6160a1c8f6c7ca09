package dev.wrenn.sdk.process;

import dev.wrenn.sdk.http.Json;
import dev.wrenn.sdk.http.Socket;

/**
 * A command whose output streams as it runs ({@code /v1/sandboxes/{id}/exec/stream}): iterate its
 * {@link ProcessEvent}s, write to its stdin, stop it. Closing the stream before the exit stops the command.
 *
 * <pre>{@code
 * try (CommandStream s = sandbox.commands().stream(Command.shell("make test").build())) {
 *     for (ProcessEvent e : s) {
 *         if (e instanceof ProcessEvent.Stdout out) System.out.print(out.text());
 *     }
 *     int code = s.waitForExit();
 * }
 * }</pre>
 */
public final class CommandStream extends ProcessOutput {
    CommandStream(Socket socket, Command command) {
        super(socket);
        socket.sendJson(command.json().put("type", "start"));
    }

    /** Writes {@code text} (UTF-8) to the command's stdin. */
    public void sendStdin(String text) {
        socket().sendJson(Json.object().put("type", "stdin").put("data", text));
    }

    /** Closes the command's stdin: it reads end-of-file. */
    public void closeStdin() {
        socket().sendJson(Json.object().put("type", "stdin").put("data", "").put("close", true));
    }

    /** SIGTERM to the command's process group, SIGKILL 2 s later; its exit still arrives. */
    public void stop() {
        socket().sendJson(Json.object().put("type", "stop"));
    }
}
