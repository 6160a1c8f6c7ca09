package dev.wrenn.controlplane.hostile;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** multipart/form-data bodies, well formed and broken, as raw bytes with the Content-Type that goes with them. */
final class Multiparts {
    static final String BOUNDARY = "hostile-boundary-7d1f";

    record Body(String contentType, byte[] bytes) {}

    private Multiparts() {}

    static Body good(String path, byte[] content) {
        return new Body(
                "multipart/form-data; boundary=" + BOUNDARY,
                HostileGen.concat(part("path", null, path), filePart("f", content), end()));
    }

    static byte[] part(String name, String filename, String value) {
        return ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
                        + (filename == null ? "" : "; filename=\"" + filename + "\"") + "\r\n\r\n" + value + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] filePart(String filename, byte[] content) {
        return HostileGen.concat(
                ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8),
                content,
                "\r\n".getBytes(StandardCharsets.UTF_8));
    }

    static byte[] end() {
        return ("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** A broken body: every one must be refused with a 4xx and write nothing. */
    static Body broken(HostileGen gen, String path) {
        String type = "multipart/form-data; boundary=" + BOUNDARY;
        byte[] file = filePart("f", "x".getBytes(StandardCharsets.UTF_8));
        byte[] pathPart = part("path", null, path);
        return switch (gen.random().nextInt(11)) {
            case 0 -> new Body("multipart/form-data", HostileGen.concat(pathPart, file, end()));
            case 1 -> new Body("multipart/form-data; boundary=other", HostileGen.concat(pathPart, file, end()));
            case 2 -> new Body(type, HostileGen.concat(pathPart, end()));
            case 3 -> new Body(type, HostileGen.concat(file, end()));
            case 4 -> new Body(type, HostileGen.concat(pathPart, file));
            case 5 -> new Body(type, new byte[0]);
            case 6 -> new Body(type, gen.randomBytes(1 + gen.random().nextInt(2048)));
            case 7 -> new Body(type, HostileGen.concat(part("path", null, gen.string()), file, end()));
            case 8 ->
                new Body(
                        type,
                        ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"path\"\r\n")
                                .getBytes(StandardCharsets.UTF_8));
            case 9 -> new Body(type, HostileGen.concat(pathPart, pathPart, file, end()));
            default -> new Body("multipart/form-data; boundary=" + "b".repeat(5000), HostileGen.concat(file, end()));
        };
    }

    static Map<String, String> headers(Body body, Map<String, String> auth) {
        var h = new java.util.LinkedHashMap<>(auth);
        if (body.contentType() != null) h.put("Content-Type", body.contentType());
        return h;
    }
}
