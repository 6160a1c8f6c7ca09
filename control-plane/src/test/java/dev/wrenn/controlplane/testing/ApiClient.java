package dev.wrenn.controlplane.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real HTTP client for the control plane that checks every JSON response it receives against
 * the contract and fails the test on the first violation.
 */
public final class ApiClient {
    public static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI base;
    private final HttpClient http;
    private final List<String> headers;

    /**
     * How long a request may take before the test gives up: a guard against a hung server, not a
     * speed limit. Creates that queue behind other boots under TCG can take minutes on a slow
     * machine; the server's own create timeout (300 s) decides when a create has failed.
     */
    public static final Duration PATIENCE = Duration.ofMinutes(10);

    private ApiClient(URI base, HttpClient http, List<String> headers) {
        this.base = base;
        this.http = http;
        this.headers = headers;
    }

    public static ApiClient of(URI base) {
        return new ApiClient(
                base,
                HttpClient.newBuilder()
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .connectTimeout(Duration.ofSeconds(5))
                        .build(),
                List.of());
    }

    public URI base() {
        return base;
    }

    /** The extra headers this client sends, as name, value, name, value... */
    public List<String> headers() {
        return headers;
    }

    public ApiClient withHeader(String name, String value) {
        var h = new ArrayList<>(headers);
        h.add(name);
        h.add(value);
        return new ApiClient(base, http, List.copyOf(h));
    }

    public ApiClient withBearer(String token) {
        return withHeader("Authorization", "Bearer " + token);
    }

    public ApiClient withApiKey(String key) {
        return withHeader("X-API-Key", key);
    }

    public ApiResponse get(String path) {
        return send("GET", path, HttpRequest.BodyPublishers.noBody(), null);
    }

    public ApiResponse delete(String path) {
        return send("DELETE", path, HttpRequest.BodyPublishers.noBody(), null);
    }

    public ApiResponse post(String path, String json) {
        return send("POST", path, HttpRequest.BodyPublishers.ofString(json), "application/json");
    }

    public ApiResponse post(String path, JsonNode json) {
        return post(path, json.toString());
    }

    public ApiResponse send(String method, String path, HttpRequest.BodyPublisher body, String contentType) {
        var request =
                HttpRequest.newBuilder(base.resolve(path)).method(method, body).timeout(PATIENCE);
        if (contentType != null) request.header("Content-Type", contentType);
        for (int i = 0; i < headers.size(); i += 2) request.header(headers.get(i), headers.get(i + 1));
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return check(method, path, response);
    }

    private static ApiResponse check(String method, String path, HttpResponse<byte[]> response) {
        String type = response.headers().firstValue("Content-Type").orElse("");
        JsonNode json = null;
        if (type.startsWith("application/json")) {
            json = JSON.readTree(response.body());
            String bare = URI.create(path).getPath();
            if (OpenApiContract.get().template(bare).isPresent()) {
                var problems = OpenApiContract.get().violations(method, bare, response.statusCode(), json);
                if (!problems.isEmpty()) {
                    throw new AssertionError("response to " + method + " " + path + " (" + response.statusCode()
                            + ") violates the contract: " + problems + "\nbody: " + json);
                }
            } else if (response.statusCode() >= 400) {
                var problems = OpenApiContract.get().violationsOf("Error", json);
                if (!problems.isEmpty()) throw new AssertionError("error body violates the contract: " + problems);
            }
        }
        return new ApiResponse(response.statusCode(), response.headers(), response.body(), json);
    }
}
