package dev.wrenn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ./wrenn} launcher as a user runs it, after {@code package}: the bash script's own
 * cases ({@code image}, the host-package check) and the jar it starts. WRENN_NO_BUILD=1 makes the
 * script run the jar this build just made instead of rebuilding it.
 */
class CliLauncherIT {
    private static final Path ROOT =
            Path.of(System.getProperty("wrenn.root", "..")).toAbsolutePath().normalize();

    @TempDir
    Path home;

    record Run(int exitCode, String out, String err) {}

    @Test
    void help() throws Exception {
        var r = wrenn("--help");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("Usage: wrenn ").contains("sandbox", "image build");
    }

    @Test
    void agentHelp() throws Exception {
        var r = wrenn("agent", "--help");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("Usage: wrenn agent ").contains("--port");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void anUnknownSandboxCommand() throws Exception {
        var r = wrenn("sandbox", "nosuch");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines()).singleElement().asString().contains("unknown command 'nosuch'");
    }

    @Test
    void imageHelp() throws Exception {
        var r = wrenn("image", "--help");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("Usage: wrenn image ").contains("build");
    }

    @Test
    void imageBuildHelpPrintsTheBuildersUsageAndBuildsNothing() throws Exception {
        var r = wrenn("image", "build", "--help");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out())
                .startsWith("Usage: ./wrenn image build [--out DIR] [--force]")
                .doesNotContain("[1/7]");
        assertThat(r.err()).isEmpty();
        // WRENN_DATA_DIR points here: a build would have left its cache or image dirs.
        try (var left = Files.list(home)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void imageWithoutACommandOrWithAnUnknownOne() throws Exception {
        var none = wrenn("image");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.out()).isEmpty();
        assertThat(none.err())
                .startsWith("wrenn: missing command for 'wrenn image'")
                .contains("Usage: wrenn image");

        var unknown = wrenn("image", "nosuch");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err().lines())
                .containsExactly("wrenn: unknown command 'nosuch' for 'wrenn image'; see 'wrenn image --help'");
    }

    private Run wrenn(String... args) throws IOException, InterruptedException {
        var command = new java.util.ArrayList<>(List.of(ROOT.resolve("wrenn").toString()));
        command.addAll(List.of(args));
        var pb = new ProcessBuilder(command).directory(ROOT.toFile());
        pb.environment().put("WRENN_NO_BUILD", "1");
        pb.environment().put("WRENN_JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("WRENN_DATA_DIR", home.toString());
        Path out = home.resolveSibling(home.getFileName() + ".out");
        Path err = home.resolveSibling(home.getFileName() + ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        var p = pb.start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("./wrenn " + String.join(" ", args) + " did not finish");
        }
        try {
            return new Run(
                    p.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
