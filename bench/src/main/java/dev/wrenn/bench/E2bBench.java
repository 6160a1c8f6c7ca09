package dev.wrenn.bench;

import dev.wrenn.hostagent.sandbox.ImageCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The published E2B SDK against a local stack: {@code compat/e2b/bench.mjs} measures, in Node, the SDK's
 * {@code Sandbox.create()} to its first {@code commands.run} result through the sandbox proxy beside /v1's
 * create + exec, and streamed command output through the proxy beside straight to the guest agent. This class
 * starts the stack, makes an account and an API key, and runs the script, whose tables are the output.
 *
 * <p>Usage: {@code bench/run.sh e2b [runs] [stream-mb]}; needs root, the guest image ({@link
 * ImageCatalog#configuredDir()}) and node with compat/e2b's packages ({@code scripts/install-deps.sh}).
 */
public final class E2bBench {
    static final String USAGE = "usage: bench/run.sh e2b [runs=5] [stream-mb=16]";
    /** Several boots and streams per run on TCG: generous, but a hung script must end the benchmark. */
    static final long LIMIT_MIN_PER_RUN = 10;

    public static void main(String[] args) {
        int runs;
        int streamMb;
        try {
            runs = arg(args, 0, 5);
            streamMb = arg(args, 1, 16);
            if (args.length > 2) throw new IllegalArgumentException("too many arguments");
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        try {
            run(runs, streamMb);
        } catch (Throwable t) {
            System.err.println("e2b bench failed:");
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    static void run(int runs, int streamMb) throws Exception {
        Path dir = compatDir();
        if (!Files.isRegularFile(dir.resolve("node_modules/e2b/package.json"))) {
            throw new IllegalStateException(dir + "/node_modules has no e2b: run scripts/install-deps.sh (as root)");
        }
        try (var stack = new LocalStack("we2-", "10.223.0.0/16")) {
            var api = new ApiSandboxes(stack.api());
            String base = stack.api().toString();
            var pb = new ProcessBuilder("node", "bench.mjs", Integer.toString(runs), Integer.toString(streamMb))
                    .directory(dir.toFile())
                    .inheritIO();
            pb.environment().put("E2B_API_URL", base);
            pb.environment().put("E2B_SANDBOX_URL", base);
            pb.environment().put("E2B_API_KEY", api.key());
            Process p = pb.start();
            try {
                if (!p.waitFor(LIMIT_MIN_PER_RUN * runs, TimeUnit.MINUTES)) {
                    throw new IllegalStateException(
                            "node bench.mjs did not finish within " + LIMIT_MIN_PER_RUN * runs + " minutes");
                }
                if (p.exitValue() != 0) throw new IllegalStateException("node bench.mjs exited " + p.exitValue());
            } finally {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    /** compat/e2b of the checkout this jar was built in (bench/target/wrenn-bench.jar), else above the cwd. */
    static Path compatDir() throws Exception {
        Path jar = Path.of(E2bBench.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        for (Path p = jar; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("compat/e2b/bench.mjs"))) return p.resolve("compat/e2b");
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("compat/e2b/bench.mjs"))) return p.resolve("compat/e2b");
        }
        throw new IllegalStateException("compat/e2b/bench.mjs not found above " + jar);
    }

    private static int arg(String[] args, int i, int def) {
        if (args.length <= i) return def;
        int v;
        try {
            v = Integer.parseInt(args[i]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: " + args[i]);
        }
        if (v < 1) throw new IllegalArgumentException("every argument must be at least 1, got " + v);
        return v;
    }
}
