package dev.wrenn.controlplane.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Server secrets. The JWT secret comes from {@code WRENN_JWT_SECRET}; only in the embedded
 * single-node mode is it generated once and kept (mode 0600) in the data dir. Other keys are
 * derived from it per purpose so that one secret never signs two kinds of thing.
 */
public final class Secrets {
    private Secrets() {}

    public static byte[] jwtSecret(ControlPlaneConfig config) {
        if (config.jwtSecret().isPresent()) {
            return config.jwtSecret().get().getBytes(StandardCharsets.UTF_8);
        }
        if (!config.embeddedDatabase()) {
            throw new ConfigException("WRENN_JWT_SECRET is required outside the embedded single-node mode");
        }
        return loadOrCreate(config.dataDir().resolve("secrets").resolve("jwt.key"));
    }

    private static byte[] loadOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                byte[] hex = Files.readString(file).strip().getBytes(StandardCharsets.US_ASCII);
                return HexFormat.of().parseHex(new String(hex, StandardCharsets.US_ASCII));
            }
            Files.createDirectories(
                    file.getParent(),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            var tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, HexFormat.of().formatHex(secret) + "\n", StandardOpenOption.TRUNCATE_EXISTING);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the JWT secret at " + file, e);
        }
    }

    public static byte[] derive(byte[] secret, String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(("wrenn:" + purpose).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
