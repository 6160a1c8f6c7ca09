package dev.wrenn.cli.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * MCP's stdio transport in front of the server's {@code /mcp}: each line of input is one JSON-RPC message, posted
 * as it is; each answer is one line of output. The tools themselves are the server's, so both transports offer the
 * same ones. Requests run side by side (a client may ping during a long command); only initialize is awaited
 * first, because its answer names the protocol version the later requests carry. Nothing but JSON-RPC is written
 * to standard output: that stream is the protocol.
 */
public final class McpBridge {
    /** JSON-RPC's code for a server error outside the reserved range: the API could not be reached or refused. */
    static final int UNREACHABLE = -32000;

    private final ApiClient api;
    private final PrintStream out;
    private final PrintStream err;
    private volatile String protocolVersion;

    public McpBridge(ApiClient api, PrintStream out, PrintStream err) {
        this.api = api;
        this.out = out;
        this.err = err;
    }

    /** Bridges until the input ends and every request in flight has its answer. */
    public void run(InputStream in) throws IOException {
        var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        try (var inFlight = Executors.newVirtualThreadPerTaskExecutor()) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) continue;
                JsonNode message;
                try {
                    message = ApiClient.JSON.readTree(line);
                } catch (JacksonException e) {
                    write(error(null, -32700, "the line is not JSON"));
                    continue;
                }
                if ("initialize".equals(message.path("method").asString(""))) {
                    forward(message);
                } else {
                    inFlight.submit(() -> forward(message));
                }
            }
        }
    }

    private void forward(JsonNode message) {
        var id = message.isObject() ? message.get("id") : null;
        boolean request = id != null && message.has("method");
        try {
            var post = api.request("/mcp")
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(message.toString()));
            if (protocolVersion != null) post.header("MCP-Protocol-Version", protocolVersion);
            var response = api.http().send(post.build(), HttpResponse.BodyHandlers.ofByteArray());
            int status = response.statusCode();
            if (status == 202) return;
            JsonNode answer = parse(response.body());
            if (status == 200 && answer != null) {
                noteVersion(message, answer);
                write(answer);
            } else if (answer != null && answer.has("jsonrpc")) {
                write(answer);
            } else if (request) {
                write(error(id, UNREACHABLE, "the Wrenn API answered " + status + ": " + reason(answer)));
            } else {
                err.println("wrenn mcp: the Wrenn API answered " + status + " to a notification: " + reason(answer));
            }
        } catch (IOException e) {
            if (request) write(error(id, UNREACHABLE, "the Wrenn API at " + api.base() + " is unreachable: " + e));
            else err.println("wrenn mcp: the Wrenn API at " + api.base() + " is unreachable: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void noteVersion(JsonNode message, JsonNode answer) {
        if ("initialize".equals(message.path("method").asString(""))) {
            var v = answer.path("result").path("protocolVersion");
            if (v.isString()) protocolVersion = v.asString();
        }
    }

    private static JsonNode parse(byte[] body) {
        if (body.length == 0) return null;
        try {
            return ApiClient.JSON.readTree(body);
        } catch (JacksonException e) {
            return null;
        }
    }

    /** The API's own words from its error envelope, when it sent one. */
    private static String reason(JsonNode answer) {
        if (answer == null) return "(no JSON body)";
        var m = answer.path("error").path("message");
        return m.isString() ? m.asString() : answer.toString();
    }

    private static ObjectNode error(JsonNode id, int code, String message) {
        var e = ApiClient.JSON.createObjectNode();
        e.put("jsonrpc", "2.0");
        e.set("id", id == null ? ApiClient.JSON.nullNode() : id);
        e.putObject("error").put("code", code).put("message", message);
        return e;
    }

    /** One message, one line: the serializer writes no raw newlines, and lines never interleave. */
    private synchronized void write(JsonNode message) {
        out.print(message.toString());
        out.print('\n');
        out.flush();
    }
}
