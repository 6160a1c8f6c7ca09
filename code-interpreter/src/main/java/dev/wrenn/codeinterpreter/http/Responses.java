package dev.wrenn.codeinterpreter.http;

import com.sun.net.httpserver.HttpExchange;
import dev.wrenn.guestagent.http.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Whole (non-streamed) responses. */
final class Responses {
    private Responses() {}

    static void json(HttpExchange ex, int status, Object body) throws IOException {
        send(ex, status, "application/json", Json.write(body));
    }

    static void text(HttpExchange ex, int status, String body) throws IOException {
        send(ex, status, "text/plain; charset=utf-8", body);
    }

    static void noContent(HttpExchange ex) throws IOException {
        ex.sendResponseHeaders(204, -1);
        ex.close();
    }

    /** What a FastAPI route that returns None answers: 200 with a JSON null (E2B's delete and restart). */
    static void jsonNull(HttpExchange ex) throws IOException {
        json(ex, 200, null);
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (var out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
