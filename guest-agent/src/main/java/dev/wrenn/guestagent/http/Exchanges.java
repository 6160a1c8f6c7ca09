package dev.wrenn.guestagent.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Request and response helpers shared by the handlers. */
public final class Exchanges {
    /** JSON request bodies are small; anything larger is a client bug, not a file upload. */
    private static final int MAX_JSON_BODY = 8 * 1024 * 1024;

    private Exchanges() {}

    @SuppressWarnings("unchecked")
    public static Map<String, Object> readJsonObject(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readNBytes(MAX_JSON_BODY + 1);
        if (body.length > MAX_JSON_BODY) throw ApiError.badRequest("request body too large");
        if (body.length == 0) return Map.of();
        Object parsed;
        try {
            parsed = Json.parse(new String(body, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> m)) throw ApiError.badRequest("body must be a JSON object");
        return (Map<String, Object>) m;
    }

    public static void sendJson(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (var out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    public static void sendNoContent(HttpExchange ex) throws IOException {
        ex.sendResponseHeaders(204, -1);
        ex.close();
    }

    public static void sendError(HttpExchange ex, ApiError e) throws IOException {
        var err = new LinkedHashMap<String, Object>();
        err.put("code", e.code());
        err.put("message", e.getMessage() == null ? e.code() : e.getMessage());
        sendJson(ex, e.status(), Map.of("error", err));
    }

    public static Map<String, String> query(HttpExchange ex) {
        var out = new LinkedHashMap<String, String>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) return out;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }

    public static String requireString(Map<String, Object> body, String key) {
        Object v = body.get(key);
        if (!(v instanceof String s) || s.isEmpty())
            throw ApiError.badRequest("'" + key + "' must be a non-empty string");
        return s;
    }

    public static long optionalLong(Map<String, Object> body, String key, long fallback) {
        Object v = body.get(key);
        if (v == null) return fallback;
        if (v instanceof Long l) return l;
        if (v instanceof Double d && d == Math.rint(d)) return d.longValue();
        throw ApiError.badRequest("'" + key + "' must be an integer");
    }
}
