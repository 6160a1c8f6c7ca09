package dev.wrenn.controlplane.http;

import io.javalin.http.Context;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Reads request bodies strictly enough to give precise 400s: malformed JSON, a body that is not
 * an object, or a field of the wrong type each get their own message.
 */
public final class JsonBody {
    public static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final JsonNode root;

    private JsonBody(JsonNode root) {
        this.root = root;
    }

    /** An empty body reads as {@code {}} so that optional-only requests may omit it. */
    public static JsonBody of(Context ctx) {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0 || new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return new JsonBody(JsonNodeFactory.instance.objectNode());
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (JacksonException e) {
            throw new ApiException(ApiError.INVALID_JSON, "request body is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new ApiException(ApiError.INVALID_JSON, "request body must be a JSON object");
        }
        return new JsonBody(node);
    }

    public JsonNode root() {
        return root;
    }

    public String requiredString(String field) {
        return optionalString(field).orElseThrow(() -> ApiException.invalid("'" + field + "' is required"));
    }

    public java.util.Optional<String> optionalString(String field) {
        var node = root.get(field);
        if (node == null || node.isNull()) return java.util.Optional.empty();
        if (!node.isString()) throw ApiException.invalid("'" + field + "' must be a string");
        return java.util.Optional.of(node.asString());
    }

    public java.util.OptionalInt optionalInt(String field) {
        var node = root.get(field);
        if (node == null || node.isNull()) return java.util.OptionalInt.empty();
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw ApiException.invalid("'" + field + "' must be an integer");
        }
        return java.util.OptionalInt.of(node.intValue());
    }
}
