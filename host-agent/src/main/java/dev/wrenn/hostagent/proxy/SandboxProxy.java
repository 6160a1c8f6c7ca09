package dev.wrenn.hostagent.proxy;

import dev.wrenn.hostagent.sandbox.SandboxManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The host agent's sandbox proxy: an HTTP/1.1 server through which the control plane reaches any TCP port of a
 * running sandbox's guest (envd on 49983, a user's web server on 8000, ...). See {@link GuestProxyHandler}
 * for what a request must carry and what is relayed; docs/host-agent.md for the protocol.
 */
public final class SandboxProxy implements AutoCloseable {
    /**
     * A stream may stay silent for long (envd sends a keepalive every 50-90 s, a user's server may send
     * nothing): only a connection idle this long in both directions is closed. There is no total timeout.
     */
    public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);

    private final Server server;
    private final ServerConnector connector;

    private SandboxProxy(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /** Listens on {@code bindAddress:port} (0: a free port); requests must carry {@code token} if present. */
    public static SandboxProxy start(String bindAddress, int port, Optional<String> token, SandboxManager sandboxes)
            throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool(200, 2);
        threads.setName("sandbox-proxy");
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        // The answer is the guest's: no Server or Date header of the proxy's own beside the guest's.
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setSendDateHeader(false);
        // Paths go on to the guest as sent; what they mean is the guest's business, not the proxy's.
        http.setUriCompliance(UriCompliance.UNSAFE);
        http.setRequestHeaderSize(32 * 1024);
        http.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(bindAddress);
        connector.setPort(port);
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        server.addConnector(connector);
        server.setHandler(new GuestProxyHandler(
                id -> sandboxes.get(id).route(),
                token.map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null),
                IDLE_TIMEOUT));
        server.setStopTimeout(2_000);
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IOException(
                    "sandbox proxy cannot listen on " + bindAddress + ":" + port + ": " + e.getMessage(), e);
        }
        return new SandboxProxy(server, connector);
    }

    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("stopping the sandbox proxy: " + e.getMessage(), e);
        }
    }
}
