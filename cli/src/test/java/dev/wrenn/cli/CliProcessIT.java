package dev.wrenn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code wrenn ps}, {@code kill}, {@code files ls|stat|mkdir|mv|rm} and {@code sandbox shell}, run
 * as a user runs them (the packaged CLI in a JVM of its own) against a real server and microVM.
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
}
