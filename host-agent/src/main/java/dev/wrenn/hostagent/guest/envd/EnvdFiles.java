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

/** envd's {@code /files}: whole-file upload (raw body) and download, streamed, as a user. */
public final class EnvdFiles {
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
     * Streams {@code data} to {@code path} (parents created, owned by the user; the file replaced only once all
     * of it arrived); returns when the guest has written all of it. {@code mode} 0: 0644 for a new file, an
     * existing file keeps its own. A known {@code size} is sent as Content-Length rather than chunked.
     */
    public void upload(String path, String user, int mode, long size, Supplier<InputStream> data)
            throws IOException, InterruptedException {
        HttpRequest.BodyPublisher body = size == 0
                ? HttpRequest.BodyPublishers.noBody()
                : size > 0
                        ? HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(data), size)
                        : HttpRequest.BodyPublishers.ofInputStream(data);
        String extra = mode == 0 ? "" : "&mode=" + String.format("%04o", mode);
        HttpRequest.Builder b = request(path, user, extra)
                .header("Content-Type", "application/octet-stream")
                .POST(body);
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() / 100 != 2) throw GuestAgentException.fromEnvdHttp(r.statusCode(), r.body());
    }

    public Download download(String path, String user) throws IOException, InterruptedException {
        HttpResponse<InputStream> r =
                http.send(request(path, user, "").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() / 100 != 2) {
            try (InputStream in = r.body()) {
                throw GuestAgentException.fromEnvdHttp(r.statusCode(), in.readAllBytes());
            }
        }
        return new Download(r.headers().firstValueAsLong("Content-Length").orElse(-1), r.body());
    }

    private HttpRequest.Builder request(String path, String user, String extra) {
        String q = "/files?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8) + extra;
        if (user != null && !user.isEmpty()) q += "&username=" + URLEncoder.encode(user, StandardCharsets.UTF_8);
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(q));
        headers.apply(null).forEach(b::header);
        return b;
    }
}
