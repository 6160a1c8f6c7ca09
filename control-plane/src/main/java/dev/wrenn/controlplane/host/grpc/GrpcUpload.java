package dev.wrenn.controlplane.host.grpc;

import com.google.protobuf.ByteString;
import dev.wrenn.controlplane.host.FileUpload;
import dev.wrenn.controlplane.host.HostAgentException;
import dev.wrenn.proto.hostagent.v1.HostAgentServiceGrpc.HostAgentServiceStub;
import dev.wrenn.proto.hostagent.v1.WriteFileHeader;
import dev.wrenn.proto.hostagent.v1.WriteFileRequest;
import dev.wrenn.proto.hostagent.v1.WriteFileResponse;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One WriteFile call with gRPC flow control: {@link #write} waits while the transport is not ready,
 * so at most a window of chunks is in flight however fast the client sends.
 */
final class GrpcUpload implements FileUpload, ClientResponseObserver<WriteFileRequest, WriteFileResponse> {
    private final CompletableFuture<WriteFileResponse> done = new CompletableFuture<>();
    private final Object readiness = new Object();
    private final Duration confirmTimeout;
    private ClientCallStreamObserver<WriteFileRequest> requests;
    private boolean finished;

    private GrpcUpload(Duration confirmTimeout) {
        this.confirmTimeout = confirmTimeout;
    }

    static GrpcUpload open(HostAgentServiceStub stub, WriteFileHeader header, Duration confirmTimeout) {
        var upload = new GrpcUpload(confirmTimeout);
        stub.writeFile(upload);
        upload.requests.onNext(WriteFileRequest.newBuilder().setHeader(header).build());
        return upload;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<WriteFileRequest> requestStream) {
        this.requests = requestStream;
        requestStream.setOnReadyHandler(this::wake);
    }

    @Override
    public void write(byte[] buf, int off, int len) {
        awaitReady();
        requests.onNext(WriteFileRequest.newBuilder()
                .setData(ByteString.copyFrom(buf, off, len))
                .build());
    }

    @Override
    public long finish() {
        requests.onCompleted();
        finished = true;
        try {
            var response = done.get(confirmTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return response == null ? -1 : response.getBytesWritten();
        } catch (ExecutionException e) {
            throw GrpcErrors.from(e.getCause());
        } catch (TimeoutException e) {
            throw new HostAgentException(
                    HostAgentException.Kind.TIMEOUT, "the host agent did not confirm the write", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostAgentException(HostAgentException.Kind.FAILED, "interrupted waiting for the write", e);
        }
    }

    @Override
    public void close() {
        if (!finished) requests.cancel("upload aborted", null);
    }

    @Override
    public void onNext(WriteFileResponse value) {
        done.complete(value);
    }

    @Override
    public void onError(Throwable t) {
        done.completeExceptionally(t);
        wake();
    }

    @Override
    public void onCompleted() {
        done.complete(null);
    }

    private void wake() {
        synchronized (readiness) {
            readiness.notifyAll();
        }
    }

    private void awaitReady() {
        try {
            synchronized (readiness) {
                while (!requests.isReady() && !done.isDone()) readiness.wait(1000);
            }
            if (done.isDone()) done.get(); // the agent answered early: an error, surfaced here
        } catch (ExecutionException e) {
            throw GrpcErrors.from(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostAgentException(HostAgentException.Kind.FAILED, "interrupted while uploading", e);
        }
    }
}
