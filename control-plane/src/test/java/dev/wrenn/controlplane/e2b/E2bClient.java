package dev.wrenn.controlplane.e2b;

import dev.wrenn.controlplane.testing.ApiClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/**
 * A real HTTP client speaking to the E2B surface as the SDK does ({@code X-API-KEY}, camelCase
 * JSON), checking every JSON response against {@code api/e2b-openapi.yaml}.
 */
final class E2bClient {
    private final URI base;
    private final String apiKey;
    private final HttpClient http;

    E2bClient(URI base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    record Response(int status, HttpHeaders headers, JsonNode json, String text) {
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        String message() {
            return json == null ? null : json.path("message").asString(null);
        }

        @Override
        public String toString() {
            return status + " " + text;
        }
    }

    String apiKey() {
        return apiKey;
    }

    E2bClient withKey(String key) {
        return new E2bClient(base, key);
    }

    Response get(String path) {
        return send("GET", path, null);
    }

    Response delete(String path) {
        return send("DELETE", path, null);
    }

    Response post(String path, String json) {
        return send("POST", path, json);
    }

    Response send(String method, String path, String json) {
        var b = HttpRequest.newBuilder(base.resolve(path))
                .timeout(ApiClient.PATIENCE)
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) b.header("Content-Type", "application/json");
        if (apiKey != null) b.header("X-API-KEY", apiKey);
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        JsonNode body = null;
        if (r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
            body = ApiClient.JSON.readTree(r.body());
            var problems = E2bContract.get().violations(method, URI.create(path).getPath(), r.statusCode(), body);
            if (!problems.isEmpty()) {
                throw new AssertionError("response to " + method + " " + path + " (" + r.statusCode()
                        + ") violates the E2B contract: " + problems + "\nbody: " + r.body());
            }
        } else if (r.statusCode() >= 400) {
            throw new AssertionError(
                    method + " " + path + " answered " + r.statusCode() + " without a JSON error: " + r.body());
        }
        return new Response(r.statusCode(), r.headers(), body, r.body());
    }
}
