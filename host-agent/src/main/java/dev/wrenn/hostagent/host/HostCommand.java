package dev.wrenn.hostagent.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs short host tools (ip, nft, the engine's disk tool) and turns a non-zero exit into an exception with stderr.
 * Only tools declared in {@link HostTool} run; a missing one is a {@link MissingHostToolException}
 * that names its package.
 */
public final class HostCommand {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public record Result(List<String> argv, int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private HostCommand() {}

    public static Result run(List<String> argv, String stdin) throws IOException {
        HostTool tool = declared(argv);
        Process p;
        try {
            p = new ProcessBuilder(argv).start();
        } catch (IOException e) {
            if (!tool.installed()) throw new MissingHostToolException(tool.missingMessage());
            throw e;
        }
        CompletableFuture<String> err = readAsync(p.getErrorStream());
        CompletableFuture<String> out = readAsync(p.getInputStream());
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        try {
            if (!p.waitFor(DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", argv));
            }
            return new Result(argv, p.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", argv), e);
        }
    }

    public static Result run(String... argv) throws IOException {
        return run(List.of(argv), null);
    }

    /** Runs and requires exit 0. */
    public static String check(String... argv) throws IOException {
        return check(List.of(argv), null);
    }

    public static String check(List<String> argv, String stdin) throws IOException {
        Result r = run(argv, stdin);
        if (!r.ok()) {
            throw new IOException(String.join(" ", argv) + " exited " + r.exitCode() + ": "
                    + r.stderr().strip());
        }
        return r.stdout();
    }

    /**
     * The declared tool argv runs, and the one it runs inside a namespace ({@code ip netns exec NS
     * tool ...}), so an undeclared program fails here, in the first test that reaches it.
     */
    static HostTool declared(List<String> argv) {
        if (argv.isEmpty()) throw new IllegalArgumentException("empty command");
        HostTool tool = require(argv.getFirst());
        if (tool == HostTool.IP
                && argv.size() > 4
                && argv.get(1).equals("netns")
                && argv.get(2).equals("exec")) {
            HostTool inner = require(argv.get(4));
            if (!inner.installed()) throw new MissingHostToolException(inner.missingMessage());
        }
        return tool;
    }

    private static HostTool require(String command) {
        return HostTool.of(command)
                .orElseThrow(() -> new IllegalArgumentException("undeclared host tool '" + command
                        + "': declare it in HostTool with its Debian package, and install that in"
                        + " scripts/install-deps.sh"));
    }

    private static CompletableFuture<String> readAsync(InputStream in) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (in) {
                f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.complete("");
            }
        });
        return f;
    }
}
