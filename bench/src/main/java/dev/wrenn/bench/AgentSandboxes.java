package dev.wrenn.bench;

import com.google.protobuf.ByteString;
import dev.wrenn.controlplane.host.grpc.GrpcHostAgentClient;
import dev.wrenn.proto.hostagent.v1.CreateSandboxRequest;
import dev.wrenn.proto.hostagent.v1.DeleteTemplateRequest;
import dev.wrenn.proto.hostagent.v1.DestroySandboxRequest;
import dev.wrenn.proto.hostagent.v1.ExecRequest;
import dev.wrenn.proto.hostagent.v1.HealthRequest;
import dev.wrenn.proto.hostagent.v1.HostAgentServiceGrpc;
import dev.wrenn.proto.hostagent.v1.PauseSandboxRequest;
import dev.wrenn.proto.hostagent.v1.ReadFileRequest;
import dev.wrenn.proto.hostagent.v1.ResumeSandboxRequest;
import dev.wrenn.proto.hostagent.v1.SnapshotSandboxRequest;
import dev.wrenn.proto.hostagent.v1.WriteFileHeader;
import dev.wrenn.proto.hostagent.v1.WriteFileRequest;
import dev.wrenn.proto.hostagent.v1.WriteFileResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sandboxes straight from the host agent over gRPC, with the same requests and deadlines the control
 * plane sends, so that the difference to {@link ApiSandboxes} is the API's own cost.
 */
final class AgentSandboxes implements Sandboxes, AutoCloseable {
    private final ManagedChannel channel;
    private final HostAgentServiceGrpc.HostAgentServiceBlockingStub grpc;
    private final HostAgentServiceGrpc.HostAgentServiceStub async;
    private final AtomicInteger ids = new AtomicInteger();

    AgentSandboxes(int port, String token) {
        // The control plane's own interceptor, so both paths present the token the same way.
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port)
                .usePlaintext()
                .maxInboundMessageSize(8 << 20)
                .intercept(GrpcHostAgentClient.bearer(token))
                .build();
        grpc = HostAgentServiceGrpc.newBlockingStub(channel);
        async = HostAgentServiceGrpc.newStub(channel);
    }

    @Override
    public String path() {
        return "host agent";
    }

    /** The accelerator the agent runs guests with, and why: for the table's title. */
    String accel() {
        var h = grpc.withDeadlineAfter(30, TimeUnit.SECONDS).health(HealthRequest.getDefaultInstance());
        return h.getAccel() + " (" + h.getAccelReason() + ")";
    }

    @Override
    public String create(String template) {
        String id = "sb-bench-" + ids.getAndIncrement();
        var req = CreateSandboxRequest.newBuilder().setSandboxId(id).setVcpus(1).setMemoryMb(512);
        if (template != null) req.setTemplate(template);
        grpc.withDeadlineAfter(300, TimeUnit.SECONDS).createSandbox(req.build());
        return id;
    }

    @Override
    public void execTrue(String id) {
        var r = grpc.withDeadlineAfter(60, TimeUnit.SECONDS)
                .exec(ExecRequest.newBuilder()
                        .setSandboxId(id)
                        .setCmd("true")
                        .setTimeoutMs(30_000)
                        .build());
        if (r.getExitCode() != 0) throw new IllegalStateException("`true` in " + id + " exited " + r.getExitCode());
    }

    @Override
    public void upload(String id, String file, long bytes) throws Exception {
        var done = new CompletableFuture<WriteFileResponse>();
        StreamObserver<WriteFileRequest> req = async.withDeadlineAfter(600, TimeUnit.SECONDS)
                .writeFile(new StreamObserver<>() {
                    public void onNext(WriteFileResponse v) {
                        done.complete(v);
                    }

                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    public void onCompleted() {}
                });
        req.onNext(WriteFileRequest.newBuilder()
                .setHeader(WriteFileHeader.newBuilder()
                        .setSandboxId(id)
                        .setPath(file)
                        .setMode(0644))
                .build());
        byte[] chunk = new byte[256 * 1024];
        new java.util.Random(1).nextBytes(chunk);
        for (long sent = 0; sent < bytes; sent += chunk.length) {
            int n = (int) Math.min(chunk.length, bytes - sent);
            req.onNext(WriteFileRequest.newBuilder()
                    .setData(ByteString.copyFrom(chunk, 0, n))
                    .build());
        }
        req.onCompleted();
        done.get(10, TimeUnit.MINUTES);
    }

    @Override
    public long download(String id, String file) {
        long n = 0;
        var it = grpc.withDeadlineAfter(600, TimeUnit.SECONDS)
                .readFile(ReadFileRequest.newBuilder()
                        .setSandboxId(id)
                        .setPath(file)
                        .build());
        while (it.hasNext()) n += it.next().getData().size();
        return n;
    }

    @Override
    public void pause(String id) {
        grpc.withDeadlineAfter(120, TimeUnit.SECONDS)
                .pauseSandbox(PauseSandboxRequest.newBuilder().setSandboxId(id).build());
    }

    @Override
    public void resume(String id) {
        grpc.withDeadlineAfter(300, TimeUnit.SECONDS)
                .resumeSandbox(
                        ResumeSandboxRequest.newBuilder().setSandboxId(id).build());
    }

    @Override
    public void snapshot(String id, String name) {
        grpc.withDeadlineAfter(300, TimeUnit.SECONDS)
                .snapshotSandbox(SnapshotSandboxRequest.newBuilder()
                        .setSandboxId(id)
                        .setName(name)
                        .build());
    }

    @Override
    public void deleteTemplate(String name) {
        grpc.withDeadlineAfter(60, TimeUnit.SECONDS)
                .deleteTemplate(DeleteTemplateRequest.newBuilder().setName(name).build());
    }

    @Override
    public void destroy(String id) {
        grpc.withDeadlineAfter(60, TimeUnit.SECONDS)
                .destroySandbox(
                        DestroySandboxRequest.newBuilder().setSandboxId(id).build());
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
