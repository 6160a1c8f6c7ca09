package dev.wrenn.controlplane.mcp;

import static dev.wrenn.controlplane.mcp.SandboxTools.SANDBOX_ID;
import static dev.wrenn.controlplane.mcp.SandboxTools.path;

import dev.wrenn.controlplane.http.JsonBody;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** The file tools: read, write and list files in a sandbox. */
final class FileTools {
    /** Past this a read is cut: a model's context is the scarce thing, and run_command can page through more. */
    static final int MAX_READ_BYTES = 1 << 20;

    private FileTools() {}

    static List<Tool> all() {
        return List.of(read(), write(), list());
    }

    private static Tool read() {
        var schema = Schemas.object()
                .string("sandbox_id", SANDBOX_ID)
                .string("path", "Absolute path of the file, e.g. /home/user/out.txt.")
                .require("sandbox_id", "path");
        return new Tool(
                "read_file",
                "Read a file",
                "Returns a file's content from a sandbox: as text when it is UTF-8, otherwise as an embedded "
                        + "binary resource (base64). Files over 1 MiB are cut at 1 MiB.",
                schema,
                new Tool.Hints(true, false, true),
                (args, api) -> {
                    String id = args.requiredString("sandbox_id");
                    String file = args.requiredString("path");
                    var body = JsonBody.MAPPER.createObjectNode().put("path", file);
                    byte[] data = api.postForBytes(path(id) + "/files/read", body);
                    return content(id, file, data);
                });
    }

    static ToolResult content(String id, String file, byte[] data) {
        boolean cut = data.length > MAX_READ_BYTES;
        byte[] shown = cut ? java.util.Arrays.copyOf(data, MAX_READ_BYTES) : data;
        String note = cut ? "\n[cut at " + MAX_READ_BYTES + " of " + data.length + " bytes]" : "";
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(shown))
                    .toString();
            return ToolResult.text(text + note);
        } catch (CharacterCodingException e) {
            // A cut through a multi-byte character, or really binary: either way, bytes as they are.
            return ToolResult.text(file + " is binary (" + data.length + " bytes)" + note)
                    .addBlob(
                            "wrenn://sandboxes/" + id + file,
                            Base64.getEncoder().encodeToString(shown));
        }
    }

    private static Tool write() {
        var schema = Schemas.object()
                .string("sandbox_id", SANDBOX_ID)
                .string("path", "Absolute path to write, e.g. /home/user/main.py. Missing directories are made.")
                .string("content", "The file's whole new content.")
                .oneOf(
                        "encoding",
                        "How content is written: utf-8 text (the default) or base64 for binary data.",
                        "utf-8",
                        "base64")
                .require("sandbox_id", "path", "content");
        return new Tool(
                "write_file",
                "Write a file",
                "Creates or replaces a file in a sandbox with the given content.",
                schema,
                new Tool.Hints(false, true, true),
                (args, api) -> {
                    String id = args.requiredString("sandbox_id");
                    String file = args.requiredString("path");
                    String content = args.requiredString("content");
                    byte[] data;
                    if ("base64".equals(args.optionalString("encoding", "utf-8"))) {
                        try {
                            data = Base64.getDecoder().decode(content);
                        } catch (IllegalArgumentException e) {
                            throw new ToolResult.Refusal("'content' is not valid base64: " + e.getMessage());
                        }
                    } else {
                        data = content.getBytes(StandardCharsets.UTF_8);
                    }
                    api.upload(path(id) + "/files/write", file, data);
                    return ToolResult.text("Wrote " + data.length + " bytes to " + file + ".");
                });
    }

    private static Tool list() {
        var schema = Schemas.object()
                .string("sandbox_id", SANDBOX_ID)
                .string("path", "Absolute path of the directory, e.g. /home/user.")
                .integer("depth", "How many levels down to list (default 1).", 1, 10)
                .require("sandbox_id", "path");
        return new Tool(
                "list_files",
                "List a directory",
                "Lists a directory in a sandbox: one line per entry with its type (file, dir, symlink), size in "
                        + "bytes and path.",
                schema,
                new Tool.Hints(true, false, true),
                (args, api) -> {
                    String id = args.requiredString("sandbox_id");
                    String dir = args.requiredString("path");
                    Integer depth = args.optionalInt("depth");
                    String query = "?path=" + URLEncoder.encode(dir, StandardCharsets.UTF_8)
                            + (depth == null ? "" : "&depth=" + depth);
                    var entries = api.get(path(id) + "/fs/list" + query);
                    var text = new StringBuilder();
                    for (var e : entries) {
                        text.append(e.path("type").asString(""))
                                .append('\t')
                                .append(e.path("size").asLong())
                                .append('\t')
                                .append(e.path("path").asString(""))
                                .append('\n');
                    }
                    var result = ToolResult.text(text.isEmpty() ? dir + " is empty" : text.toString());
                    return result.structured(JsonBody.MAPPER.createObjectNode().set("entries", entries));
                });
    }
}
