package dev.wrenn.controlplane.mcp;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One MCP tool: what a model reads to choose and call it (name, description, input schema, hints), and what
 * runs when it does. The handler gets the checked arguments and the caller's view of the API.
 */
record Tool(String name, String title, String description, ObjectNode inputSchema, Hints hints, Handler handler) {
    /** MCP's tool annotations: whether a call only reads, may destroy, and is safe to repeat. */
    record Hints(boolean readOnly, boolean destructive, boolean idempotent) {}

    @FunctionalInterface
    interface Handler {
        ToolResult call(Arguments args, LocalApi.Caller api);
    }

    ObjectNode describe(ObjectNode out) {
        out.put("name", name);
        out.put("title", title);
        out.put("description", description);
        out.set("inputSchema", inputSchema);
        out.putObject("annotations")
                .put("title", title)
                .put("readOnlyHint", hints.readOnly())
                .put("destructiveHint", hints.destructive())
                .put("idempotentHint", hints.idempotent())
                // Every tool acts on the caller's own sandboxes, never on the world outside Wrenn.
                .put("openWorldHint", false);
        return out;
    }

    /** The arguments of one call, read against the schema's names; a wrong one is the model's to fix. */
    record Arguments(JsonNode root) {
        String requiredString(String name) {
            var v = root.get(name);
            if (v == null || v.isNull()) throw new ToolResult.Refusal("'" + name + "' is required");
            if (!v.isString()) throw new ToolResult.Refusal("'" + name + "' must be a string");
            return v.asString();
        }

        String optionalString(String name, String fallback) {
            var v = root.get(name);
            if (v == null || v.isNull()) return fallback;
            if (!v.isString()) throw new ToolResult.Refusal("'" + name + "' must be a string");
            return v.asString();
        }

        Integer optionalInt(String name) {
            var v = root.get(name);
            if (v == null || v.isNull()) return null;
            if (!v.isIntegralNumber() || !v.canConvertToInt())
                throw new ToolResult.Refusal("'" + name + "' must be a whole number");
            return v.asInt();
        }

        JsonNode optionalObject(String name) {
            var v = root.get(name);
            if (v == null || v.isNull()) return null;
            if (!v.isObject()) throw new ToolResult.Refusal("'" + name + "' must be an object");
            return v;
        }
    }
}
