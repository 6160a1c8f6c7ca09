package dev.wrenn.guestagent;

import dev.wrenn.guestagent.http.Json;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Connect client written from the protocol specification (connectrpc.com/docs/protocol), independent of the
 * agent's connect package: unary JSON calls, and server streams read envelope by envelope (flag byte, big-endian
 * uint32 length, message) up to the end-of-stream envelope (flag 0x02).
 */
final class ConnectClient {
    private final HttpClient http;
    private final URI base;
    private final Map<String, String> headers = new LinkedHashMap<>();

    ConnectClient(HttpClient http, URI base, String accessToken) {
        this.http = http;
        this.base = base;
        if (accessToken != null) headers.put("X-Access-Token", accessToken);
    }

    /** The same client with an extra header on every call (e.g. Basic credentials for a user). */
    ConnectClient with(String name, String value) {
        var c = new ConnectClient(http, base, null);
        c.headers.putAll(headers);
        c.headers.put(name, value);
        return c;
    }

    ConnectClient asUser(String user) {
        String cred = java.util.Base64.getEncoder().encodeToString((user + ":").getBytes(StandardCharsets.UTF_8));
        return with("Authorization", "Basic " + cred);
    }

    record Unary(int status, String contentType, Map<String, Object> body) {
        String code() {
            return (String) body.get("code");
        }
    }

    private HttpRequest.Builder request(String method, String contentType) {
        var b = HttpRequest.newBuilder(base.resolve("/" + method))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", contentType)
                .header("Connect-Protocol-Version", "1");
        headers.forEach(b::header);
        return b;
    }

    @SuppressWarnings("unchecked")
    Unary unary(String method, Map<String, Object> message) throws Exception {
        var req = request(method, "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(message)))
                .build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        String body = r.body();
        Map<String, Object> parsed = body.isEmpty() ? Map.of() : (Map<String, Object>) Json.parse(body);
        return new Unary(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), parsed);
    }

    /** Like {@link #unary} but fails unless the call succeeded; returns the response message. */
    Map<String, Object> ok(String method, Map<String, Object> message) throws Exception {
        Unary u = unary(method, message);
        if (u.status() != 200) throw new AssertionError(method + " failed: " + u.status() + " " + u.body());
        return u.body();
    }

    static byte[] envelope(int flags, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(5 + data.length);
        b.put((byte) flags).putInt(data.length).put(data);
        return b.array();
    }

    Stream stream(String method, Map<String, Object> message) throws Exception {
        return stream(method, message, Map.of());
    }

    Stream stream(String method, Map<String, Object> message, Map<String, String> extraHeaders) throws Exception {
        var b = request(method, "application/connect+json");
        extraHeaders.forEach(b::header);
        byte[] env = envelope(0, Json.write(message).getBytes(StandardCharsets.UTF_8));
        HttpResponse<InputStream> r = http.send(
                b.POST(HttpRequest.BodyPublishers.ofByteArray(env)).build(), HttpResponse.BodyHandlers.ofInputStream());
        return new Stream(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    /** A server stream being read; {@link #next()} returns messages, then null once the end envelope came. */
    static final class Stream implements AutoCloseable {
        final int status;
        final String contentType;
        private final DataInputStream in;
        private Map<String, Object> end;

        Stream(int status, String contentType, InputStream in) {
            this.status = status;
            this.contentType = contentType;
            this.in = new DataInputStream(in);
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> next() throws IOException {
            if (end != null) return null;
            int flags = in.read();
            if (flags < 0) throw new EOFException("stream ended without an end-of-stream envelope");
            int len = in.readInt();
            byte[] data = in.readNBytes(len);
            if (data.length < len) throw new EOFException("truncated envelope");
            var msg = (Map<String, Object>) Json.parse(new String(data, StandardCharsets.UTF_8));
            if ((flags & 0x02) != 0) {
                end = msg;
                return null;
            }
            return msg;
        }

        /** The end-of-stream message ({} or {"error":...}); reads the rest of the stream first. */
        Map<String, Object> end() throws IOException {
            while (next() != null) {
                // skip
            }
            return end;
        }

        @SuppressWarnings("unchecked")
        String errorCode() throws IOException {
            Map<String, Object> e = (Map<String, Object>) end().get("error");
            return e == null ? null : (String) e.get("code");
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
