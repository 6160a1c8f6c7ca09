package dev.wrenn.sdk.http;

import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A {@code multipart/form-data} body (RFC 7578) assembled from publishers, so a file part is streamed from its
 * source as the request goes out, never copied into memory first. Parts are sent in the order added: the
 * server reads {@code path} before {@code file} without spooling.
 */
public final class Multipart {
    private final String boundary;
    private final List<BodyPublisher> parts = new ArrayList<>();

    public Multipart() {
        byte[] random = new byte[12];
        ThreadLocalRandom.current().nextBytes(random);
        this.boundary = "wrenn-" + HexFormat.of().formatHex(random);
    }

    public Multipart field(String name, String value) {
        parts.add(BodyPublishers.ofString(head(name, null, null) + value + "\r\n"));
        return this;
    }

    /** A file part whose bytes come from {@code content} (of known or unknown length). */
    public Multipart file(String name, String filename, String contentType, BodyPublisher content) {
        parts.add(BodyPublishers.ofString(head(name, filename, contentType)));
        parts.add(content);
        parts.add(BodyPublishers.ofString("\r\n"));
        return this;
    }

    public String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    /** The whole body; its length is known when every part's is. */
    public BodyPublisher body() {
        var all = new ArrayList<>(parts);
        all.add(BodyPublishers.ofString("--" + boundary + "--\r\n"));
        return BodyPublishers.concat(all.toArray(BodyPublisher[]::new));
    }

    private String head(String name, String filename, String contentType) {
        var h = new StringBuilder("--").append(boundary).append("\r\n");
        h.append("Content-Disposition: form-data; name=\"").append(quoted(name)).append('"');
        if (filename != null) h.append("; filename=\"").append(quoted(filename)).append('"');
        h.append("\r\n");
        if (contentType != null) h.append("Content-Type: ").append(contentType).append("\r\n");
        return h.append("\r\n").toString();
    }

    /** A quoted-string as browsers write it in a disposition: quotes and line breaks percent-encoded. */
    static String quoted(String s) {
        return s.replace("\"", "%22").replace("\r", "%0D").replace("\n", "%0A");
    }

    /** The boundary, for tests that read a body back. */
    String boundary() {
        return boundary;
    }
}
