package dev.wrenn.controlplane.mcp;

import static dev.wrenn.controlplane.mcp.SandboxTools.SANDBOX_ID;
import static dev.wrenn.controlplane.mcp.SandboxTools.path;
import static dev.wrenn.controlplane.mcp.SandboxTools.putIfSet;

import dev.wrenn.controlplane.http.JsonBody;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** The tools that run things: a shell command line, or a cell of code in the code interpreter. */
final class CommandTools {
    private CommandTools() {}

    static List<Tool> all() {
        return List.of(runCommand(), runCode());
    }

    private static Tool runCommand() {
        var schema = Schemas.object()
                .string("sandbox_id", SANDBOX_ID)
                .string(
                        "command",
                        "A shell command line, run with /bin/sh -c: pipes, redirects and && work, e.g. "
                                + "'cd /tmp && python3 main.py > out.txt'.")
                .string("cwd", "Working directory (default: the user's home; relative paths start there).")
                .strings("env", "Extra environment variables for this command.")
                .oneOf("user", "The account to run as: root (the default) or user (uid 1000).", "root", "user")
                .integer("timeout_sec", "Seconds before the command is killed (default 30).", 1, 3600)
                .require("sandbox_id", "command");
        return new Tool(
                "run_command",
                "Run a shell command",
                "Runs a command line in a sandbox, waits for it to end, and returns its exit code, stdout and "
                        + "stderr. A non-zero exit code is reported, not treated as a failure of the tool. For a "
                        + "long-running server, end the line with '&' and redirect its output to a file.",
                schema,
                new Tool.Hints(false, false, false),
                (args, api) -> {
                    var body = JsonBody.MAPPER.createObjectNode();
                    body.put("cmd", args.requiredString("command"));
                    String cwd = args.optionalString("cwd", null);
                    if (cwd != null) body.put("cwd", cwd);
                    var env = args.optionalObject("env");
                    if (env != null) body.set("env", env);
                    String user = args.optionalString("user", null);
                    if (user != null) body.put("user", user);
                    putIfSet(body, "timeout_sec", args.optionalInt("timeout_sec"));
                    var done = api.post(path(args.requiredString("sandbox_id")) + "/exec", body);
                    return commandResult(done);
                });
    }

    static ToolResult commandResult(JsonNode done) {
        var text =
                new StringBuilder("exit code: ").append(done.path("exit_code").asInt());
        section(text, "stdout", done.path("stdout").asString(""));
        section(text, "stderr", done.path("stderr").asString(""));
        var structured = JsonBody.MAPPER.createObjectNode();
        structured.put("exit_code", done.path("exit_code").asInt());
        structured.put("stdout", done.path("stdout").asString(""));
        structured.put("stderr", done.path("stderr").asString(""));
        return ToolResult.text(text.toString()).structured(structured);
    }

    private static Tool runCode() {
        var schema = Schemas.object()
                .string("sandbox_id", SANDBOX_ID + " It must run the code-interpreter-v1 template.")
                .string(
                        "code",
                        "The code of one cell. Variables, imports and functions stay defined for later cells; "
                                + "the value of the last expression is returned, and plots are returned as images.")
                .string("language", "The kernel's language (default python).")
                .string("context_id", "A code context to run in, for state kept apart from the default one (optional).")
                .integer("timeout_sec", "Seconds before the cell is interrupted (default 300).", 1, 3600)
                .require("sandbox_id", "code");
        return new Tool(
                "run_code",
                "Run code in a Jupyter kernel",
                "Runs a cell of Python in the sandbox's code interpreter, a Jupyter kernel with numpy, pandas and "
                        + "matplotlib loaded, keeping state between calls like a notebook. Returns what was printed, "
                        + "the last expression's value, charts as PNG images, and the exception with its traceback "
                        + "if the cell raised. Needs a sandbox created with template 'code-interpreter-v1'.",
                schema,
                new Tool.Hints(false, false, false),
                (args, api) -> {
                    var body = JsonBody.MAPPER.createObjectNode();
                    body.put("code", args.requiredString("code"));
                    String language = args.optionalString("language", null);
                    if (language != null) body.put("language", language);
                    String context = args.optionalString("context_id", null);
                    if (context != null) body.put("context_id", context);
                    putIfSet(body, "timeout_sec", args.optionalInt("timeout_sec"));
                    return codeResult(api.post(path(args.requiredString("sandbox_id")) + "/code", body));
                });
    }

    /** The cell's outcome in reading order: its output, its values and images, then its exception. */
    static ToolResult codeResult(JsonNode done) {
        var text = new StringBuilder();
        if (!done.path("execution_count").isNull())
            text.append("execution count: ").append(done.path("execution_count").asLong());
        section(text, "stdout", String.join("", strings(done.path("logs").path("stdout"))));
        section(text, "stderr", String.join("", strings(done.path("logs").path("stderr"))));
        var images = new java.util.ArrayList<String>();
        for (var r : done.path("results")) {
            String value = r.path("text").asString("");
            if (!value.isEmpty()) section(text, r.path("is_main_result").asBoolean() ? "result" : "display", value);
            if (r.path("png").isString()) images.add(r.path("png").asString());
        }
        var error = done.path("error");
        if (error.isObject()) {
            section(
                    text,
                    "error",
                    error.path("name").asString("") + ": " + error.path("value").asString("") + "\n"
                            + error.path("traceback").asString(""));
        }
        var result =
                ToolResult.text(text.isEmpty() ? "(no output)" : text.toString().strip());
        for (String png : images) result.addImage(png, "image/png");
        return result.structured((tools.jackson.databind.node.ObjectNode) done);
    }

    private static List<String> strings(JsonNode array) {
        var out = new java.util.ArrayList<String>();
        for (var n : array) out.add(n.asString(""));
        return out;
    }

    private static void section(StringBuilder text, String name, String body) {
        if (body.isEmpty()) return;
        if (!text.isEmpty()) text.append("\n");
        text.append("--- ").append(name).append(" ---\n").append(body);
        if (!body.endsWith("\n")) text.append("\n");
    }
}
