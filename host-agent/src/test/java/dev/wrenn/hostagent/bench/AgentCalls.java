package dev.wrenn.hostagent.bench;

import com.google.protobuf.ByteString;
import dev.wrenn.proto.hostagent.v1.ExecRequest;
import dev.wrenn.proto.hostagent.v1.HostAgentServiceGrpc;
import dev.wrenn.proto.hostagent.v1.ReadFileRequest;
import dev.wrenn.proto.hostagent.v1.ReadFileResponse;
import dev.wrenn.proto.hostagent.v1.WriteFileHeader;
import dev.wrenn.proto.hostagent.v1.WriteFileRequest;
import dev.wrenn.proto.hostagent.v1.WriteFileResponse;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The host agent calls the benchmarks time, over one channel: exec, file upload and download. */
record AgentCalls(
        HostAgentServiceGrpc.HostAgentServiceBlockingStub blocking, HostAgentServiceGrpc.HostAgentServiceStub async) {

    static AgentCalls over(ManagedChannel ch) {
        return new AgentCalls(HostAgentServiceGrpc.newBlockingStub(ch), HostAgentServiceGrpc.newStub(ch));
    }

    /** Runs {@code cmd args} in the sandbox; a non-zero exit is a broken benchmark. */
    void exec(String id, String cmd, String... args) {
        var r = blocking.withDeadlineAfter(60, TimeUnit.SECONDS)
                .exec(ExecRequest.newBuilder()
                        .setSandboxId(id)
                        .setCmd(cmd)
                        .addAllArgs(List.of(args))
                        .build());
        if (r.getExitCode() != 0)
            throw new IllegalStateException(cmd + " " + List.of(args) + " exited " + r.getExitCode() + ": "
                    + r.getStderr().toStringUtf8());
    }

    /** Removes a file and syncs, so the next transfer finds the guest's disk as the first did. */
    void rm(String id, String path) {
        exec(id, "sh", "-c", "rm -f " + path + " && sync");
    }

    /** Streams {@code size} bytes of {@link #pattern} to {@code path}; declared or chunked to the guest. */
    void writeFile(String id, String path, long size, boolean declareSize) throws Exception {
        CompletableFuture<WriteFileResponse> done = new CompletableFuture<>();
        StreamObserver<WriteFileRequest> up = async.withDeadlineAfter(600, TimeUnit.SECONDS)
                .writeFile(new StreamObserver<>() {
                    public void onNext(WriteFileResponse v) {
                        done.complete(v);
                    }

                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    public void onCompleted() {}
                });
        var header = WriteFileHeader.newBuilder().setSandboxId(id).setPath(path);
        if (declareSize) header.setSize(size);
        up.onNext(WriteFileRequest.newBuilder().setHeader(header).build());
        ByteString chunk = ByteString.copyFrom(pattern(1 << 20));
        for (long sent = 0; sent < size; sent += chunk.size()) {
            up.onNext(WriteFileRequest.newBuilder()
                    .setData(chunk.substring(0, (int) Math.min(chunk.size(), size - sent)))
                    .build());
        }
        up.onCompleted();
        done.get(600, TimeUnit.SECONDS);
    }

    /** Reads {@code path} to the end; returns the bytes received. */
    long readFile(String id, String path) {
        long got = 0;
        Iterator<ReadFileResponse> it = blocking.withDeadlineAfter(600, TimeUnit.SECONDS)
                .readFile(ReadFileRequest.newBuilder()
                        .setSandboxId(id)
                        .setPath(path)
                        .build());
        while (it.hasNext()) got += it.next().getData().size();
        return got;
    }

    /** Incompressible bytes, the same in every run. */
    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        new java.util.Random(7).nextBytes(b);
        return b;
    }
}
