package dev.wrenn.controlplane.mcp;

import dev.wrenn.controlplane.http.JsonBody;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** The lifecycle tools: create, list, pause, resume and destroy sandboxes. */
final class SandboxTools {
    static final String SANDBOX_ID = "The sandbox's id, as create_sandbox or list_sandboxes gave it.";

    private SandboxTools() {}

    static List<Tool> all() {
        return List.of(create(), list(), pause(), resume(), destroy());
    }

    static String path(String sandboxId) {
        return "/v1/sandboxes/" + URLEncoder.encode(sandboxId, StandardCharsets.UTF_8);
    }

    private static Tool create() {
        var schema = Schemas.object()
                .string(
                        "template",
                        "Template to start from. 'minimal' (the default) is Debian with Python 3, numpy and pandas; "
                                + "'code-interpreter-v1' also runs a Jupyter kernel, needed by run_code. "
                                + "Any template of the caller's team works too.")
                .integer("vcpus", "Virtual CPUs (default 1).", 1, 128)
                .integer("memory_mb", "Memory in MiB (default 512; code-interpreter-v1 needs 1024).", 128, 1 << 20)
                .integer(
                        "timeout_sec",
                        "Seconds of inactivity after which the sandbox is paused (0, the default, never).",
                        0,
                        7 * 24 * 3600)
                .strings("metadata", "Labels to find the sandbox by later, such as {\"task\": \"report\"}.")
                .strings("env_vars", "Environment variables every command in the sandbox gets.")
                .build();
        return new Tool(
                "create_sandbox",
                "Create a sandbox",
                "Starts a new, isolated Linux sandbox (a microVM) and returns it: its 'id' is what every other tool "
                        + "takes as sandbox_id. The sandbox keeps running, and costs resources, until destroy_sandbox; "
                        + "pause_sandbox keeps its state at no CPU cost. Commands run as root by default, with "
                        + "network access as the server's policy allows.",
                schema,
                new Tool.Hints(false, false, false),
                (args, api) -> {
                    var body = JsonBody.MAPPER.createObjectNode();
                    body.put("template", args.optionalString("template", "minimal"));
                    var memory = args.optionalInt("memory_mb");
                    if (memory == null
                            && "code-interpreter-v1"
                                    .equals(body.path("template").asString())) memory = 1024;
                    putIfSet(body, "vcpus", args.optionalInt("vcpus"));
                    putIfSet(body, "memory_mb", memory);
                    putIfSet(body, "timeout_sec", args.optionalInt("timeout_sec"));
                    var metadata = args.optionalObject("metadata");
                    if (metadata != null) body.set("metadata", metadata);
                    var env = args.optionalObject("env_vars");
                    if (env != null) body.set("env_vars", env);
                    return ToolResult.json(api.post("/v1/sandboxes", body));
                });
    }

    private static Tool list() {
        return new Tool(
                "list_sandboxes",
                "List sandboxes",
                "Lists the caller's sandboxes with their id, template, status (running, paused, ...) and metadata.",
                Schemas.object().build(),
                new Tool.Hints(true, false, true),
                (args, api) -> ToolResult.json(api.get("/v1/sandboxes")));
    }

    private static Tool pause() {
        return new Tool(
                "pause_sandbox",
                "Pause a sandbox",
                "Freezes a running sandbox: its memory, processes and files are kept and it uses no CPU. "
                        + "resume_sandbox continues it exactly where it stopped.",
                idOnly(),
                new Tool.Hints(false, false, true),
                (args, api) -> ToolResult.json(api.post(path(args.requiredString("sandbox_id")) + "/pause", empty())));
    }

    private static Tool resume() {
        return new Tool(
                "resume_sandbox",
                "Resume a sandbox",
                "Continues a paused sandbox with the processes, memory and files it had when it was paused.",
                idOnly(),
                new Tool.Hints(false, false, true),
                (args, api) -> ToolResult.json(api.post(path(args.requiredString("sandbox_id")) + "/resume", empty())));
    }

    private static Tool destroy() {
        return new Tool(
                "destroy_sandbox",
                "Destroy a sandbox",
                "Stops the sandbox and deletes it with everything in it. It cannot be undone: read any file you "
                        + "still need first.",
                idOnly(),
                new Tool.Hints(false, true, true),
                (args, api) -> {
                    String id = args.requiredString("sandbox_id");
                    api.delete(path(id));
                    return ToolResult.text("Sandbox " + id + " is destroyed.");
                });
    }

    static tools.jackson.databind.node.ObjectNode idOnly() {
        return Schemas.object().string("sandbox_id", SANDBOX_ID).require("sandbox_id");
    }

    private static JsonNode empty() {
        return JsonBody.MAPPER.createObjectNode();
    }

    static void putIfSet(tools.jackson.databind.node.ObjectNode body, String name, Integer value) {
        if (value != null) body.put(name, value);
    }
}
