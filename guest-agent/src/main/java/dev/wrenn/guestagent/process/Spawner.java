package dev.wrenn.guestagent.process;

import dev.wrenn.guestagent.http.ApiError;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts commands in their own session (via {@code setsid}) so that a timeout or a stop can
 * signal the whole process group: pid == pgid of the started command.
 */
public final class Spawner {
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Path defaultCwd;
    private final List<String> setsidPrefix;

    public Spawner(Path defaultCwd) {
        this.defaultCwd = defaultCwd;
        this.setsidPrefix = findSetsid();
    }

    /** util-linux setsid, else busybox's applet. Without either, only the leader and its tree get signals. */
    private static List<String> findSetsid() {
        for (String p : List.of("/usr/bin/setsid", "/bin/setsid", "/usr/sbin/setsid")) {
            if (Files.isExecutable(Path.of(p))) return List.of(p);
        }
        for (String p : List.of("/bin/busybox", "/usr/bin/busybox")) {
            if (Files.isExecutable(Path.of(p))) return List.of(p, "setsid");
        }
        return List.of();
    }

    public Process spawn(CommandSpec spec) {
        var pb = new ProcessBuilder();
        var env = pb.environment();
        env.putAll(spec.env());
        String path = env.getOrDefault("PATH", DEFAULT_PATH);
        env.putIfAbsent("PATH", path);

        String executable = resolve(spec.cmd(), path);
        Path cwd = spec.cwd() == null || spec.cwd().isEmpty() ? defaultCwd : Path.of(spec.cwd());
        if (!Files.isDirectory(cwd)) throw new ApiError("spawn_failed", "working directory does not exist: " + cwd);

        var command = new ArrayList<String>(setsidPrefix);
        command.add(executable);
        command.addAll(spec.args());
        pb.command(command).directory(cwd.toFile());
        try {
            return pb.start();
        } catch (IOException e) {
            throw new ApiError("spawn_failed", "cannot start " + spec.cmd() + ": " + e.getMessage());
        }
    }

    /**
     * Resolves the command up front: once setsid has been started a missing binary only shows up as
     * exit code 127, and the protocol promises a clear {@code spawn_failed} instead.
     */
    static String resolve(String cmd, String path) {
        if (cmd.contains("/")) {
            Path p = Path.of(cmd);
            if (!Files.exists(p)) throw new ApiError("spawn_failed", "no such file: " + cmd);
            if (Files.isDirectory(p) || !Files.isExecutable(p))
                throw new ApiError("spawn_failed", "not executable: " + cmd);
            return cmd;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, cmd);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) return p.toString();
        }
        throw new ApiError("spawn_failed", "command not found in PATH: " + cmd);
    }
}
