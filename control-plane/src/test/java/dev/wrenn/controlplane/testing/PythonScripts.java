package dev.wrenn.controlplane.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Python runs in {@code sdk-python/} (the SDK from its source tree) with Debian's own interpreter,
 * {@code /usr/bin/python3}, whatever python comes first on the PATH: the SDK promises to work with nothing but
 * that. A missing interpreter fails the test, naming the command that installs it; it never skips.
 */
public final class PythonScripts {
    public static final String PYTHON = "/usr/bin/python3";
    private static final String INSTALL = "scripts/install-deps.sh";

    /** One finished (or stopped) run: its exit code, whether it ended in time, and its whole output. */
    public record Run(String name, boolean ended, int exitCode, String output) {
        public boolean passed() {
            return ended && exitCode == 0;
        }

        public String describe() {
            return (ended ? name + " exited with " + exitCode : name + " did not finish in time") + "; its output:\n"
                    + output;
        }
    }

    private final Path dir;

    private PythonScripts(Path dir) {
        this.dir = dir;
    }

    /** Finds sdk-python above the working directory and checks the interpreter (3.11 or later). */
    public static PythonScripts locate() {
        Path dir = null;
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("sdk-python/pyproject.toml"))) {
                dir = p.resolve("sdk-python");
                break;
            }
        }
        if (dir == null)
            throw new AssertionError(
                    "sdk-python/pyproject.toml not found above " + Path.of("").toAbsolutePath());
        if (!Files.isExecutable(Path.of(PYTHON)))
            throw new AssertionError(PYTHON + " is missing: run " + INSTALL + " (as root), which installs python3");
        var scripts = new PythonScripts(dir);
        var version = scripts.run(
                "version check",
                List.of("-c", "import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)"),
                Map.of(),
                Duration.ofSeconds(30));
        if (!version.passed()) throw new AssertionError(PYTHON + " is older than 3.11: " + version.describe());
        return scripts;
    }

    public Path dir() {
        return dir;
    }

    /**
     * Runs {@code /usr/bin/python3 <args>} in sdk-python with the SDK on its path and {@code env} on top of this
     * JVM's environment, copying its output into the test log line by line (prefixed with {@code name}) as it comes.
     * A run past {@code limit} is killed with its descendants.
     */
    public Run run(String name, List<String> args, Map<String, String> env, Duration limit) {
        var command = new ArrayList<String>();
        command.add(PYTHON);
        command.addAll(args);
        var pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("PYTHONPATH", dir.toString());
        pb.environment().put("PYTHONUNBUFFERED", "1");
        // No __pycache__ in the source tree, and no user site-packages: only the SDK and the standard library.
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        pb.environment().put("PYTHONNOUSERSITE", "1");
        pb.environment().putAll(env);
        var output = new StringBuilder();
        Process p;
        try {
            p = pb.start();
            p.getOutputStream().close(); // no stdin: nothing may wait for input
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + PYTHON + " for " + name, e);
        }
        long started = System.nanoTime();
        Thread reader = Thread.ofVirtual().start(() -> copy(p, name, started, output));
        try {
            boolean ended = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
            }
            reader.join(Duration.ofSeconds(10));
            synchronized (output) {
                return new Run(name, ended, p.exitValue(), output.toString());
            }
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while " + name + " ran", e);
        }
    }

    /** Each line goes to the log with the seconds since the start, so a slow run shows where its time went. */
    private static void copy(Process p, String name, long started, StringBuilder output) {
        try (var in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                double seconds = (System.nanoTime() - started) / 1e9;
                System.out.printf("[%s +%.1fs] %s%n", name, seconds, line);
                synchronized (output) {
                    output.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            // the stream closes when the process is killed at its limit; what was read is kept
        }
    }
}
