package dev.wrenn.bench;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Sandboxes through the public API: a client of its own account and API key, over loopback HTTP. */
final class ApiSandboxes implements Sandboxes {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI base;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String key;

    ApiSandboxes(URI base) throws Exception {
        this.base = base;
        String email = "bench-" + UUID.randomUUID() + "@bench.test";
        String token = text(
                send(
                        "/v1/auth/signup",
                        "{\"email\":\"" + email + "\",\"password\":\"bench password\"}",
                        "Authorization",
                        null,
                        201),
                "token");
        this.key = text(send("/v1/api-keys", "{}", "Authorization", "Bearer " + token, 201), "key");
    }

    /** The API key of this client's account, for calls this class does not wrap. */
    String key() {
        return key;
    }

    /** Posts JSON with the API key and expects {@code status}; the answer's JSON (null when empty). */
    JsonNode call(String path, String json, int status) throws Exception {
        return post(path, json, status);
    }

    @Override
    public String path() {
        return "API";
    }

    @Override
    public String create(String template) throws Exception {
        return text(post("/v1/sandboxes", template == null ? "{}" : "{\"template\":\"" + template + "\"}", 201), "id");
    }

    /**
     * Like {@link #create} but answers null when the API refuses for capacity (503): in a burst of
     * creates that is an expected outcome, counted, not an error.
     */
    String createOrNullIfFull() throws Exception {
        var r = request("/v1/sandboxes", "{}", "X-API-Key", key);
        if (r.statusCode() == 503) return null;
        return text(expect(r, 201, "/v1/sandboxes"), "id");
    }

    /** Milliseconds from asking for a sandbox of {@code template} (null: the base image) to its first exec's answer. */
    double createToFirstExec(String template) throws Exception {
        long t0 = System.nanoTime();
        String id = create(template);
        execTrue(id);
        double ms = (System.nanoTime() - t0) / 1e6;
        destroy(id);
        return ms;
    }

    @Override
    public void execTrue(String id) throws Exception {
        JsonNode r = post("/v1/sandboxes/" + id + "/exec", "{\"cmd\":\"true\",\"args\":[]}", 200);
        if (r.path("exit_code").asInt(-1) != 0) throw new IllegalStateException("`true` in " + id + " gave " + r);
    }

    @Override
    public void upload(String id, String file, long bytes) throws Exception {
        String boundary = "bench" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\n" + file + "\r\n--"
                        + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b\"\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        var body = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(
                        () -> new SequenceInputStream(Collections.enumeration(List.<InputStream>of(
                                new ByteArrayInputStream(head),
                                new RandomStream(bytes),
                                new ByteArrayInputStream(tail))))),
                head.length + bytes + tail.length);
        var r = http.send(
                HttpRequest.newBuilder(base.resolve("/v1/sandboxes/" + id + "/files/stream/write"))
                        .header("X-API-Key", key)
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(body)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        expect(r, 204, "upload");
    }

    @Override
    public long download(String id, String file) throws Exception {
        var r = http.send(
                HttpRequest.newBuilder(base.resolve("/v1/sandboxes/" + id + "/files/stream/read"))
                        .header("X-API-Key", key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"path\":\"" + file + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                throw new IllegalStateException("download gave " + r.statusCode() + ": "
                        + new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            long n = 0;
            byte[] buf = new byte[1 << 20];
            for (int k; (k = in.read(buf)) > 0; ) n += k;
            return n;
        }
    }

    @Override
    public void pause(String id) throws Exception {
        post("/v1/sandboxes/" + id + "/pause", "{}", 200);
    }

    @Override
    public void resume(String id) throws Exception {
        post("/v1/sandboxes/" + id + "/resume", "{}", 200);
    }

    @Override
    public void snapshot(String id, String name) throws Exception {
        post("/v1/snapshots", "{\"sandbox_id\":\"" + id + "\",\"name\":\"" + name + "\"}", 201);
    }

    @Override
    public void deleteTemplate(String name) throws Exception {
        delete("/v1/snapshots/" + name);
    }

    @Override
    public void destroy(String id) throws Exception {
        delete("/v1/sandboxes/" + id);
    }

    private void delete(String path) throws Exception {
        var r = http.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .header("X-API-Key", key)
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        expect(r, 204, "DELETE " + path);
    }

    private JsonNode post(String path, String json, int status) throws Exception {
        return send(path, json, "X-API-Key", key, status);
    }

    private JsonNode send(String path, String json, String header, String value, int status) throws Exception {
        return expect(request(path, json, header, value), status, path);
    }

    private HttpResponse<String> request(String path, String json, String header, String value) throws Exception {
        var b = HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (value != null) b.header(header, value);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode expect(HttpResponse<String> r, int status, String what) {
        if (r.statusCode() != status) {
            throw new IllegalStateException(
                    what + " gave " + r.statusCode() + " (expected " + status + "): " + r.body());
        }
        return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    private static String text(JsonNode node, String field) {
        String v = node.path(field).asString("");
        if (v.isEmpty()) throw new IllegalStateException("no '" + field + "' in " + node);
        return v;
    }
}
