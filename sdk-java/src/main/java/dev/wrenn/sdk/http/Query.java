package dev.wrenn.sdk.http;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A path under the API's base URL and its query string, every part percent-encoded: ids and names become one
 * path segment each whatever they hold, and a repeated parameter ({@code status=running&status=paused}) is
 * one pair per value. Parameters given {@code null} are left out.
 */
public final class Query {
    private final StringBuilder path = new StringBuilder();
    private final List<String> params = new ArrayList<>();

    private Query() {}

    /** Starts from a fixed path such as {@code /v1/sandboxes}, taken as written. */
    public static Query path(String fixed) {
        var q = new Query();
        q.path.append(fixed);
        return q;
    }

    /** Appends {@code /} and {@code value} as one encoded segment. */
    public Query segment(String value) {
        if (value == null || value.isEmpty()) throw new IllegalArgumentException("a path segment must not be empty");
        // "." and ".." would be read as steps up or sideways by anything that normalises the path.
        String encoded = value.chars().allMatch(c -> c == '.') ? value.replace(".", "%2E") : encode(value, false);
        path.append('/').append(encoded);
        return this;
    }

    /** Appends fixed path text, as written (e.g. {@code /exec}). */
    public Query then(String fixed) {
        path.append(fixed);
        return this;
    }

    public Query param(String name, Object value) {
        if (value != null) params.add(encode(name, true) + "=" + encode(value.toString(), true));
        return this;
    }

    public Query params(String name, Iterable<?> values) {
        if (values != null) {
            for (Object v : values) param(name, v);
        }
        return this;
    }

    /** The path and query, e.g. {@code /v1/sandboxes?status=running}. */
    public String pathAndQuery() {
        return params.isEmpty() ? path.toString() : path + "?" + String.join("&", params);
    }

    /** This path resolved against {@code base} (whose own path, such as {@code /wrenn}, is kept). */
    public URI resolve(URI base) {
        String b = base.toString();
        if (b.endsWith("/")) b = b.substring(0, b.length() - 1);
        return URI.create(b + pathAndQuery());
    }

    /**
     * RFC 3986 percent-encoding of everything but the unreserved characters. In a query, {@code /} and {@code :}
     * may stay as they are (they are legal there and keep paths readable in logs).
     */
    static String encode(String s, boolean inQuery) {
        var out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (unreserved(c) || (inQuery && (c == '/' || c == ':'))) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
                out.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private static boolean unreserved(int c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '.'
                || c == '_'
                || c == '~';
    }
}
