package dev.wrenn.controlplane.host.grpc;

import dev.wrenn.controlplane.host.FileDownload;
import dev.wrenn.proto.hostagent.v1.HostAgentServiceGrpc.HostAgentServiceBlockingStub;
import dev.wrenn.proto.hostagent.v1.ReadFileRequest;
import dev.wrenn.proto.hostagent.v1.ReadFileResponse;
import io.grpc.Context;
import io.grpc.Context.CancellableContext;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Iterator;

/**
 * One ReadFile call, in a cancellable context so a client that stops reading ends the call at
 * once instead of leaving the host streaming into a full window.
 */
final class GrpcDownload implements FileDownload {
    private final CancellableContext call;
    private final Iterator<ReadFileResponse> chunks;
    private final ReadFileResponse first;

    private GrpcDownload(CancellableContext call, Iterator<ReadFileResponse> chunks, ReadFileResponse first) {
        this.call = call;
        this.chunks = chunks;
        this.first = first;
    }

    static GrpcDownload open(HostAgentServiceBlockingStub stub, ReadFileRequest request) {
        CancellableContext call = Context.current().withCancellation();
        try {
            Iterator<ReadFileResponse> chunks = call.call(() -> stub.readFile(request));
            var first = chunks.hasNext() ? chunks.next() : ReadFileResponse.getDefaultInstance();
            return new GrpcDownload(call, chunks, first);
        } catch (Exception e) {
            call.cancel(null);
            throw GrpcErrors.from(e);
        }
    }

    @Override
    public long size() {
        return first.getSize();
    }

    @Override
    public void transferTo(OutputStream out) throws IOException {
        first.getData().writeTo(out);
        try {
            while (chunks.hasNext()) chunks.next().getData().writeTo(out);
        } catch (StatusRuntimeException e) {
            throw new IOException("file stream from the sandbox failed: " + e.getStatus(), e);
        }
    }

    @Override
    public void close() {
        call.cancel(null);
    }
}
