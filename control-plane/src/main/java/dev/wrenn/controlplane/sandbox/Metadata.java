package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.http.ApiException;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A sandbox's metadata: string keys to string values, bounded so that a row stays small and a
 * filter stays cheap. Stored as a JSON object; listed filters are containment on it.
 */
public final class Metadata {
    public static final int MAX_KEYS = 64;
    public static final int MAX_KEY_CHARS = 256;
    public static final int MAX_VALUE_CHARS = 1024;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Metadata() {}

    /** The metadata in a request's {@code field}: absent or null is empty; not an object of strings, a 400. */
    public static Map<String, String> fromJson(JsonNode node, String field) {
        return check(strings(node, field), field);
    }

    /** Checks the bounds; a sorted, unmodifiable copy. */
    public static Map<String, String> check(Map<String, String> metadata, String field) {
        if (metadata.size() > MAX_KEYS) {
            throw ApiException.invalid("'" + field + "' may have at most " + MAX_KEYS + " keys");
        }
        var sorted = new TreeMap<String, String>();
        metadata.forEach((k, v) -> {
            if (k.isEmpty() || k.length() > MAX_KEY_CHARS) {
                throw ApiException.invalid("'" + field + "' keys must be 1 to " + MAX_KEY_CHARS + " characters");
            }
            if (v.length() > MAX_VALUE_CHARS) {
                throw ApiException.invalid(
                        "'" + field + "' value of '" + k + "' is longer than " + MAX_VALUE_CHARS + " characters");
            }
            sorted.put(k, v);
        });
        return Collections.unmodifiableMap(sorted);
    }

    /** A JSON object whose values are all strings, in the order given; absent or null is empty. */
    static Map<String, String> strings(JsonNode node, String field) {
        if (node == null || node.isNull()) return Map.of();
        if (!node.isObject()) throw ApiException.invalid("'" + field + "' must be an object of strings");
        var out = new java.util.LinkedHashMap<String, String>();
        for (var e : node.properties()) {
            if (!e.getValue().isString()) {
                throw ApiException.invalid("'" + field + "." + e.getKey() + "' must be a string");
            }
            out.put(e.getKey(), e.getValue().asString());
        }
        return out;
    }

    static String toJson(Map<String, String> metadata) {
        return JSON.writeValueAsString(metadata);
    }

    static Map<String, String> fromDatabase(String json) {
        if (json == null || json.isEmpty()) return Map.of();
        var out = new TreeMap<String, String>();
        JSON.readTree(json)
                .properties()
                .forEach(e -> out.put(e.getKey(), e.getValue().asString()));
        return Collections.unmodifiableMap(out);
    }
}
