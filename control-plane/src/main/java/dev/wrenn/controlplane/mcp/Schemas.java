package dev.wrenn.controlplane.mcp;

import dev.wrenn.controlplane.http.JsonBody;
import tools.jackson.databind.node.ObjectNode;

/** JSON Schemas for tool inputs, built as data: an object of named properties, some required. */
final class Schemas {
    private final ObjectNode schema = JsonBody.MAPPER.createObjectNode();
    private final ObjectNode properties;

    private Schemas() {
        schema.put("type", "object");
        properties = schema.putObject("properties");
        // A misspelt argument is refused by the client's own check instead of being silently dropped.
        schema.put("additionalProperties", false);
    }

    static Schemas object() {
        return new Schemas();
    }

    Schemas string(String name, String description) {
        properties.putObject(name).put("type", "string").put("description", description);
        return this;
    }

    Schemas oneOf(String name, String description, String... values) {
        var p = properties.putObject(name).put("type", "string").put("description", description);
        var e = p.putArray("enum");
        for (String v : values) e.add(v);
        return this;
    }

    Schemas integer(String name, String description, int min, int max) {
        properties
                .putObject(name)
                .put("type", "integer")
                .put("description", description)
                .put("minimum", min)
                .put("maximum", max);
        return this;
    }

    /** An object of string values (environment variables, metadata). */
    Schemas strings(String name, String description) {
        var p = properties.putObject(name).put("type", "object").put("description", description);
        p.putObject("additionalProperties").put("type", "string");
        return this;
    }

    ObjectNode require(String... names) {
        var r = schema.putArray("required");
        for (String n : names) r.add(n);
        return schema;
    }

    ObjectNode build() {
        return schema;
    }
}
