package dev.wrenn.controlplane.build;

import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.ApiResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.awaitility.Awaitility;
import tools.jackson.databind.JsonNode;

/** Submitting builds as a client does (multipart with a tar context), and waiting for them to end. */
final class BuildRequests {
    private BuildRequests() {}

    /** A tar of {@code files} (path → content; a path ending in ".sh" is executable). */
    static byte[] tar(Map<String, String> files) throws IOException {
        var out = new ByteArrayOutputStream();
        try (var tar = new TarArchiveOutputStream(out)) {
            for (var f : files.entrySet()) {
                byte[] data = f.getValue().getBytes(StandardCharsets.UTF_8);
                var e = new TarArchiveEntry(f.getKey(), true);
                e.setSize(data.length);
                e.setMode(f.getKey().endsWith(".sh") ? 0100755 : 0100644);
                tar.putArchiveEntry(e);
                tar.write(data);
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    static ApiResponse submit(ApiClient api, String name, String recipe, byte[] context) {
        String boundary = "b-" + UUID.randomUUID();
        var body = new ByteArrayOutputStream();
        field(body, boundary, "name", null, name.getBytes(StandardCharsets.UTF_8));
        field(body, boundary, "recipe", null, recipe.getBytes(StandardCharsets.UTF_8));
        if (context != null) field(body, boundary, "context", "context.tar", context);
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return api.send(
                "POST",
                "/v1/templates/builds",
                HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()),
                "multipart/form-data; boundary=" + boundary);
    }

    private static void field(ByteArrayOutputStream body, String boundary, String name, String file, byte[] data) {
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
                + (file == null ? "" : "; filename=\"" + file + "\"\r\nContent-Type: application/x-tar") + "\r\n\r\n";
        body.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        body.writeBytes(data);
        body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }

    /** Waits until the build has ended; returns it. */
    static JsonNode awaitEnd(ApiClient api, String id) {
        JsonNode[] last = new JsonNode[1];
        Awaitility.await("build " + id)
                .atMost(Duration.ofMinutes(10))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    last[0] = api.get("/v1/templates/builds/" + id).json();
                    return !last[0].get("status").asString().matches("queued|building");
                });
        return last[0];
    }

    /** The whole log, followed to its end: one NDJSON object per line. */
    static String logs(ApiClient api, String id) {
        return api.get("/v1/templates/builds/" + id + "/logs?follow=true").text();
    }
}
