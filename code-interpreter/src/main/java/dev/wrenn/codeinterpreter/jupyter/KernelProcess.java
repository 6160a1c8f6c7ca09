package dev.wrenn.codeinterpreter.jupyter;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One {@code python3 -m ipykernel_launcher} process, its private directory (connection file, output log)
 * and everything it started. Stopping always ends in the process being reaped and the directory removed.
 */
public final class KernelProcess {
    private final Process process;
    private final Path dir;
    private final Path log;

    private KernelProcess(Process process, Path dir, Path log) {
        this.process = process;
        this.dir = dir;
        this.log = log;
    }

    /**
     * Starts the kernel in {@code cwd} with the server's environment plus {@code env}. JPY_PARENT_PID makes
     * ipykernel exit by itself if this server dies without stopping it (it polls for being orphaned).
     */
    public static KernelProcess start(String python, ConnectionFile connection, Path cwd, Map<String, String> env)
            throws IOException {
        Path dir = Files.createTempDirectory("wrenn-kernel-");
        try {
            Path file = dir.resolve("kernel.json");
            connection.write(file);
            Path log = dir.resolve("kernel.log");
            var pb = new ProcessBuilder(python, "-m", "ipykernel_launcher", "-f", file.toString())
                    .directory(cwd.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            pb.environment().putAll(env);
            pb.environment()
                    .put("JPY_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
            return new KernelProcess(pb.start(), dir, log);
        } catch (IOException | RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The end of the kernel's own output, for error messages when it fails to start or dies. */
    public String logTail() {
        try (var f = new RandomAccessFile(log.toFile(), "r")) {
            long len = f.length();
            int n = (int) Math.min(len, 2000);
            byte[] b = new byte[n];
            f.seek(len - n);
            f.readFully(b);
            return new String(b, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** Waits up to {@code grace} for a clean exit (after a shutdown_request), then TERM, then KILL. */
    public void stop(Duration grace) {
        // Taken first: once the kernel is gone its children are re-parented and no longer found from here.
        List<ProcessHandle> children = process.descendants().toList();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroy();
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        // Whatever the user's code started (servers, pools) dies with its kernel.
        children.forEach(ProcessHandle::destroyForcibly);
        deleteTree(dir);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless; the kernel itself is what must not leak
        }
    }
}
