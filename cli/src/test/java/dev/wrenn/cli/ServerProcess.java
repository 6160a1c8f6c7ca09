package dev.wrenn.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real {@code wrenn server} in a JVM of its own (the packaged CLI jar, as ./wrenn runs it), on a
 * data dir the test owns, with its own resource prefix and slot range so it never touches another
 * agent's sandboxes. Killable the way the kernel's OOM killer kills: SIGKILL to the JVM alone.
 */
final class ServerProcess implements AutoCloseable {
    static final String PREFIX = "wcr-";
    static final String CIDR = "10.221.0.0/16";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    // A guard against a hung server, not a speed limit: boots queue behind each other under TCG.
    private static final Duration PATIENCE = Duration.ofMinutes(10);

    final Process process;
    final int port;
    final Path log;
    String apiKey;

    private ServerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static ServerProcess start(Path root, Path dataDir, int port, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = root.resolve("cli/target/wrenn-cli.jar") + ":" + root.resolve("cli/target/lib/*");
        var pb = new ProcessBuilder(
                        java,
                        "--enable-native-access=ALL-UNNAMED",
                        "-Dwrenn.home=" + root,
                        "-cp",
                        cp,
                        "dev.wrenn.cli.Wrenn",
                        "server",
                        "--port",
                        Integer.toString(port),
                        "--data-dir",
                        dataDir.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = pb.environment();
        env.put("WRENN_HOST", "127.0.0.1");
        env.put("WRENN_PREFIX", PREFIX);
        env.put("WRENN_SLOT_CIDR", CIDR);
        env.put("WRENN_RECONCILE_INTERVAL_SEC", "1");
        env.remove("WRENN_DATABASE_URL");
        // The CLI's tests need no built-in template: building one would cost a minute of emulated VM time.
        env.put("WRENN_BUILTIN_TEMPLATES", "off");
        var server = new ServerProcess(pb.start(), port, log);
        server.awaitReady();
        return server;
    }

    /** Until /healthz answers; a server that exits first fails at once, with its log. */
    private void awaitReady() {
        org.awaitility.Awaitility.await("server ready")
                .atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> {
                    if (!process.isAlive())
                        throw new IllegalStateException("server exited " + process.exitValue() + ":\n" + tail());
                    var r = HTTP.send(
                            HttpRequest.newBuilder(uri("/healthz"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    return r.statusCode() == 200;
                });
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    record Response(int status, JsonNode json, String body) {}

    Response call(String method, String path, String body, String... headers) {
        var b = HttpRequest.newBuilder(uri(path))
                .timeout(PATIENCE)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        if (apiKey != null) b.header("X-API-Key", apiKey);
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        try {
            var r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode j = r.body().isBlank() ? null : JSON.readTree(r.body());
            return new Response(r.statusCode(), j, r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A new account and an API key for it; later calls carry the key. */
    void signUp() {
        var s = call(
                "POST",
                "/v1/auth/signup",
                "{\"email\":\"crash-" + System.nanoTime() + "@example.com\",\"password\":\"a-long-password\"}");
        if (s.status() != 201) throw new IllegalStateException("signup: " + s.body());
        var k = call(
                "POST",
                "/v1/api-keys",
                "{\"name\":\"crash\"}",
                "Authorization",
                "Bearer " + s.json().get("token").asString());
        if (k.status() != 201) throw new IllegalStateException("api key: " + k.body());
        apiKey = k.json().get("key").asString();
    }

    /** Runs a shell command line in a sandbox; its stdout. */
    String sh(String id, String command) {
        var r = call(
                "POST",
                "/v1/sandboxes/" + id + "/exec",
                JSON.createObjectNode().put("cmd", command).toString());
        if (r.status() != 200) throw new IllegalStateException("exec in " + id + ": " + r.status() + " " + r.body());
        return r.json().get("stdout").asString();
    }

    String status(String id) {
        return call("GET", "/v1/sandboxes/" + id, null).json().get("status").asString();
    }

    /** SIGKILL to the JVM only: its QEMUs and its database are left as the kernel leaves them. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** The JVM's children (the database's watchdog among them), read before a kill. */
    List<ProcessHandle> children() {
        return new ArrayList<>(process.children().toList());
    }

    String tail() {
        try {
            var lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGTERM: the documented clean stop. */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) return;
        process.destroy();
        if (!process.waitFor(3, java.util.concurrent.TimeUnit.MINUTES)) process.destroyForcibly();
    }
}
