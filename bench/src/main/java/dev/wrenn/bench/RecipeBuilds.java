package dev.wrenn.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A template build from a recipe through the API, start to end, as a client runs one. */
final class RecipeBuilds {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI base;
    private final ApiSandboxes api;
    private final HttpClient http = HttpClient.newHttpClient();

    RecipeBuilds(URI base, ApiSandboxes api) {
        this.base = base;
        this.api = api;
    }

    /** Builds {@code recipe} as template {@code name}; the ended build, which must be ready. */
    JsonNode build(String name, String recipe, boolean noCache) throws Exception {
        JsonNode b = api.call(
                "/v1/templates/builds",
                JSON.writeValueAsString(Map.of("name", name, "recipe", recipe, "no_cache", noCache)),
                202);
        String id = b.path("id").asString();
        // Following the log is how a client learns the end: the stream closes after the build's end line.
        var logs = http.send(
                HttpRequest.newBuilder(base.resolve("/v1/templates/builds/" + id + "/logs?follow=true"))
                        .header("X-API-Key", api.key())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (logs.statusCode() != 200) throw new IllegalStateException("logs of " + id + ": " + logs.statusCode());
        var r = http.send(
                HttpRequest.newBuilder(base.resolve("/v1/templates/builds/" + id))
                        .header("X-API-Key", api.key())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode end = JSON.readTree(r.body());
        if (!end.path("status").asString().equals("ready"))
            throw new IllegalStateException("build " + id + " ended " + end + "\n" + logs.body());
        return end;
    }
}
