package dev.wrenn.controlplane.e2b;

import java.net.URI;
import java.util.Optional;

/**
 * The {@code domain} E2B clients build guest addresses on, {@code {port}-{sandboxID}.{domain}}:
 * {@code WRENN_SANDBOX_DOMAIN}, else the public URL's host and port, else {@code localhost} and
 * the port the API listens on, so the names resolve in browsers and curl without DNS.
 */
public final class SandboxDomain {
    private final Optional<String> configured;
    private final Optional<URI> publicUrl;
    private volatile int port;

    public SandboxDomain(Optional<String> configured, Optional<URI> publicUrl, int port) {
        this.configured = configured;
        this.publicUrl = publicUrl;
        this.port = port;
    }

    /** The API's port once it listens (the configured one may be 0: any). */
    public void listening(int actualPort) {
        this.port = actualPort;
    }

    public String value() {
        if (configured.isPresent()) return configured.get();
        if (publicUrl.isPresent()) {
            var u = publicUrl.get();
            return u.getPort() > 0 ? u.getHost() + ":" + u.getPort() : u.getHost();
        }
        return "localhost:" + port;
    }
}
