package dev.wrenn.codeinterpreter.http;

import com.sun.net.httpserver.HttpExchange;
import dev.wrenn.guestagent.http.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A request's JSON object body and typed access to its fields; bad input is FastAPI's 422 (see {@link HttpError}). */
final class RequestBody {
    private final Map<?, ?> fields;

    private RequestBody(Map<?, ?> fields) {
        this.fields = fields;
    }

    /** Reads at most {@code limit} bytes; an empty body counts as {@code {}} (all fields absent). */
    static RequestBody read(HttpExchange ex, int limit) throws IOException, HttpError {
        byte[] raw = ex.getRequestBody().readNBytes(limit + 1);
        if (raw.length > limit) throw new HttpError(413, "Request body is over " + limit + " bytes");
        return parse(new String(raw, StandardCharsets.UTF_8));
    }

    static RequestBody parse(String text) throws HttpError {
        if (text.isBlank()) return new RequestBody(Map.of());
        Object value;
        try {
            value = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw HttpError.invalid("json_invalid", List.of("body"), "JSON decode error", e.getMessage());
        }
        if (value instanceof Map<?, ?> m) return new RequestBody(m);
        throw HttpError.invalid(
                "model_attributes_type",
                List.of("body"),
                "Input should be a valid dictionary or object to extract fields from",
                null);
    }

    String requiredString(String name) throws HttpError {
        Object v = fields.get(name);
        if (v instanceof String s) return s;
        if (v == null) throw HttpError.invalid("missing", List.of("body", name), "Field required", null);
        throw notAString(List.of("body", name));
    }

    /** Null when absent, null or empty: E2B's server treats an empty string as not given. */
    String optionalString(String name) throws HttpError {
        Object v = fields.get(name);
        if (v == null) return null;
        if (v instanceof String s) return s.isEmpty() ? null : s;
        throw notAString(List.of("body", name));
    }

    /** An object of strings (env_vars); empty when absent or null. */
    Map<String, String> optionalStringMap(String name) throws HttpError {
        Object v = fields.get(name);
        if (v == null) return Map.of();
        if (!(v instanceof Map<?, ?> m)) {
            throw HttpError.invalid("dict_type", List.of("body", name), "Input should be a valid dictionary", null);
        }
        var out = new LinkedHashMap<String, String>();
        for (var e : m.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (!(e.getValue() instanceof String s)) throw notAString(List.of("body", name, key));
            out.put(key, s);
        }
        return out;
    }

    private static HttpError notAString(List<Object> loc) {
        return HttpError.invalid("string_type", loc, "Input should be a valid string", null);
    }
}
