package dev.wrenn.codeinterpreter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The server's settings. In the guest they come from the environment ({@link #fromEnv}); tests build
 * one directly. {@code kernelEnv} is added to the environment kernels inherit from this server.
 */
public record Config(
        String bindAddress,
        int port,
        String python,
        Path defaultCwd,
        Map<String, String> kernelEnv,
        Duration kernelStartTimeout,
        Duration keepalive,
        int maxBodyBytes) {
    public static final int DEFAULT_PORT = 49999;

    /**
     * Figures come back as display_data PNGs (what E2B's SDKs read as {@code result.png}) only with the
     * inline backend; without a display matplotlib would otherwise pick Agg and {@code plt.show()} shows nothing.
     */
    public static final Map<String, String> KERNEL_DEFAULTS =
            Map.of("MPLBACKEND", "module://matplotlib_inline.backend_inline");

    public Config {
        kernelEnv = Map.copyOf(kernelEnv);
    }

    /**
     * WRENN_CI_PORT (49999; 0 picks a free one), WRENN_CI_BIND (0.0.0.0), WRENN_CI_PYTHON (python3),
     * WRENN_CI_CWD (/home/user if it exists, else the server's own directory), WRENN_CI_KERNEL_TIMEOUT_S
     * (60: a first kernel under TCG can take long), WRENN_CI_KEEPALIVE_MS (1000, see {@link #keepalive}).
     * {@link #KERNEL_DEFAULTS} apply unless the environment sets them itself.
     */
    public static Config fromEnv(Map<String, String> env) {
        String cwd = env.get("WRENN_CI_CWD");
        Path home = Path.of("/home/user");
        Path defaultCwd = cwd != null && !cwd.isBlank()
                ? Path.of(cwd)
                : Files.isDirectory(home) ? home : Path.of("").toAbsolutePath();
        var kernelEnv = new HashMap<String, String>();
        KERNEL_DEFAULTS.forEach((k, v) -> {
            if (!env.containsKey(k)) kernelEnv.put(k, v);
        });
        return new Config(
                env.getOrDefault("WRENN_CI_BIND", "0.0.0.0"),
                integer(env, "WRENN_CI_PORT", DEFAULT_PORT),
                env.getOrDefault("WRENN_CI_PYTHON", "python3"),
                defaultCwd,
                kernelEnv,
                Duration.ofSeconds(integer(env, "WRENN_CI_KERNEL_TIMEOUT_S", 60)),
                // E2B writes a keepalive after 5 s of silence; ours is shorter because a keepalive is also how a
                // client that left is noticed, and its cell interrupted, before the next one waits long behind it.
                Duration.ofMillis(integer(env, "WRENN_CI_KEEPALIVE_MS", 1000)),
                64 << 20);
    }

    private static int integer(Map<String, String> env, String name, int fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) return fallback;
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + v + "'", e);
        }
    }
}
