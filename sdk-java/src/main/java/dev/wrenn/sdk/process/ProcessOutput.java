package dev.wrenn.sdk.process;

import dev.wrenn.sdk.EventStream;
import dev.wrenn.sdk.StreamException;
import dev.wrenn.sdk.http.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import tools.jackson.databind.JsonNode;

/**
 * The output of one process over a WebSocket (a streamed command, or an attachment to a background process):
 * {@link ProcessEvent}s up to its exit, iterated or handed to an {@link OutputHandler}.
 */
public abstract sealed class ProcessOutput extends EventStream<ProcessEvent> permits CommandStream, ProcessStream {
    private volatile Integer exitCode;

    ProcessOutput(Socket socket) {
        super(socket);
    }

    /** Starts handing this stream's output to {@code handler} (as text) on the stream's own virtual thread. */
    final void deliverTo(OutputHandler handler) {
        var out = new TextChunks();
        var err = new TextChunks();
        pump(e -> {
            switch (e) {
                case ProcessEvent.Stdout o -> emit(out.feed(o.data()), handler::onStdout);
                case ProcessEvent.Stderr o -> emit(err.feed(o.data()), handler::onStderr);
                case ProcessEvent.Pty o -> emit(out.feed(o.data()), handler::onStdout);
                case ProcessEvent.Exited x -> {
                    emit(out.finish(), handler::onStdout);
                    emit(err.finish(), handler::onStderr);
                }
                case ProcessEvent.Started s -> {}
            }
        });
    }

    private static void emit(String text, java.util.function.Consumer<String> to) {
        if (!text.isEmpty()) to.accept(text);
    }

    @Override
    protected ProcessEvent decode(Socket.Message message) {
        if (!(message instanceof Socket.Message.Text t)) return null;
        ProcessEvent e = of(t.json());
        if (e instanceof ProcessEvent.Exited x) exitCode = x.exitCode();
        return e;
    }

    @Override
    protected boolean isLast(ProcessEvent event) {
        return event instanceof ProcessEvent.Exited;
    }

    @Override
    protected ProcessEvent ended(Socket.Message.End end) {
        if (exitCode == null) {
            throw new StreamException(
                    "the process's stream ended before its exit: " + end.code() + " " + end.reason(), end.error());
        }
        return null;
    }

    /**
     * Waits for the process's exit and returns its code (128+N after signal N). Events not read yet are read and
     * dropped, unless a handler takes them.
     */
    public int waitForExit() {
        awaitEnd();
        Integer code = exitCode;
        if (code == null) throw new StreamException("the stream ended without the process's exit", null);
        return code;
    }

    /** The event of a stream message ({@code {"type":"stdout","data":...}}); null for a type this SDK does not know. */
    static ProcessEvent of(JsonNode m) {
        return switch (m.path("type").asString("")) {
            case "start" -> new ProcessEvent.Started(m.path("pid").asLong());
            case "stdout" -> new ProcessEvent.Stdout(data(m));
            case "stderr" -> new ProcessEvent.Stderr(data(m));
            case "pty" -> new ProcessEvent.Pty(data(m));
            case "exit" -> new ProcessEvent.Exited(m.path("exit_code").asInt());
            default -> null;
        };
    }

    /** Text as sent, or bytes that were not UTF-8, sent as base64. */
    private static byte[] data(JsonNode m) {
        String data = m.path("data").asString("");
        return "base64".equals(m.path("encoding").asString(null))
                ? Base64.getDecoder().decode(data)
                : data.getBytes(StandardCharsets.UTF_8);
    }
}
