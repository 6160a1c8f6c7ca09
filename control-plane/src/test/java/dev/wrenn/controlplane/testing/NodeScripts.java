package dev.wrenn.controlplane.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Node scenario scripts of {@code compat/e2b/} (the published E2B SDK, pinned by its lockfile), run with
 * the node on the PATH. A missing node or package set fails the test, naming the command that installs them:
 * the SDK tests are part of the suite, never skipped.
 */
public final class NodeScripts {
    public static final String INSTALL = "scripts/install-deps.sh";
    /**
     * The SDK's floor: its CommonJS entry require()s ES modules (chalk 5), which Node does unflagged from 20.19;
     * Debian 12's nodejs 18 fails at the import. install-deps.sh brings a newer one there.
     */
    private static final int[] MIN_NODE = {20, 19, 0};

    private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"");

    private final Path dir;
    private final String node;

    private NodeScripts(Path dir, String node) {
        this.dir = dir;
        this.node = node;
    }

    /** Finds compat/e2b above the working directory and checks node and the pinned SDK versions. */
    public static NodeScripts locate() {
        Path dir = compat("e2b");
        requirePackage(dir, "e2b", "2.51.0");
        requirePackage(dir, "e2b-250", "2.50.0");
        requirePackage(dir, "@e2b/code-interpreter", "2.8.0");
        return new NodeScripts(dir, "node");
    }

    /** compat/mcp: the MCP TypeScript SDK's client, pinned. */
    public static NodeScripts mcp() {
        Path dir = compat("mcp");
        requirePackage(dir, "@modelcontextprotocol/sdk", "1.32.2");
        return new NodeScripts(dir, "node");
    }

    /** compat/NAME above the working directory, with a node new enough for the SDKs there. */
    private static Path compat(String name) {
        Path dir = null;
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("compat/" + name + "/package-lock.json"))) {
                dir = p.resolve("compat/" + name);
                break;
            }
        }
        if (dir == null)
            throw new AssertionError("compat/" + name + "/package-lock.json not found above "
                    + Path.of("").toAbsolutePath());
        String version = nodeVersion();
        if (version == null) throw new AssertionError("node is not on the PATH: run " + INSTALL + " (as root)");
        if (!atLeast(version, MIN_NODE)) {
            throw new AssertionError(
                    "node " + version + " is older than the E2B SDK's minimum 20.19.0: run " + INSTALL + " (as root)");
        }
        return dir;
    }

    private static void requirePackage(Path dir, String name, String version) {
        Path manifest = dir.resolve("node_modules").resolve(name).resolve("package.json");
        String found = null;
        try {
            if (Files.isRegularFile(manifest)) {
                Matcher m = VERSION.matcher(Files.readString(manifest));
                if (m.find()) found = m.group(1);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!version.equals(found)) {
            throw new AssertionError(dir + "/node_modules/" + name + " is " + (found == null ? "missing" : found)
                    + ", the lockfile pins " + version + ": run " + INSTALL + " (or npm ci --prefix " + dir + ")");
        }
    }

    private static String nodeVersion() {
        try {
            var p = new ProcessBuilder("node", "--version")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? out.replaceFirst("^v", "") : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static boolean atLeast(String version, int[] min) {
        String[] parts = version.split("[.-]");
        for (int i = 0; i < min.length; i++) {
            int v = i < parts.length && parts[i].matches("\\d+") ? Integer.parseInt(parts[i]) : 0;
            if (v != min[i]) return v > min[i];
        }
        return true;
    }

    /**
     * Runs {@code node <script>} in its compat directory with env on top of this JVM's environment, its output
     * copied into the test log line by line as it comes, and asserts that it exits 0 within the time limit.
     */
    public void run(String script, Map<String, String> env, Duration limit) {
        run(script, java.util.List.of(), env, limit);
    }

    /** As {@link #run(String, Map, Duration)}, with arguments after the script. */
    public void run(String script, java.util.List<String> args, Map<String, String> env, Duration limit) {
        var command = new java.util.ArrayList<String>(java.util.List.of(node, script));
        command.addAll(args);
        var pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        var output = new StringBuilder();
        Process p;
        try {
            p = pb.start();
            p.getOutputStream().close(); // no stdin: a script never waits for input
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + script, e);
        }
        Thread reader = Thread.ofVirtual().start(() -> copy(p, script, output));
        try {
            boolean ended = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
            }
            reader.join(Duration.ofSeconds(10));
            synchronized (output) {
                assertThat(ended)
                        .as("node %s did not finish within %s; its output:%n%s", script, limit, output)
                        .isTrue();
                assertThat(p.exitValue())
                        .as("node %s exited with %d; its output:%n%s", script, p.exitValue(), output)
                        .isZero();
            }
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while node " + script + " ran", e);
        }
    }

    private static void copy(Process p, String script, StringBuilder output) {
        try (var in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                System.out.println("[" + script + "] " + line);
                synchronized (output) {
                    output.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            // the stream closes when the process is killed at its time limit; what was read is kept
        }
    }
}
