package dev.wrenn.controlplane.mcp;

import dev.wrenn.controlplane.http.JsonBody;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A tool call's result as MCP carries it: content blocks (text, images, embedded files) for the model, an optional
 * structured copy for programs, and {@code isError} when the tool could not do what it was asked. A command that
 * exits non-zero or a cell that raises is not such an error: the tool did its job, and the content says what came of
 * it.
 */
final class ToolResult {
    private final ArrayNode content = JsonBody.MAPPER.createArrayNode();
    private JsonNode structured;
    private boolean error;

    static ToolResult text(String text) {
        return new ToolResult().addText(text);
    }

    /** The API's answer as pretty JSON for the model and as structured content for programs. */
    static ToolResult json(JsonNode value) {
        var r = text(JsonBody.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value));
        if (value.isObject()) r.structured = value;
        else r.structured = JsonBody.MAPPER.createObjectNode().set("items", value);
        return r;
    }

    static ToolResult failure(String message) {
        var r = text(message);
        r.error = true;
        return r;
    }

    ToolResult addText(String text) {
        content.addObject().put("type", "text").put("text", text);
        return this;
    }

    ToolResult addImage(String base64, String mimeType) {
        content.addObject().put("type", "image").put("data", base64).put("mimeType", mimeType);
        return this;
    }

    /** Bytes that are not text, embedded as a resource so that a client can save them as they are. */
    ToolResult addBlob(String uri, String base64) {
        var block = content.addObject().put("type", "resource");
        block.putObject("resource")
                .put("uri", uri)
                .put("mimeType", "application/octet-stream")
                .put("blob", base64);
        return this;
    }

    ToolResult structured(ObjectNode value) {
        this.structured = value;
        return this;
    }

    ObjectNode toJson() {
        var out = JsonBody.MAPPER.createObjectNode();
        out.set("content", content);
        if (structured != null) out.set("structuredContent", structured);
        out.put("isError", error);
        return out;
    }

    /** Arguments the tool refuses before calling the API: a tool error the model can correct. */
    static final class Refusal extends RuntimeException {
        Refusal(String message) {
            super(message);
        }
    }
}
