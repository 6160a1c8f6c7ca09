package dev.wrenn.controlplane.code;

import dev.wrenn.controlplane.host.HostProxyHeaders;
import dev.wrenn.controlplane.http.ApiError;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.http.JsonBody;
import dev.wrenn.controlplane.sandbox.SandboxService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Runs a cell in a sandbox's code interpreter (the server on port 49999 of templates such as code-interpreter-v1)
 * through the proxy of the host agent that holds the sandbox, and hands each event of its stream on as it
 * comes. The guest's server is what E2B's SDKs speak to; this is the same call for {@code /v1} clients.
 * Closing the stream when the cell runs past its timeout is also what interrupts it in the guest.
 */
final class CodeRunner {
    static final int PORT = 49999;
    /** One timer thread for every cell's deadline: a cell that ends first cancels its own. */
    private static final java.util.concurrent.ScheduledExecutorService DEADLINES =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("code-deadlines").daemon().factory());

    private final SandboxService sandboxes;
    private final String hostToken;
    /** HTTP/1.1: the JDK's default would ask for an upgrade to h2c, which the host's proxy refuses. */
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    CodeRunner(SandboxService sandboxes, String hostToken) {
        this.sandboxes = sandboxes;
        this.hostToken = hostToken;
    }

    /**
     * Runs {@code req} in sandbox {@code id} of the team; {@code events} gets every event but keepalives. Errors
     * before the first event are ApiExceptions; a cell that raises is an {@code error} event, not an exception.
     */
    void run(String teamId, String id, CodeRequest req, Consumer<JsonNode> events) {
        sandboxes.ping(teamId, id); // 404 or 409; a cell counts as activity
        URI execute = sandboxes.agent().proxyUri().resolve("/execute");
        var request = HttpRequest.newBuilder(execute)
                .header("Content-Type", "application/json")
                .header(HostProxyHeaders.SANDBOX_ID, id)
                .header(HostProxyHeaders.SANDBOX_PORT, Integer.toString(PORT))
                .timeout(Duration.ofSeconds(req.timeoutSec()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(JsonBody.MAPPER.writeValueAsBytes(req.guestBody())));
        if (hostToken != null) request.header(HostProxyHeaders.TOKEN, hostToken);
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (java.net.http.HttpTimeoutException e) {
            throw timedOut(req);
        } catch (IOException e) {
            throw new ApiException(ApiError.HOST_AGENT_ERROR, "the host agent's proxy could not be reached: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(ApiError.INTERNAL_ERROR, "interrupted");
        }
        try (var body = response.body()) {
            if (response.statusCode() != 200) throw refused(id, response.statusCode(), body);
            stream(body, req, events);
        } catch (IOException e) {
            throw new ApiException(ApiError.HOST_AGENT_ERROR, "the code interpreter's answer broke off: " + e);
        }
    }

    private static void stream(InputStream body, CodeRequest req, Consumer<JsonNode> events) throws IOException {
        var expired = new AtomicBoolean();
        // The deadline closes the stream under the reader: the guest sees its client go and interrupts the cell.
        var deadline = DEADLINES.schedule(
                () -> {
                    expired.set(true);
                    try {
                        body.close();
                    } catch (IOException e) {
                        // closed already
                    }
                },
                req.timeoutSec(),
                java.util.concurrent.TimeUnit.SECONDS);
        try {
            var lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isBlank()) continue;
                JsonNode event;
                try {
                    event = JsonBody.MAPPER.readTree(line);
                } catch (JacksonException e) {
                    throw new ApiException(
                            ApiError.HOST_AGENT_ERROR, "the code interpreter sent a line that is not JSON");
                }
                if (!"keepalive".equals(event.path("type").asString(""))) events.accept(event);
            }
        } catch (IOException e) {
            if (expired.get()) throw timedOut(req);
            throw e;
        } finally {
            deadline.cancel(false);
        }
        if (expired.get()) throw timedOut(req);
    }

    private static ApiException timedOut(CodeRequest req) {
        return new ApiException(
                ApiError.EXECUTION_TIMEOUT,
                "the code ran past timeout_sec (" + req.timeoutSec() + " s) and was interrupted");
    }

    /** What the guest's server (or the host's proxy in front of it) answered instead of a stream. */
    private static ApiException refused(String id, int status, InputStream body) throws IOException {
        String text = new String(body.readNBytes(4096), StandardCharsets.UTF_8).strip();
        return switch (status) {
            case 404 -> ApiException.notFound(text.isEmpty() ? "not found" : text);
            case 400, 422 -> ApiException.invalid(text.isEmpty() ? "the code interpreter refused the request" : text);
            case 502, 503, 504 ->
                new ApiException(
                        ApiError.CONFLICT,
                        "sandbox '" + id + "' has no code interpreter answering on port " + PORT
                                + "; create the sandbox from the template code-interpreter-v1");
            default ->
                new ApiException(ApiError.HOST_AGENT_ERROR, "the code interpreter answered " + status + ": " + text);
        };
    }
}
