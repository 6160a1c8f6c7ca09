package dev.wrenn.hostagent.guest;

import dev.wrenn.hostagent.guest.connect.ConnectClient;
import dev.wrenn.hostagent.guest.envd.EnvdExec;
import dev.wrenn.hostagent.guest.envd.EnvdFiles;
import dev.wrenn.hostagent.guest.envd.EnvdFilesystem;
import dev.wrenn.hostagent.guest.envd.EnvdProcesses;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One sandbox's guest agent, which speaks envd's protocol (docs/guest-agent-protocol.md): its process,
 * filesystem and file services, readiness, and the one call after a resume or clone. Instances are cheap;
 * the {@link HttpClient} (connection pool) is shared by the whole host agent.
 */
public final class GuestAgentClient {
    public static final int PORT = 49983;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http;
    private final URI base;
    private final String token;

    public GuestAgentClient(HttpClient http, String host, int port, String token) {
        this.http = http;
        this.base = URI.create("http://" + host + ":" + port);
        this.token = token;
    }

    public static HttpClient newHttpClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    public URI base() {
        return base;
    }

    /** envd's process service of this guest. */
    public EnvdProcesses processes() {
        return new EnvdProcesses(new ConnectClient(http, base), this::envdHeaders);
    }

    /** envd's filesystem service of this guest. */
    public EnvdFilesystem filesystem() {
        return new EnvdFilesystem(new ConnectClient(http, base), this::envdHeaders);
    }

    /** Whole-file upload and download. */
    public EnvdFiles files() {
        return new EnvdFiles(http, base, this::envdHeaders);
    }

    /** A command run to its end, with exec's time limit and output caps. */
    public ExecResult exec(ExecCommand c) throws IOException, InterruptedException {
        return new EnvdExec(processes()).run(c);
    }

    /**
     * envd's authentication: the sandbox's token in {@code X-Access-Token}, and the user a call acts as
     * in HTTP Basic authentication with an empty password (null: the guest's default user).
     */
    Map<String, String> envdHeaders(String user) {
        if (user == null || user.isEmpty()) return Map.of("X-Access-Token", token);
        String basic = Base64.getEncoder().encodeToString((user + ":").getBytes(StandardCharsets.UTF_8));
        return Map.of("X-Access-Token", token, "Authorization", "Basic " + basic);
    }

    /** True when {@code GET /health} answers within {@code timeout}; any failure is just "not yet". */
    public boolean healthy(Duration timeout) {
        try {
            HttpResponse<Void> r = http.send(
                    HttpRequest.newBuilder(base.resolve("/health"))
                            .timeout(timeout)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() / 100 == 2;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Polls /health until it answers or {@code keepTrying} says to give up (deadline passed, VM died). */
    public boolean awaitReady(Duration timeout, Supplier<Boolean> keepTrying) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && keepTrying.get()) {
            long before = System.nanoTime();
            if (healthy(Duration.ofMillis(1000))) return true;
            // A refused connection returns at once; do not spin.
            long spent = (System.nanoTime() - before) / 1_000_000;
            if (spent < 50) Thread.sleep(50 - spent);
        }
        return false;
    }

    /**
     * After a resume or clone, in one {@code POST /init}: the wall clock (stale after any pause), fresh
     * entropy (every clone of a template starts with the template's CRNG state; Wrenn's {@code entropySeed})
     * and, when {@code newToken} is not null, the token the guest trusts from now on. Returns the client to
     * use from now on.
     */
    public GuestAgentClient restored(long unixMs, byte[] seed, String newToken)
            throws IOException, InterruptedException {
        return restored(unixMs, seed, newToken, GuestSetup.NONE);
    }

    /** As {@link #restored(long, byte[], String)}, with a new sandbox's {@code setup} in the same call. */
    public GuestAgentClient restored(long unixMs, byte[] seed, String newToken, GuestSetup setup)
            throws IOException, InterruptedException {
        ObjectNode body = setupBody(setup);
        body.put("timestamp", Instant.ofEpochMilli(unixMs).toString());
        body.put("entropySeed", HexFormat.of().formatHex(seed));
        if (newToken != null) body.put("accessToken", newToken);
        postInit(body);
        return newToken == null ? this : new GuestAgentClient(http, base.getHost(), base.getPort(), newToken);
    }

    /** A freshly booted guest's setup, in one {@code POST /init}; nothing is sent when it is empty. */
    public void setUp(GuestSetup setup) throws IOException, InterruptedException {
        if (!setup.isEmpty()) postInit(setupBody(setup));
    }

    /** One sample of the guest's CPU, memory and disk use ({@code GET /metrics}). */
    public GuestMetrics metrics() throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("/metrics"))
                .timeout(Duration.ofSeconds(30))
                .GET();
        envdHeaders(null).forEach(b::header);
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() / 100 != 2) throw GuestAgentException.fromEnvdHttp(r.statusCode(), r.body());
        JsonNode m = JSON.readTree(r.body());
        return new GuestMetrics(
                m.path("cpu_count").asInt(),
                m.path("cpu_used_pct").asDouble(),
                m.path("mem_used").asLong(),
                m.path("mem_total").asLong(),
                m.path("mem_cache").asLong(),
                m.path("disk_used").asLong(),
                m.path("disk_total").asLong());
    }

    private static ObjectNode setupBody(GuestSetup setup) {
        ObjectNode body = JSON.createObjectNode();
        if (!setup.envVars().isEmpty()) {
            ObjectNode vars = body.putObject("envVars");
            setup.envVars().forEach(vars::put);
        }
        if (setup.defaultUser() != null) body.put("defaultUser", setup.defaultUser());
        if (setup.defaultWorkdir() != null) body.put("defaultWorkdir", setup.defaultWorkdir());
        return body;
    }

    private void postInit(ObjectNode body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("/init"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        envdHeaders(null).forEach(b::header);
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() / 100 != 2) throw GuestAgentException.fromEnvdHttp(r.statusCode(), r.body());
    }
}
