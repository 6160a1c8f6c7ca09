package dev.wrenn.hostagent;

import dev.wrenn.hostagent.sandbox.DiskPolicy;
import dev.wrenn.hostagent.storage.DurableFiles;
import dev.wrenn.proto.hostagent.v1.CreateSandboxRequest;
import dev.wrenn.proto.hostagent.v1.DestroySandboxRequest;
import dev.wrenn.proto.hostagent.v1.HostAgentServiceGrpc;
import dev.wrenn.proto.hostagent.v1.Sandbox;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * An in-process host agent on a random port with its own prefix, slot range and data dir, plus a
 * channel to it. The prefix differs from the default so that tests never touch a developer's agent.
 */
public final class AgentFixture implements AutoCloseable {
    public static final String PREFIX = "wrt-";
    public static final String TOKEN = "agent-fixture-token-" + java.util.UUID.randomUUID();
    public static final String CIDR = "10.215.0.0/16";

    public final Path dataDir;
    public final HostAgent agent;
    public final ManagedChannel channel;
    public final HostAgentServiceGrpc.HostAgentServiceBlockingStub blocking;
    public final HostAgentServiceGrpc.HostAgentServiceStub async;

    private AgentFixture(Path dataDir, HostAgent agent) {
        this.dataDir = dataDir;
        this.agent = agent;
        var headers = new io.grpc.Metadata();
        headers.put(
                io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "Bearer " + TOKEN);
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", agent.port())
                .usePlaintext()
                .intercept(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers))
                .maxInboundMessageSize(8 << 20)
                .build();
        this.blocking = HostAgentServiceGrpc.newBlockingStub(channel);
        this.async = HostAgentServiceGrpc.newStub(channel);
    }

    public static AgentFixture start() throws Exception {
        return start(TestImages.dir());
    }

    public static AgentFixture start(Path image) throws Exception {
        return start(image, Files.createTempDirectory("wrenn-it-"));
    }

    /** With a given (empty) data dir, e.g. on a small file system. */
    public static AgentFixture start(Path image, Path data) throws Exception {
        return start(image, data, DiskPolicy.DEFAULTS);
    }

    /** With a given (empty) data dir and disk sizes and free-space budget. */
    public static AgentFixture start(Path image, Path data, DiskPolicy disk) throws Exception {
        HostAgentConfig cfg = HostAgentConfig.defaults()
                .withPort(0)
                .withProxyPort(0)
                .withDataDir(data)
                .withImageDir(image)
                .withNetwork(PREFIX, CIDR)
                .withReadyTimeout(Duration.ofSeconds(300)) // a hang guard, not a boot-speed limit
                // Listening on every address (with a token), so the isolation tests probe a port
                // that only the firewall keeps sandboxes from.
                .withBindAddress("0.0.0.0")
                .withToken(TOKEN);
        return new AgentFixture(data, HostAgent.start(cfg, disk));
    }

    public Sandbox create(String id) {
        return blocking.withDeadlineAfter(150, TimeUnit.SECONDS)
                .createSandbox(CreateSandboxRequest.newBuilder()
                        .setSandboxId(id)
                        .setMemoryMb(512)
                        .build());
    }

    public void destroy(String id) {
        blocking.destroySandbox(
                DestroySandboxRequest.newBuilder().setSandboxId(id).build());
    }

    @Override
    public void close() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        agent.close();
        DurableFiles.deleteTree(dataDir);
    }
}
