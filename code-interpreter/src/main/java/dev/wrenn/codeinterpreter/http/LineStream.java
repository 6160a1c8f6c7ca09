package dev.wrenn.codeinterpreter.http;

import com.sun.net.httpserver.HttpExchange;
import dev.wrenn.codeinterpreter.execute.ClientGoneException;
import dev.wrenn.codeinterpreter.execute.OutputEvent;
import dev.wrenn.codeinterpreter.execute.Sink;
import dev.wrenn.guestagent.http.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The /execute response: chunked NDJSON, one JSON object per line, each flushed as it is produced so that
 * output reaches the SDK's callbacks while the cell still runs.
 */
final class LineStream implements Sink, AutoCloseable {
    /**
     * The pause between a keepalive's two halves. The JDK's server never reads a connection while it answers
     * on it, so a client that left is seen only by writing: the first write after the client's FIN still
     * succeeds (and draws its RST), the second fails. Two writes per keepalive notice a departure at the first
     * keepalive after it, not the second; the client still reads one whole line.
     */
    static final long PROBE_GAP_MS = 50;

    private final HttpExchange exchange;
    private final OutputStream out;

    LineStream(HttpExchange exchange) throws IOException {
        this.exchange = exchange;
        exchange.getResponseHeaders().set("Content-Type", "application/x-ndjson");
        exchange.sendResponseHeaders(200, 0);
        this.out = exchange.getResponseBody();
    }

    /** One event as one NDJSON line. */
    static byte[] encode(OutputEvent event) {
        return (Json.write(event.toJson()) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void emit(OutputEvent event) throws ClientGoneException {
        byte[] line = encode(event);
        try {
            if (event instanceof OutputEvent.Keepalive) {
                int half = line.length / 2;
                write(line, 0, half);
                pause();
                write(line, half, line.length - half);
            } else {
                write(line, 0, line.length);
            }
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }

    private void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        out.flush();
    }

    private static void pause() {
        try {
            Thread.sleep(PROBE_GAP_MS);
        } catch (InterruptedException e) {
            // the second half goes out at once; whoever interrupted us sees the flag
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // the client went away before the last chunk: nothing to tell it
        }
        exchange.close();
    }
}
