package dev.wrenn.sdk.process;

import dev.wrenn.sdk.http.Json;
import dev.wrenn.sdk.http.Query;
import dev.wrenn.sdk.http.Transport;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import tools.jackson.databind.JsonNode;

/** One-shot commands in a sandbox, whole or streamed. From {@code Sandbox#commands()}. */
public final class Commands {
    /** What the server allows a command beyond its own timeout before the HTTP call gives up. */
    private static final Duration GRACE = Duration.ofSeconds(60);

    private final Transport transport;
    private final String sandboxId;

    public Commands(Transport transport, String sandboxId) {
        this.transport = transport;
        this.sandboxId = sandboxId;
    }

    /** Runs a shell command line and waits for it (30 s at most). */
    public CommandResult run(String commandLine) {
        return run(Command.shell(commandLine).build());
    }

    /** Runs {@code command} and waits for it; past its timeout (default 30 s) it is killed and marked timed out. */
    public CommandResult run(Command command) {
        var body = command.json().put("timeout_sec", seconds(command));
        Duration wait = command.timeout() == null
                ? Duration.ofSeconds(30).plus(GRACE)
                : command.timeout().plus(GRACE);
        JsonNode r = transport.json("POST", path("/exec"), body, wait).as(JsonNode.class);
        boolean base64 = "base64".equals(r.path("encoding").asString("utf-8"));
        return new CommandResult(
                bytes(r.path("stdout").asString(""), base64),
                bytes(r.path("stderr").asString(""), base64),
                r.path("exit_code").asInt(),
                r.path("timed_out").asBoolean(false),
                Duration.ofMillis(r.path("duration_ms").asLong()));
    }

    /**
     * Runs {@code command} with its output streamed to {@code handler} as it is produced, and returns the whole
     * result too. Past the command's timeout (none when unset) it is stopped (SIGTERM, then SIGKILL) and marked
     * timed out.
     */
    public CommandResult run(Command command, OutputHandler handler) {
        long start = System.nanoTime();
        var stdout = new ByteArrayOutputStream();
        var stderr = new ByteArrayOutputStream();
        var outText = new TextChunks();
        var errText = new TextChunks();
        boolean timedOut = false;
        long deadline = command.timeout() == null
                ? Long.MAX_VALUE
                : start + command.timeout().toNanos();
        try (CommandStream s = stream(command)) {
            while (!s.isDone()) {
                long left = deadline - System.nanoTime();
                if (left <= 0 && !timedOut) {
                    timedOut = true;
                    s.stop();
                    continue;
                }
                ProcessEvent e = s.next(timedOut ? Duration.ofDays(1) : Duration.ofNanos(left));
                switch (e) {
                    case ProcessEvent.Stdout o -> {
                        stdout.writeBytes(o.data());
                        emit(outText.feed(o.data()), handler, true);
                    }
                    case ProcessEvent.Stderr o -> {
                        stderr.writeBytes(o.data());
                        emit(errText.feed(o.data()), handler, false);
                    }
                    case null, default -> {}
                }
            }
            emit(outText.finish(), handler, true);
            emit(errText.finish(), handler, false);
            return new CommandResult(
                    stdout.toByteArray(),
                    stderr.toByteArray(),
                    s.waitForExit(),
                    timedOut,
                    Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private static void emit(String text, OutputHandler handler, boolean out) {
        if (text.isEmpty()) return;
        if (out) handler.onStdout(text);
        else handler.onStderr(text);
    }

    /** Starts {@code command} over a WebSocket; read its events from the returned stream, and close it. */
    public CommandStream stream(Command command) {
        var socket = transport.socket(path("/exec/stream"));
        try {
            return new CommandStream(socket, command);
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private Query path(String tail) {
        return Query.path("/v1/sandboxes").segment(sandboxId).then(tail);
    }

    private static Long seconds(Command c) {
        if (c.timeout() == null) return null;
        long s = Math.max(1, (long) Math.ceil(c.timeout().toMillis() / 1000.0));
        return s;
    }

    private static byte[] bytes(String s, boolean base64) {
        return base64 ? Base64.getDecoder().decode(s) : s.getBytes(StandardCharsets.UTF_8);
    }

    /** For {@link Processes}: the same request body with the fields a background process adds. */
    static Json.Fields startBody(Command c) {
        return c.json().put("tag", c.tag()).put("stdin", c.stdin() ? Boolean.TRUE : null);
    }
}
