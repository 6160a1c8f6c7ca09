package dev.wrenn.controlplane.testing;

import java.net.http.HttpHeaders;
import tools.jackson.databind.JsonNode;

/** A response as a test sees it: status, headers, raw bytes, and the body parsed when it is JSON. */
public record ApiResponse(int status, HttpHeaders headers, byte[] bytes, JsonNode json) {
    public String header(String name) {
        return headers.firstValue(name).orElse(null);
    }

    public String errorCode() {
        return json == null ? null : json.path("error").path("code").asString(null);
    }

    public String text() {
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return status + " " + text();
    }
}
