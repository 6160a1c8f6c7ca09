package dev.wrenn.controlplane.host;

import dev.wrenn.proto.hostagent.v1.HostAgentServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;

/**
 * The control plane's connection to one host agent. Deadlines are set per call by the callers,
 * since a create that boots a VM and a list differ by orders of magnitude.
 */
public final class HostAgentClient implements AutoCloseable {
    private final String address;
    private final ManagedChannel channel;

    public HostAgentClient(String address, java.util.Optional<String> token) {
        this.address = address;
        var builder = NettyChannelBuilder.forTarget(address).usePlaintext().maxInboundMessageSize(8 * 1024 * 1024);
        token.ifPresent(t -> builder.intercept(bearer(t)));
        this.channel = builder.build();
    }

    /** Adds {@code authorization: Bearer <token>} to every call, as the host agent requires. */
    public static io.grpc.ClientInterceptor bearer(String token) {
        var headers = new io.grpc.Metadata();
        headers.put(
                io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    /** Identifies the host in sandbox rows. */
    public String address() {
        return address;
    }

    public HostAgentServiceGrpc.HostAgentServiceBlockingStub blocking() {
        return HostAgentServiceGrpc.newBlockingStub(channel);
    }

    public HostAgentServiceGrpc.HostAgentServiceStub async() {
        return HostAgentServiceGrpc.newStub(channel);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
