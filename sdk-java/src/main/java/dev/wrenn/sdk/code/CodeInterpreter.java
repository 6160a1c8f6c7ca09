package dev.wrenn.sdk.code;

import dev.wrenn.sdk.http.Json;
import dev.wrenn.sdk.http.NdjsonReader;
import dev.wrenn.sdk.http.Query;
import dev.wrenn.sdk.http.Transport;
import dev.wrenn.sdk.process.OutputHandler;
import java.net.http.HttpRequest.BodyPublishers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Cells of code run in a sandbox's code interpreter ({@code POST /v1/sandboxes/{id}/code}): the server on port
 * 49999 that sandboxes of the built-in template {@code code-interpreter-v1} start with (docs/code-interpreter.md).
 * A sandbox without one answers {@link dev.wrenn.sdk.ConflictException} ({@code conflict}). From
 * {@code Sandbox#code()}.
 */
public final class CodeInterpreter {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);
    private static final Duration GRACE = Duration.ofSeconds(60);

    private final Transport transport;
    private final String sandboxId;

    public CodeInterpreter(Transport transport, String sandboxId) {
        this.transport = transport;
        this.sandboxId = sandboxId;
    }

    /** Runs {@code code} in the default Python context and returns the whole execution. */
    public Execution run(String code) {
        return run(CodeRun.builder(code).build());
    }

    public Execution run(CodeRun cell) {
        return transport
                .json("POST", route(false), cell.json(), wait(cell))
                .as(Execution.Wire.class)
                .execution();
    }

    /** Runs {@code cell} with what it prints handed to {@code handler} as it happens; returns the whole execution. */
    public Execution run(CodeRun cell, OutputHandler handler) {
        var results = new ArrayList<CodeOutput>();
        List<String> stdout = new ArrayList<>();
        List<String> stderr = new ArrayList<>();
        CodeError error = null;
        Integer count = null;
        var body = BodyPublishers.ofString(cell.json().text());
        try (var lines = new NdjsonReader(transport.stream("POST", route(true), "application/json", body))) {
            for (JsonNode e = lines.next(); e != null; e = lines.next()) {
                switch (e.path("type").asString("")) {
                    case "stdout" -> {
                        stdout.add(e.path("text").asString(""));
                        handler.onStdout(e.path("text").asString(""));
                    }
                    case "stderr" -> {
                        stderr.add(e.path("text").asString(""));
                        handler.onStderr(e.path("text").asString(""));
                    }
                    case "result" -> results.add(Json.convert(withoutType(e), CodeOutput.class));
                    case "error" -> error = Json.convert(withoutType(e), CodeError.class);
                    case "number_of_executions" ->
                        count = e.path("execution_count").asInt();
                    default -> {} // keepalive, end_of_execution, and types this SDK does not know
                }
            }
        }
        return new Execution(results, stdout, stderr, error, count);
    }

    private static JsonNode withoutType(JsonNode e) {
        var copy = (ObjectNode) e.deepCopy();
        copy.remove("type");
        return copy;
    }

    private Query route(boolean stream) {
        return Query.path("/v1/sandboxes").segment(sandboxId).then("/code").param("stream", stream ? "true" : null);
    }

    private static Duration wait(CodeRun cell) {
        return (cell.timeout() == null ? DEFAULT_TIMEOUT : cell.timeout()).plus(GRACE);
    }
}
