package dev.wrenn.guestagent.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The per-sandbox access token. It starts as {@code wrenn.token=} from the kernel command line
 * and can be replaced at run time, because a clone of a template must stop trusting the
 * template's token.
 */
public final class TokenStore {
    private final AtomicReference<byte[]> token = new AtomicReference<>();
    private final Path stateFile;

    public TokenStore(String initial) {
        this(initial, null);
    }

    /**
     * With a state file (on tmpfs in the guest) a rotated token survives a respawn of the agent:
     * otherwise a restarted agent in a clone would fall back to the template's token from the
     * kernel command line. The state file, when present, wins over {@code initial}.
     */
    public TokenStore(String initial, Path stateFile) {
        this.stateFile = stateFile;
        String persisted = null;
        if (stateFile != null) {
            try {
                persisted = Files.isReadable(stateFile) ? fromFile(stateFile).orElse(null) : null;
            } catch (IOException e) {
                persisted = null;
            }
        }
        String start = persisted != null ? persisted : initial;
        if (start != null && !start.isEmpty()) token.set(start.getBytes(StandardCharsets.UTF_8));
    }

    public boolean isConfigured() {
        return token.get() != null;
    }

    public void set(String newToken) throws IOException {
        if (stateFile != null) {
            Files.createDirectories(stateFile.getParent());
            Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
            Files.writeString(tmp, newToken);
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            Files.move(
                    tmp,
                    stateFile,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        token.set(newToken.getBytes(StandardCharsets.UTF_8));
    }

    /** Constant-time check of envd's {@code X-Access-Token} header. No token configured: nothing passes. */
    public boolean acceptsAccessToken(String header) {
        byte[] expected = token.get();
        if (expected == null || header == null) return false;
        return MessageDigest.isEqual(expected, header.trim().getBytes(StandardCharsets.UTF_8));
    }

    /** The value of {@code wrenn.token=} in a kernel command line. */
    public static Optional<String> fromCmdline(String cmdline) {
        for (String word : cmdline.trim().split("\\s+")) {
            if (word.startsWith("wrenn.token=")) return Optional.of(word.substring("wrenn.token=".length()));
        }
        return Optional.empty();
    }

    public static Optional<String> fromFile(Path file) throws IOException {
        String s = Files.readString(file).trim();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }
}
