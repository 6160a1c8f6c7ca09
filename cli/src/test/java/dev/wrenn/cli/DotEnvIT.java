package dev.wrenn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged CLI reads {@code .env} from its working directory (or {@code WRENN_ENV_FILE}), the environment
 * winning over the file, and stops at once on a malformed line, naming it. The settings reach the commands: the
 * server URL a client command calls is the file's.
 */
class DotEnvIT {
    private static final Path ROOT =
            Path.of(System.getProperty("wrenn.root", "..")).toAbsolutePath().normalize();

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    Run wrenn(Map<String, String> env, String... args) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var command = new java.util.ArrayList<>(List.of(
                java,
                "-cp",
                ROOT.resolve("cli/target/wrenn-cli.jar") + ":" + ROOT.resolve("cli/target/lib/*"),
                "dev.wrenn.cli.Wrenn"));
        command.addAll(List.of(args));
        var pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("WRENN_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void aClientCommandCallsTheServerTheFileNames() throws Exception {
        // Port 9 (discard) on loopback answers nothing: the error names the URL the command used.
        Files.writeString(dir.resolve(".env"), "# settings\nWRENN_URL=http://127.0.0.1:9\nWRENN_API_KEY=wrn_x\n");
        var r = wrenn(Map.of(), "sandbox", "list");
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains("127.0.0.1:9");

        var overridden = wrenn(Map.of("WRENN_URL", "http://127.0.0.1:7"), "sandbox", "list");
        assertThat(overridden.err())
                .as("the environment wins")
                .contains("127.0.0.1:7")
                .doesNotContain(":9");
    }

    @Test
    void wrennEnvFileNamesAnotherFile() throws Exception {
        Path other = Files.writeString(dir.resolve("staging.env"), "WRENN_URL=http://127.0.0.1:13\nWRENN_API_KEY=k\n");
        var r = wrenn(Map.of("WRENN_ENV_FILE", other.toString()), "sandbox", "list");
        assertThat(r.err()).contains("127.0.0.1:13");
        var missing = wrenn(Map.of("WRENN_ENV_FILE", dir.resolve("gone.env").toString()), "sandbox", "list");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err().strip())
                .startsWith("wrenn: WRENN_ENV_FILE names")
                .contains("gone.env");
    }

    @Test
    void aMalformedLineStopsTheCliNamingIt() throws Exception {
        Files.writeString(dir.resolve(".env"), "WRENN_URL=http://127.0.0.1:9\nWRENN_PORT 8080\n");
        var r = wrenn(Map.of(), "server", "--help");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip())
                .isEqualTo("wrenn: " + dir.resolve(".env") + " line 2: expected NAME=value, found no '='");
    }
}
