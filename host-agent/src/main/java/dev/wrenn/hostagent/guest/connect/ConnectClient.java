package dev.wrenn.hostagent.guest.connect;

import dev.wrenn.hostagent.guest.GuestAgentException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Connect protocol client with the JSON codec, over HTTP/1.1: unary calls and server streams
 * (connectrpc.com/docs/protocol). Errors, whether an HTTP error answer of a unary call or the
 * end-of-stream message of a stream, become {@link GuestAgentException} with the Connect code.
 */
public final class ConnectClient {
    static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http;
    private final URI base;

    public ConnectClient(HttpClient http, URI base) {
        this.http = http;
        this.base = base;
    }

    /** Calls {@code procedure} (e.g. {@code /process.Process/List}) and returns the answer message. */
    public JsonNode unary(String procedure, JsonNode request, Map<String, String> headers, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = request(procedure, headers, timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(request)));
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) throw error(r.statusCode(), r.body());
        return r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    /**
     * Opens a server stream. {@code timeout} null means none (a process may run for days); the caller
     * must close the stream, which ends the call.
     */
    public ConnectStream stream(String procedure, JsonNode request, Map<String, String> headers, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = request(procedure, headers, timeout)
                .header("Content-Type", "application/connect+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Envelope.frame(JSON.writeValueAsBytes(request))));
        HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            try (InputStream in = r.body()) {
                throw error(r.statusCode(), in.readAllBytes());
            }
        }
        return new ConnectStream(r.body());
    }

    private HttpRequest.Builder request(String procedure, Map<String, String> headers, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(procedure)).header("Connect-Protocol-Version", "1");
        headers.forEach(b::header);
        if (timeout != null) {
            // The server learns the deadline too, so it stops work the client no longer waits for.
            b.timeout(timeout.plusSeconds(5)).header("Connect-Timeout-Ms", Long.toString(timeout.toMillis()));
        }
        return b;
    }

    /** A unary error answer: Connect's {@code {"code","message"}} body, else a code derived from the status. */
    static GuestAgentException error(int status, byte[] body) {
        try {
            JsonNode e = JSON.readTree(body);
            String code = e.path("code").asString("");
            if (!code.isEmpty())
                return new GuestAgentException(status, code, e.path("message").asString(""));
        } catch (RuntimeException notJson) {
            // fall through: not Connect's JSON
        }
        return new GuestAgentException(
                status, ConnectCodes.fromHttpStatus(status), new String(body, StandardCharsets.UTF_8).strip());
    }

    /** The error of an end-of-stream message, or null if the stream ended well. */
    static GuestAgentException endOfStreamError(byte[] data) {
        JsonNode end = data.length == 0 ? JSON.createObjectNode() : JSON.readTree(data);
        JsonNode e = end.path("error");
        if (e.isMissingNode() || e.isNull()) return null;
        String code = e.path("code").asString("unknown");
        return new GuestAgentException(
                ConnectCodes.httpStatus(code), code, e.path("message").asString(""));
    }
}
