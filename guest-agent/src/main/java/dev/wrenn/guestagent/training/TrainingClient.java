package dev.wrenn.guestagent.training;

import dev.wrenn.guestagent.connect.Envelope;
import dev.wrenn.guestagent.http.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The training run's HTTP client: plain requests, unary Connect calls and Connect server streams, each answer
 * checked, so a broken request path fails the image build instead of training nothing.
 */
final class TrainingClient {
    /** Bounds every read: a stream that never ends would hang the image build. */
    private static final int TIMEOUT_MS = 30_000;

    private final String base;
    private final String token;

    TrainingClient(String base, String token) {
        this.base = base;
        this.token = token;
    }

    private HttpURLConnection open(String pathAndQuery, String method, String accessToken) throws IOException {
        var c = (HttpURLConnection) URI.create(base + pathAndQuery).toURL().openConnection();
        c.setRequestMethod(method);
        c.setConnectTimeout(TIMEOUT_MS);
        c.setReadTimeout(TIMEOUT_MS);
        if (accessToken != null) c.setRequestProperty("X-Access-Token", accessToken);
        return c;
    }

    private static void send(HttpURLConnection c, String contentType, byte[] body) throws IOException {
        c.setRequestProperty("Content-Type", contentType);
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(body.length);
        try (OutputStream o = c.getOutputStream()) {
            o.write(body);
        }
    }

    /** A plain request with {@code accessToken}; fails unless answered {@code expected}. Returns the body. */
    byte[] call(String method, String pathAndQuery, String accessToken, String contentType, byte[] body, int expected)
            throws IOException {
        HttpURLConnection c = open(pathAndQuery, method, accessToken);
        if (body != null) send(c, contentType, body);
        int status = c.getResponseCode();
        byte[] answer;
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            answer = in == null ? new byte[0] : in.readAllBytes();
        }
        if (status != expected) {
            throw new IllegalStateException(method + " " + pathAndQuery + ": " + status + " (expected " + expected
                    + "): " + new String(answer, StandardCharsets.UTF_8));
        }
        return answer;
    }

    byte[] call(String method, String pathAndQuery, String contentType, byte[] body, int expected) throws IOException {
        return call(method, pathAndQuery, token, contentType, body, expected);
    }

    /** A unary Connect call that must succeed. */
    @SuppressWarnings("unchecked")
    Map<String, Object> unary(String rpc, Map<String, Object> message) throws IOException {
        byte[] answer = call("POST", "/" + rpc, "application/json", json(message), 200);
        return (Map<String, Object>) Json.parse(new String(answer, StandardCharsets.UTF_8));
    }

    /** Opens a Connect server stream; {@code timeoutMs} > 0 is sent as its deadline. */
    Stream stream(String rpc, Map<String, Object> message, long timeoutMs) throws IOException {
        HttpURLConnection c = open("/" + rpc, "POST", token);
        c.setRequestProperty("Connect-Protocol-Version", "1");
        if (timeoutMs > 0) c.setRequestProperty("Connect-Timeout-Ms", Long.toString(timeoutMs));
        var envelope = new java.io.ByteArrayOutputStream();
        Envelope.write(envelope, 0, json(message));
        send(c, "application/connect+json", envelope.toByteArray());
        if (c.getResponseCode() != 200) throw new IllegalStateException(rpc + ": " + c.getResponseCode());
        return new Stream(rpc, c.getInputStream());
    }

    private static byte[] json(Map<String, Object> message) {
        return Json.write(message).getBytes(StandardCharsets.UTF_8);
    }

    /** A server stream read message by message. */
    static final class Stream implements AutoCloseable {
        private final String rpc;
        private final InputStream in;

        Stream(String rpc, InputStream in) {
            this.rpc = rpc;
            this.in = in;
        }

        /** The next event ({@code start}, {@code data}, ...) as a one-entry map; null after a clean end. */
        @SuppressWarnings("unchecked")
        Map<String, Object> next() throws IOException {
            Envelope e = Envelope.read(in, Integer.MAX_VALUE);
            if (e == null) throw new IOException(rpc + ": stream ended without its end-of-stream message");
            var message = (Map<String, Object>) Json.parse(new String(e.data(), StandardCharsets.UTF_8));
            if ((e.flags() & Envelope.END_STREAM) != 0) {
                if (message.containsKey("error")) throw new IllegalStateException(rpc + ": " + message);
                return null;
            }
            return (Map<String, Object>) message.get("event");
        }

        /** Reads until an event of {@code kind}; returns its body. */
        @SuppressWarnings("unchecked")
        Map<String, Object> until(String kind) throws IOException {
            for (Map<String, Object> ev; (ev = next()) != null; ) {
                if (ev.get(kind) instanceof Map<?, ?> body) return (Map<String, Object>) body;
            }
            throw new IllegalStateException(rpc + ": stream ended before a " + kind + " event");
        }

        /** Reads to the end; returns the process's exit code. */
        long exitCode() throws IOException {
            long code = ((Number) until("end").get("exitCode")).longValue();
            if (next() != null) throw new IllegalStateException(rpc + ": events after the end");
            return code;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
