package dev.wrenn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code wrenn ps}, {@code kill}, {@code files ls|stat|mkdir|mv|rm}, {@code sandbox shell} and
 * {@code run-code}, run as a user runs them (the packaged CLI in a JVM of its own) against a real
 * server and microVM.
 */
class CliProcessIT {
    private static final Path ROOT =
            Path.of(System.getProperty("wrenn.root", "..")).toAbsolutePath().normalize();
    static Path data;
    static ServerProcess server;
    static String id;

    @BeforeAll
    static void start() throws Exception {
        data = Files.createTempDirectory("wrenn-cli-proc-");
        Files.createDirectories(data.resolve("images"));
        String v = System.getenv("WRENN_IMAGE_DIR");
        Path image = v != null && !v.isBlank()
                ? Path.of(v)
                : Path.of(System.getProperty("user.home"), ".wrenn/images/minimal");
        Files.createSymbolicLink(data.resolve("images/minimal"), image);
        int port;
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        server = ServerProcess.start(ROOT, data, port, data.resolve("server.log"));
        server.signUp();
        var created = server.call("POST", "/v1/sandboxes", "{}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        id = created.json().get("id").asString();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
    }

    record Run(int code, String out, String err) {}

    static Run wrenn(String stdin, String... args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var command = new ArrayList<>(List.of(
                java,
                "-cp",
                ROOT.resolve("cli/target/wrenn-cli.jar") + ":" + ROOT.resolve("cli/target/lib/*"),
                "dev.wrenn.cli.Wrenn"));
        command.addAll(List.of(args));
        command.addAll(List.of("--url", "http://127.0.0.1:" + server.port, "--api-key", server.apiKey));
        Path in = Files.createTempFile(data, "stdin-", "");
        Files.writeString(in, stdin);
        Process p = new ProcessBuilder(command).redirectInput(in.toFile()).start();
        var err = Thread.ofVirtual().start(() -> {});
        byte[] out = p.getInputStream().readAllBytes();
        byte[] errBytes = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        err.join();
        return new Run(
                p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(errBytes, StandardCharsets.UTF_8));
    }

    @Test
    void psListsABackgroundProcessAndKillEndsIt() throws Exception {
        var started =
                server.call("POST", "/v1/sandboxes/" + id + "/processes", "{\"cmd\":\"sleep 600\",\"tag\":\"napper\"}");
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        long pid = started.json().get("pid").asLong();
        var ps = wrenn("", "ps", id);
        assertThat(ps.code()).as(ps.err()).isZero();
        assertThat(ps.out()).contains(Long.toString(pid)).contains("napper").contains("sleep 600");
        var kill = wrenn("", "kill", id, Long.toString(pid), "--signal", "SIGKILL");
        assertThat(kill.code()).as(kill.err()).isZero();
        var gone = server.call("GET", "/v1/sandboxes/" + id + "/processes/" + pid, null);
        assertThat(gone.json().get("exit_code").asInt()).isEqualTo(137);
        var bad = wrenn("", "kill", id, "999999");
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err()).isNotBlank();
    }

    @Test
    void filesCommandsWorkOnTheSandboxesFileSystem() throws Exception {
        assertThat(wrenn("", "files", "mkdir", id, "/root/cli/a").code()).isZero();
        server.sh(id, "echo hello > /root/cli/a/f.txt");
        var ls = wrenn("", "files", "ls", id, "/root/cli", "--depth", "2");
        assertThat(ls.out()).contains("/root/cli/a").contains("/root/cli/a/f.txt");
        assertThat(wrenn("", "files", "mv", id, "/root/cli/a/f.txt", "/root/cli/g.txt")
                        .code())
                .isZero();
        var stat = wrenn("", "files", "stat", id, "/root/cli/g.txt");
        assertThat(stat.out()).contains("-rw").contains("root").contains("/root/cli/g.txt");
        assertThat(wrenn("", "files", "rm", id, "/root/cli").code()).isZero();
        var missing = wrenn("", "files", "stat", id, "/root/cli");
        assertThat(missing.code()).isNotZero();
        assertThat(missing.err()).contains("/root/cli");
    }

    @Test
    void shellRunsWhatItIsFedAndExitsWithTheShellsCode() throws Exception {
        var r = wrenn("stty size; id -un; exit 4\n", "sandbox", "shell", id, "--user", "user");
        assertThat(r.code()).as(r.err()).isEqualTo(4);
        assertThat(r.out()).contains("24 80").contains("user");
    }

    /**
     * First against the sandbox as made from {@code minimal} (nothing on port 49999), then with the code
     * interpreter its image carries started by hand, as the template code-interpreter-v1 starts it.
     */
    @Test
    void runCodeRunsCellsInTheCodeInterpreter() throws Exception {
        var none = wrenn("", "run-code", id, "1");
        assertThat(none.code()).as(none.err()).isEqualTo(1);
        assertThat(none.err()).startsWith("wrenn: ").contains("no code interpreter answering on port 49999");
        startCodeInterpreter();

        var hi = wrenn("", "run-code", id, "print(\"hi\")\n6*7");
        assertThat(hi.code()).as(hi.err()).isZero();
        assertThat(hi.out()).isEqualTo("hi\n42\n");
        var fromStdin = wrenn("x = 20\nprint(x + 1)\n", "run-code", id);
        assertThat(fromStdin.code()).as(fromStdin.err()).isZero();
        assertThat(fromStdin.out()).isEqualTo("21\n");
        var raised = wrenn("", "run-code", id, "1/0");
        assertThat(raised.code()).isEqualTo(1);
        // IPython colours its traceback with ANSI escapes.
        assertThat(raised.err().replaceAll("\u001B\\[[;\\d]*m", ""))
                .startsWith("ZeroDivisionError: division by zero\n")
                .contains("Traceback (most recent call last)");
        // The context kept x from the run before.
        var json = wrenn("", "run-code", id, "x", "--json");
        assertThat(json.code()).as(json.err()).isZero();
        var execution = JsonMapper.builder().build().readTree(json.out());
        assertThat(execution.get("execution_count").asInt()).isPositive();
        assertThat(execution.get("results").get(0).get("text").asString()).isEqualTo("20");
        var both = wrenn("", "run-code", id, "1", "--language", "python", "--context", "x");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("--language or --context");
    }

    /** In the background as the unprivileged user; up when its health check answers (slow under TCG). */
    private static void startCodeInterpreter() {
        var started = server.call("POST", "/v1/sandboxes/" + id + "/processes", """
                {"cmd": "exec /opt/wrenn/jre/bin/java @/opt/wrenn/jvm.args -Xmx128m \
                -cp /opt/wrenn/guest-agent.jar:/opt/wrenn/code-interpreter.jar \
                dev.wrenn.codeinterpreter.CodeInterpreter > /tmp/ci.log 2>&1",
                 "user": "user", "tag": "code-interpreter", "env": {"WRENN_CI_KERNEL_TIMEOUT_S": "170"}}""");
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        long pid = started.json().get("pid").asLong();
        try {
            Awaitility.await("code interpreter healthy")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> {
                        var p = server.call("GET", "/v1/sandboxes/" + id + "/processes/" + pid, null);
                        if (!p.json().get("running").asBoolean())
                            throw new IllegalStateException("the code interpreter exited: " + p.body());
                        var health = server.call(
                                "POST",
                                "/v1/sandboxes/" + id + "/exec",
                                "{\"cmd\":\"curl -sf http://127.0.0.1:49999/health\",\"timeout_sec\":20}");
                        return health.status() == 200
                                && health.json().get("exit_code").asInt() == 0;
                    });
        } catch (ConditionTimeoutException | IllegalStateException e) {
            throw new AssertionError(e.getMessage() + "\n/tmp/ci.log:\n" + server.sh(id, "cat /tmp/ci.log"), e);
        }
    }
    /**
     * {@code wrenn mcp} as an agent starts it: the MCP TypeScript SDK's stdio client (compat/mcp, pinned) spawns
     * the packaged CLI, lists the tools, calls each and runs a session in a new sandbox.
     */
    @Test
    void mcpServesTheToolsOverStdio() throws Exception {
        Path dir = ROOT.resolve("compat/mcp");
        assertThat(dir.resolve("node_modules/@modelcontextprotocol/sdk/package.json"))
                .as("the MCP SDK: run scripts/install-deps.sh")
                .isRegularFile();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var command = new ArrayList<>(List.of(
                "node",
                "session.mjs",
                "stdio",
                "http://127.0.0.1:" + server.port,
                server.apiKey,
                java,
                "-cp",
                ROOT.resolve("cli/target/wrenn-cli.jar") + ":" + ROOT.resolve("cli/target/lib/*"),
                "dev.wrenn.cli.Wrenn",
                "mcp"));
        Path log = data.resolve("mcp-session.log");
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        p.getOutputStream().close();
        boolean ended = p.waitFor(5, TimeUnit.MINUTES);
        if (!ended) p.destroyForcibly().waitFor();
        String output = Files.readString(log);
        assertThat(ended).as("the session did not end; its output:%n%s", output).isTrue();
        assertThat(p.exitValue())
                .as("the session failed; its output:%n%s", output)
                .isZero();
        assertThat(output).contains("ok tools/list 10", "ok run_command", "ok read_file", "ok closed");
    }
}
