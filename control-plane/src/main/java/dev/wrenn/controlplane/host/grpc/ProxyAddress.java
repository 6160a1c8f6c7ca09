package dev.wrenn.controlplane.host.grpc;

import dev.wrenn.controlplane.host.HostAgentException;
import dev.wrenn.proto.hostagent.v1.HealthResponse;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Where a host agent's sandbox proxy listens: the host of its gRPC address and the port its Health reports.
 * Asked once and kept while the gRPC connection that learned it stays up: an agent that restarts may listen
 * on another port (0 picks a free one), and its restart drops that connection. A failed ask is not kept.
 */
final class ProxyAddress {
    private final String host;
    private final ManagedChannel channel;
    private final Supplier<HealthResponse> health;
    private final AtomicReference<URI> known = new AtomicReference<>();

    ProxyAddress(String grpcAddress, ManagedChannel channel, Supplier<HealthResponse> health) {
        this.host = host(grpcAddress);
        this.channel = channel;
        this.health = health;
    }

    URI uri() {
        URI uri = known.get();
        if (uri != null) return uri;
        int port = GrpcErrors.call(health).getProxyPort();
        if (port <= 0) {
            throw new HostAgentException(
                    HostAgentException.Kind.FAILED, "the host agent at " + host + " has no sandbox proxy", null);
        }
        uri = URI.create("http://" + host + ":" + port);
        // Registered while READY: the callback runs once the connection is no longer (at once if it is not).
        ConnectivityState state = channel.getState(false);
        if (state == ConnectivityState.READY && known.compareAndSet(null, uri)) {
            channel.notifyWhenStateChanged(state, () -> known.set(null));
        }
        return uri;
    }

    /**
     * The host part of a gRPC target: {@code host:port}, {@code [v6]:port} or {@code dns:///host:port}
     * (IPv6 literals keep their brackets, as a URL needs them).
     */
    static String host(String target) {
        String t = target.startsWith("dns:///") ? target.substring("dns:///".length()) : target;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close > 0) return t.substring(0, close + 1);
        }
        int colon = t.lastIndexOf(':');
        if (colon < 0) return t;
        if (t.indexOf(':') == colon) return t.substring(0, colon);
        return "[" + t + "]"; // a bare IPv6 literal without a port
    }
}
