package dev.wrenn.cli.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small client of the public API for the CLI. Errors become {@link CliException}s with the server's message. */
public final class ApiClient {
    public static final JsonMapper JSON = JsonMapper.builder().build();

    private final String base;
    private final String apiKey;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public ApiClient(String base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
    }

    public String base() {
        return base;
    }

    public String apiKey() {
        return apiKey;
    }

    public HttpClient http() {
        return http;
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("X-API-Key", apiKey);
    }

    public JsonNode getJson(String path) {
        return json(send(request(path).GET(), HttpResponse.BodyHandlers.ofByteArray()));
    }

    public JsonNode postJson(String path, Object body) {
        return json(send(
                request(path)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))),
                HttpResponse.BodyHandlers.ofByteArray()));
    }

    public void delete(String path) {
        send(request(path).DELETE(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public HttpResponse<InputStream> postForStream(String path, Object body) {
        var r = sendRaw(
                request(path)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))),
                HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() / 100 != 2) {
            try (InputStream in = r.body()) {
                throw failure(r.statusCode(), in.readAllBytes());
            } catch (IOException e) {
                throw new CliException("reading the error failed: " + e.getMessage());
            }
        }
        return r;
    }

    public <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) {
        var r = sendRaw(request, handler);
        if (r.statusCode() / 100 != 2) {
            throw failure(r.statusCode(), r.body() instanceof byte[] b ? b : new byte[0]);
        }
        return r;
    }

    private <T> HttpResponse<T> sendRaw(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) {
        return io(() -> http.send(request.build(), handler));
    }

    private JsonNode json(HttpResponse<byte[]> r) {
        if (r.body().length == 0) return null;
        try {
            return JSON.readTree(r.body());
        } catch (JacksonException e) {
            // --url pointing at some other web server, most likely.
            throw new CliException("the answer from " + base + " is not JSON: " + preview(r.body()));
        }
    }

    static CliException failure(int status, byte[] body) {
        String message;
        try {
            var node = JSON.readTree(body);
            message = node.path("error").path("message").asString(null);
            String code = node.path("error").path("code").asString(null);
            if (message != null) message = message + (code != null ? " (" + code + ")" : "");
        } catch (RuntimeException e) {
            message = null;
        }
        return new CliException("HTTP " + status + ": " + (message != null ? message : preview(body)));
    }

    /** A body that is not the API's JSON (a proxy's HTML page, say) as one short line. */
    static String preview(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
        if (text.isEmpty()) return "(empty body)";
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    private <T> T io(IoCall<T> call) {
        try {
            return call.run();
        } catch (ConnectException e) {
            throw new CliException("cannot reach " + base + " (is `./wrenn server` running?)");
        } catch (IOException e) {
            throw new CliException("request to " + base + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    private interface IoCall<T> {
        T run() throws IOException, InterruptedException;
    }
}
