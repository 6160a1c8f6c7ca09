package dev.wrenn.controlplane.code;

import dev.wrenn.controlplane.auth.Authenticator;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.http.ErrorBody;
import dev.wrenn.controlplane.http.JsonBody;
import dev.wrenn.controlplane.sandbox.SandboxService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/sandboxes/{id}/code}: runs a cell of code in the sandbox's code interpreter (docs/code.md).
 * Answers the whole execution as one JSON object, or with {@code ?stream=true} each event as an NDJSON line as
 * it happens (E2B's event types: stdout, stderr, result, error, number_of_executions, end_of_execution).
 */
public final class CodeRoutes {
    private final CodeRunner runner;

    public CodeRoutes(SandboxService sandboxes, String hostToken) {
        this.runner = new CodeRunner(sandboxes, hostToken);
    }

    public void register(RoutesConfig routes, Authenticator auth) {
        routes.post("/v1/sandboxes/{id}/code", auth.withApiKey(this::run));
    }

    private void run(Context ctx) throws IOException {
        String team = Authenticator.principal(ctx).teamId();
        String id = ctx.pathParam("id");
        String stream = ctx.queryParam("stream");
        if (stream != null && !stream.equals("true") && !stream.equals("false"))
            throw ApiException.invalid("'stream' must be true or false");
        var req = CodeRequest.read(JsonBody.of(ctx));
        if ("true".equals(stream)) streamed(ctx, team, id, req);
        else ctx.json(collected(team, id, req));
    }

    /** The execution as E2B's SDKs assemble it: results, logs, the error, the execution count. */
    private Map<String, Object> collected(String team, String id, CodeRequest req) {
        var results = new ArrayList<JsonNode>();
        List<String> stdout = new ArrayList<>();
        List<String> stderr = new ArrayList<>();
        var out = new LinkedHashMap<String, Object>();
        out.put("error", null);
        out.put("execution_count", null);
        runner.run(team, id, req, e -> {
            switch (e.path("type").asString("")) {
                case "result" -> results.add(withoutType(e));
                case "stdout" -> stdout.add(e.path("text").asString(""));
                case "stderr" -> stderr.add(e.path("text").asString(""));
                case "error" -> out.put("error", withoutType(e));
                case "number_of_executions" ->
                    out.put("execution_count", e.path("execution_count").asLong());
                default -> {}
            }
        });
        var answer = new LinkedHashMap<String, Object>();
        answer.put("results", results);
        answer.put("logs", Map.of("stdout", stdout, "stderr", stderr));
        answer.putAll(out);
        return answer;
    }

    private void streamed(Context ctx, String team, String id, CodeRequest req) throws IOException {
        var first = new boolean[] {true};
        OutputStream[] body = new OutputStream[1];
        try {
            runner.run(team, id, req, e -> {
                try {
                    if (first[0]) {
                        first[0] = false;
                        ctx.status(200).contentType("application/x-ndjson");
                        body[0] = ctx.outputStream();
                    }
                    body[0].write(JsonBody.MAPPER.writeValueAsBytes(e));
                    body[0].write('\n');
                    body[0].flush();
                } catch (IOException x) {
                    // The client left: ending the read closes the guest's stream, which interrupts the cell.
                    throw new UncheckedIOException(x);
                }
            });
        } catch (ApiException e) {
            if (first[0]) throw e;
            // Already answering 200: the failure is the stream's last line, in the API's error envelope.
            body[0].write(
                    JsonBody.MAPPER.writeValueAsBytes(ErrorBody.of(e.error().code(), e.getMessage())));
            body[0].write('\n');
        } catch (UncheckedIOException e) {
            // nothing to tell a client that is gone
        }
        if (first[0]) ctx.status(200).contentType("application/x-ndjson").result("");
    }

    private static JsonNode withoutType(JsonNode e) {
        var copy = (ObjectNode) e.deepCopy();
        copy.remove("type");
        return copy;
    }
}
