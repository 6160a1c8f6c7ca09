package dev.wrenn.sdk.http;

import dev.wrenn.sdk.ConnectionException;
import dev.wrenn.sdk.WrennException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The one HTTP client of a {@code Wrenn} instance: every request carries the API key, answers of 400 and above
 * become the exception of their class, and every socket or stream it hands out is registered so that
 * {@link #close()} ends them all. Its work runs on virtual threads; nothing of it outlives {@link #close()}.
 */
public final class Transport implements AutoCloseable {
    public static final String API_KEY_HEADER = "X-API-Key";

    private final URI base;
    private final String apiKey;
    private final Duration requestTimeout;
    private final ExecutorService executor;
    private final HttpClient http;
    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();

    public Transport(URI base, String apiKey, Duration connectTimeout, Duration requestTimeout) {
        this.base = base;
        this.apiKey = apiKey;
        this.requestTimeout = requestTimeout;
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        this.http = HttpClient.newBuilder()
                // The API is HTTP/1.1; asking for h2c would only add an upgrade round to every request.
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .executor(executor)
                .build();
    }

    public URI base() {
        return base;
    }

    /** An answer of 2xx: status, headers and the whole body. */
    public record Response(int status, java.net.http.HttpHeaders headers, byte[] body) {
        public <T> T as(Class<T> type) {
            return Json.read(body, type);
        }

        public <T> java.util.List<T> asList(Class<T> type) {
            return Json.readList(body, type);
        }

        public java.util.Optional<String> header(String name) {
            return headers.firstValue(name);
        }
    }

    public Response get(Query q) {
        return send("GET", q, null, BodyPublishers.noBody(), null);
    }

    public Response delete(Query q) {
        return send("DELETE", q, null, BodyPublishers.noBody(), null);
    }

    /** POST (or PUT) of a JSON body built with {@link Json#object()}; {@code null} sends {@code {}}. */
    public Response json(String method, Query q, Json.Fields body) {
        return json(method, q, body, null);
    }

    public Response json(String method, Query q, Json.Fields body, Duration timeout) {
        String text = body == null ? "{}" : body.text();
        return send(method, q, "application/json", BodyPublishers.ofString(text), timeout);
    }

    public Response send(String method, Query q, String contentType, BodyPublisher body, Duration timeout) {
        HttpResponse<byte[]> r = exchange(request(method, q, contentType, body, timeout), BodyHandlers.ofByteArray());
        if (r.statusCode() >= 300) throw error(r.statusCode(), r.body(), r);
        return new Response(r.statusCode(), r.headers(), r.body());
    }

    /**
     * A request whose answer is read as it arrives (a file, an NDJSON log). The caller closes the stream; an
     * error answer is read whole and thrown instead.
     */
    public InputStream stream(String method, Query q, String contentType, BodyPublisher body) {
        HttpResponse<InputStream> r =
                exchange(request(method, q, contentType, body, null), BodyHandlers.ofInputStream());
        if (r.statusCode() >= 300) {
            try (InputStream in = r.body()) {
                throw error(r.statusCode(), in.readAllBytes(), r);
            } catch (IOException e) {
                throw new ConnectionException("reading the error answer of " + q.pathAndQuery() + ": " + e, e);
            }
        }
        return register(new Forgetting(r.body()));
    }

    /** A response body that leaves the open set when its reader closes it. */
    private final class Forgetting extends java.io.FilterInputStream {
        Forgetting(InputStream in) {
            super(in);
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } finally {
                forget(this);
            }
        }
    }

    private HttpRequest request(String method, Query q, String contentType, BodyPublisher body, Duration timeout) {
        var b = HttpRequest.newBuilder(q.resolve(base))
                .header(API_KEY_HEADER, apiKey)
                .header("Accept", "application/json")
                .timeout(timeout == null ? requestTimeout : timeout)
                .method(method, body);
        if (contentType != null) b.header("Content-Type", contentType);
        return b.build();
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new ConnectionException(
                    request.method() + " " + request.uri() + " failed: "
                            + (e.getMessage() == null ? e : e.getMessage()),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionException(request.method() + " " + request.uri() + " was interrupted", e);
        }
    }

    private static WrennException error(int status, byte[] body, HttpResponse<?> r) {
        if (status < 400) {
            // Redirects are not followed (they would carry the API key elsewhere): say where to point the client.
            return new WrennException(
                    status,
                    "redirected",
                    "the server redirected " + r.request().uri() + " to "
                            + r.headers().firstValue("Location").orElse("(no Location)")
                            + ": use that address as the base URL",
                    null);
        }
        return ApiErrors.fromResponse(
                status,
                body,
                ApiErrors.retryAfter(r.headers().firstValue("Retry-After").orElse(null)));
    }

    /** Opens a WebSocket at {@code q} (its http scheme turned into ws). */
    public Socket socket(Query q) {
        URI uri = q.resolve(base);
        String scheme = uri.getScheme().equals("https") ? "wss" : "ws";
        URI ws = URI.create(scheme + uri.toString().substring(uri.getScheme().length()));
        return register(Socket.open(http, ws, apiKey, requestTimeout, this::forget));
    }

    /** Something open that {@link #close()} must end; it calls {@link #forget} itself when it closes. */
    public <T extends AutoCloseable> T register(T resource) {
        open.add(resource);
        return resource;
    }

    public void forget(AutoCloseable resource) {
        open.remove(resource);
    }

    /** Ends every socket and stream still open, then the client and its threads. */
    @Override
    public void close() {
        for (AutoCloseable c : Set.copyOf(open)) {
            try {
                c.close();
            } catch (Exception e) {
                // closing anyway: one stuck stream must not keep the others open
            }
        }
        open.clear();
        http.shutdownNow();
        try {
            http.awaitTermination(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
    }
}
