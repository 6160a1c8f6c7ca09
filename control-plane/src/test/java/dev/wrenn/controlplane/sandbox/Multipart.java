package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.testing.ApiClient;
import dev.wrenn.controlplane.testing.ApiResponse;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/** multipart/form-data bodies built as streams, so tests can upload files far larger than the heap. */
final class Multipart {
    private Multipart() {}

    static ApiResponse upload(ApiClient api, String route, String path, byte[] content) {
        return upload(api, route, path, () -> new ByteArrayInputStream(content), content.length, true);
    }

    /** Uploads {@code size} bytes from the supplier; {@code pathFirst=false} sends the file part before the path. */
    static ApiResponse upload(
            ApiClient api, String route, String path, Supplier<InputStream> content, long size, boolean pathFirst) {
        String boundary = "b-" + UUID.randomUUID();
        byte[] pathPart = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\n" + path
                        + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] fileHead = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n"
                        + "Content-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] fileTail = "\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] end = ("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        long length = pathPart.length + fileHead.length + size + fileTail.length + end.length;
        Supplier<InputStream> body = () -> {
            var file = new SequenceInputStream(Collections.enumeration(
                    List.of(new ByteArrayInputStream(fileHead), content.get(), new ByteArrayInputStream(fileTail))));
            var parts = pathFirst
                    ? List.<InputStream>of(new ByteArrayInputStream(pathPart), file, new ByteArrayInputStream(end))
                    : List.<InputStream>of(file, new ByteArrayInputStream(pathPart), new ByteArrayInputStream(end));
            return new SequenceInputStream(Collections.enumeration(parts));
        };
        return api.send(
                "POST",
                route,
                HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(body), length),
                "multipart/form-data; boundary=" + boundary);
    }
}
