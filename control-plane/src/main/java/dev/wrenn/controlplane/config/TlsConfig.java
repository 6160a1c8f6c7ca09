package dev.wrenn.controlplane.config;

import java.nio.file.Path;

/**
 * HTTPS beside plain HTTP ({@code WRENN_TLS_KEYSTORE}, {@code WRENN_TLS_KEYSTORE_PASSWORD}, {@code WRENN_TLS_PORT}):
 * the same API and sandbox proxy on a second port. A certificate that also covers {@code *.<sandbox domain>} lets
 * E2B's SDKs reach sandboxes the way they do without {@code E2B_SANDBOX_URL} ({@code https://<port>-<id>.<domain>}).
 *
 * @param keystore a PKCS#12 file holding the server's key and certificate chain
 * @param port 0: an ephemeral port (tests)
 */
public record TlsConfig(Path keystore, String password, int port) {
    public static final int DEFAULT_PORT = 8443;
}
