package dev.wrenn.controlplane.mcp;

import dev.wrenn.controlplane.http.JsonBody;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** JSON-RPC 2.0 as MCP uses it: the answer shapes and the standard error codes. */
final class JsonRpc {
    static final int INVALID_REQUEST = -32600;
    static final int METHOD_NOT_FOUND = -32601;
    static final int INVALID_PARAMS = -32602;
    static final int INTERNAL_ERROR = -32603;

    private JsonRpc() {}

    static ObjectNode result(JsonNode id, JsonNode result) {
        var answer = envelope(id);
        answer.set("result", result);
        return answer;
    }

    /** An error answer; {@code id} is JSON null when the request's id could not be read. */
    static ObjectNode error(JsonNode id, int code, String message) {
        var answer = envelope(id);
        answer.putObject("error").put("code", code).put("message", message);
        return answer;
    }

    private static ObjectNode envelope(JsonNode id) {
        var answer = JsonBody.MAPPER.createObjectNode();
        answer.put("jsonrpc", "2.0");
        answer.set("id", id == null ? JsonBody.MAPPER.nullNode() : id);
        return answer;
    }

    /** A failure that becomes a JSON-RPC error answer (as opposed to a tool's error result). */
    static final class Failure extends RuntimeException {
        final int code;

        Failure(int code, String message) {
            super(message);
            this.code = code;
        }
    }
}
