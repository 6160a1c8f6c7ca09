package dev.wrenn.controlplane.mcp;

import dev.wrenn.controlplane.http.JsonBody;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The MCP server's protocol, apart from its transport: initialization with version negotiation, ping, and the
 * tools. It keeps no state between messages, so any replica can answer any of them and no session can leak.
 */
public final class McpProtocol {
    /** Newest first: the answer to an unknown version is the newest, which the client may accept or refuse. */
    static final List<String> VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");

    private static final Logger log = LoggerFactory.getLogger(McpProtocol.class);
    private static final String INSTRUCTIONS = "Wrenn runs code in isolated Linux sandboxes (microVMs). Start with "
            + "create_sandbox and pass its id to the other tools; run_command runs shell commands, run_code runs "
            + "Python in a Jupyter kernel (create the sandbox from template 'code-interpreter-v1' for it), and the "
            + "file tools read and write files. Destroy sandboxes you no longer need; pause one to keep its state.";

    private final Map<String, Tool> tools = new LinkedHashMap<>();
    private final String version;

    public McpProtocol(String serverVersion) {
        this.version = serverVersion;
        for (var group : List.of(SandboxTools.all(), CommandTools.all(), FileTools.all())) {
            for (var t : group) tools.put(t.name(), t);
        }
    }

    static boolean supports(String protocolVersion) {
        return VERSIONS.contains(protocolVersion);
    }

    /** The answer to one message, or null when it needs none (a notification, or a client's response). */
    ObjectNode handle(JsonNode message, LocalApi.Caller api) {
        if (!message.isObject() || !"2.0".equals(message.path("jsonrpc").asString(""))) {
            return JsonRpc.error(idOf(message), JsonRpc.INVALID_REQUEST, "not a JSON-RPC 2.0 message");
        }
        var method = message.get("method");
        JsonNode id = message.get("id");
        if (method == null) return null;
        if (!method.isString()) return JsonRpc.error(id, JsonRpc.INVALID_REQUEST, "'method' must be a string");
        if (id == null) return null;
        if (!id.isString() && !id.isIntegralNumber())
            return JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "'id' must be a string or an integer");
        var params = message.path("params");
        try {
            return JsonRpc.result(
                    id,
                    switch (method.asString()) {
                        case "initialize" -> initialize(params);
                        case "ping" -> JsonBody.MAPPER.createObjectNode();
                        case "tools/list" -> list();
                        case "tools/call" -> call(params, api).toJson();
                        default ->
                            throw new JsonRpc.Failure(JsonRpc.METHOD_NOT_FOUND, "no method " + method.asString());
                    });
        } catch (JsonRpc.Failure f) {
            return JsonRpc.error(id, f.code, f.getMessage());
        }
    }

    private ObjectNode initialize(JsonNode params) {
        String asked = params.path("protocolVersion").asString("");
        var out = JsonBody.MAPPER.createObjectNode();
        out.put("protocolVersion", supports(asked) ? asked : VERSIONS.getFirst());
        out.putObject("capabilities").putObject("tools").put("listChanged", false);
        out.putObject("serverInfo")
                .put("name", "wrenn")
                .put("title", "Wrenn sandboxes")
                .put("version", version);
        out.put("instructions", INSTRUCTIONS);
        return out;
    }

    private ObjectNode list() {
        var out = JsonBody.MAPPER.createObjectNode();
        var array = out.putArray("tools");
        for (var t : tools.values()) t.describe(array.addObject());
        return out;
    }

    private ToolResult call(JsonNode params, LocalApi.Caller api) {
        var name = params.path("name");
        if (!name.isString()) throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "'params.name' must be a tool name");
        var tool = tools.get(name.asString());
        if (tool == null) throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "no tool named '" + name.asString() + "'");
        var arguments = params.path("arguments");
        if (arguments.isMissingNode() || arguments.isNull()) arguments = JsonBody.MAPPER.createObjectNode();
        if (!arguments.isObject())
            throw new JsonRpc.Failure(JsonRpc.INVALID_PARAMS, "'params.arguments' must be an object");
        try {
            return tool.handler().call(new Tool.Arguments(arguments), api);
        } catch (ToolResult.Refusal r) {
            return ToolResult.failure(tool.name() + ": " + r.getMessage());
        } catch (LocalApi.Failure f) {
            return ToolResult.failure(tool.name() + " failed: " + f.getMessage() + " (" + f.code + ", HTTP " + f.status
                    + ")" + hint(tool, f));
        } catch (RuntimeException e) {
            log.warn("MCP tool {} failed", tool.name(), e);
            return ToolResult.failure(tool.name() + " failed inside the server; the server's log has the cause.");
        }
    }

    /** What a model can do about the common failures, beside the API's own words. */
    private static String hint(Tool tool, LocalApi.Failure f) {
        return switch (f.code) {
            case "sandbox_not_running" ->
                f.getMessage().contains("paused")
                        ? ". Resume it with resume_sandbox first."
                        : ". It cannot run again: create_sandbox makes a new one.";
            case "not_found" -> ". list_sandboxes shows the sandboxes that exist.";
            case "conflict" ->
                tool.name().equals("run_code")
                        ? ". run_code needs a sandbox created from template 'code-interpreter-v1'."
                        : "";
            default -> "";
        };
    }

    private static JsonNode idOf(JsonNode message) {
        var id = message.isObject() ? message.get("id") : null;
        return id != null && (id.isString() || id.isIntegralNumber()) ? id : null;
    }
}
