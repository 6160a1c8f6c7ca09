package dev.wrenn.hostagent.guest.envd;

import dev.wrenn.hostagent.guest.GuestAgentException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** envd's {@code /files}: whole-file upload (raw body) and download, streamed, as a user. */
public final class EnvdFiles {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http;
    private final URI base;
    private final Function<String, Map<String, String>> headers;

    public EnvdFiles(HttpClient http, URI base, Function<String, Map<String, String>> headers) {
        this.http = http;
        this.base = base;
        this.headers = headers;
    }

    public record Download(long size, InputStream body) {}

    /**
     * Streams {@code data} to {@code path} (parents created, owned by the user); returns when the guest
     * has written all of it. A known {@code size} is sent as Content-Length rather than chunked.
     */
    public void upload(String path, String user, long size, Supplier<InputStream> data)
            throws IOException, InterruptedException {
        HttpRequest.BodyPublisher body = size == 0
                ? HttpRequest.BodyPublishers.noBody()
                : size > 0
                        ? HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(data), size)
                        : HttpRequest.BodyPublishers.ofInputStream(data);
        HttpRequest.Builder b = request(path, user)
                .header("Content-Type", "application/octet-stream")
                .POST(body);
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() / 100 != 2) throw error(r.statusCode(), r.body());
    }

    public Download download(String path, String user) throws IOException, InterruptedException {
        HttpResponse<InputStream> r =
                http.send(request(path, user).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() / 100 != 2) {
            try (InputStream in = r.body()) {
                throw error(r.statusCode(), in.readAllBytes());
            }
        }
        return new Download(r.headers().firstValueAsLong("Content-Length").orElse(-1), r.body());
    }

    private HttpRequest.Builder request(String path, String user) {
        String q = "/files?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8);
        if (user != null && !user.isEmpty()) q += "&username=" + URLEncoder.encode(user, StandardCharsets.UTF_8);
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(q));
        headers.apply(null).forEach(b::header);
        return b;
    }

    /** envd's HTTP errors are {@code {"code": <status>, "message": ...}}; the code word comes from the status. */
    static GuestAgentException error(int status, byte[] body) {
        String message;
        try {
            JsonNode e = JSON.readTree(body);
            message = e.path("message").asString(new String(body, StandardCharsets.UTF_8));
        } catch (RuntimeException notJson) {
            message = new String(body, StandardCharsets.UTF_8);
        }
        String code = switch (status) {
            case 400 -> "invalid_argument";
            case 401 -> "unauthenticated";
            case 403 -> "permission_denied";
            case 404 -> "not_found";
            case 507 -> "resource_exhausted";
            default -> "internal";
        };
        return new GuestAgentException(status, code, message.strip());
    }
}
