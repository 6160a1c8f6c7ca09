package dev.wrenn.sdk.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The API's JSON: snake_case fields, read leniently so that a newer server's extra fields and enum values do not
 * break an older SDK. Request bodies are built field by field ({@link #object()}), leaving out what the caller did
 * not set, so the server's defaults apply.
 */
public final class Json {
    public static final JsonMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(EnumFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
            .build();

    private Json() {}

    /** A JSON object under construction; {@code null} values are left out. */
    public static Fields object() {
        return new Fields();
    }

    public static final class Fields {
        private final Map<String, Object> fields = new LinkedHashMap<>();

        public Fields put(String name, Object value) {
            if (value != null) fields.put(name, value);
            return this;
        }

        /** Only non-empty maps and lists: an empty one means "none", the same as leaving it out. */
        public Fields putNonEmpty(String name, Map<String, String> value) {
            if (value != null && !value.isEmpty()) fields.put(name, value);
            return this;
        }

        public Fields putNonEmpty(String name, List<String> value) {
            if (value != null && !value.isEmpty()) fields.put(name, value);
            return this;
        }

        public Map<String, Object> map() {
            return fields;
        }

        public String text() {
            return write(fields);
        }
    }

    public static String write(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    public static JsonNode tree(String text) {
        return MAPPER.readTree(text);
    }

    public static <T> T read(byte[] body, Class<T> type) {
        try {
            return MAPPER.readValue(body, type);
        } catch (JacksonException e) {
            throw new IllegalStateException(
                    "the server answered JSON this SDK cannot read as " + type.getSimpleName(), e);
        }
    }

    public static <T> List<T> readList(byte[] body, Class<T> type) {
        try {
            return MAPPER.readValue(body, MAPPER.getTypeFactory().constructCollectionType(List.class, type));
        } catch (JacksonException e) {
            throw new IllegalStateException(
                    "the server answered JSON this SDK cannot read as a list of " + type.getSimpleName(), e);
        }
    }

    public static <T> T convert(JsonNode node, Class<T> type) {
        return MAPPER.treeToValue(node, type);
    }
}
