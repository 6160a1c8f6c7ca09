package dev.wrenn.hostagent.rpc;

import dev.wrenn.hostagent.guest.GuestAgentClient;
import dev.wrenn.hostagent.sandbox.SandboxManager;
import dev.wrenn.proto.hostagent.v1.WriteFileRequest;
import dev.wrenn.proto.hostagent.v1.WriteFileResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One WriteFile call: a header (sandbox, path, mode, optional size), then data chunks, streamed into
 * the guest by an uploader thread through a {@link ChunkPipe} as they arrive. The first failure, from
 * either side, is the one answer the client gets.
 */
final class UploadSession implements StreamObserver<WriteFileRequest> {
    private final SandboxManager manager;
    private final StreamObserver<WriteFileResponse> out;

    UploadSession(SandboxManager manager, StreamObserver<WriteFileResponse> out) {
        this.manager = manager;
        this.out = out;
    }

    private final ChunkPipe pipe = new ChunkPipe();
    private final AtomicReference<Thread> uploader = new AtomicReference<>();
    private volatile boolean answered;
    private long declared = -1;
    private long received;

    @Override
    public void onNext(WriteFileRequest m) {
        if (answered) return;
        try {
            if (m.hasHeader()) {
                if (uploader.get() != null)
                    throw Status.INVALID_ARGUMENT
                            .withDescription("header sent twice")
                            .asRuntimeException();
                var h = m.getHeader();
                if (!h.getPath().startsWith("/"))
                    throw Status.INVALID_ARGUMENT
                            .withDescription("path must be absolute: '" + h.getPath() + "'")
                            .asRuntimeException();
                if (h.hasSize() && h.getSize() < 0)
                    throw Status.INVALID_ARGUMENT
                            .withDescription("size must be >= 0")
                            .asRuntimeException();
                declared = h.hasSize() ? h.getSize() : -1;
                GuestAgentClient guest = manager.get(h.getSandboxId()).guest();
                uploader.set(Thread.ofVirtual()
                        .name("upload-" + h.getSandboxId())
                        .start(() -> upload(guest, h.getPath(), h.getMode(), declared)));
            } else {
                if (uploader.get() == null)
                    throw Status.INVALID_ARGUMENT
                            .withDescription("the first message must be the header")
                            .asRuntimeException();
                received += m.getData().size();
                if (declared >= 0 && received > declared) throw sizeMismatch();
                pipe.put(m.getData().toByteArray());
            }
        } catch (Exception e) {
            fail(e);
        }
    }

    private StatusRuntimeException sizeMismatch() {
        return Status.INVALID_ARGUMENT
                .withDescription("header declared size " + declared + " but "
                        + (received > declared ? "more" : received + " bytes") + " arrived")
                .asRuntimeException();
    }

    private void upload(GuestAgentClient guest, String path, int mode, long size) {
        try {
            // The whole-file calls act as root, as they always have; the file-system calls name their user.
            guest.files().upload(path, "root", mode, size, () -> pipe);
            synchronized (this) {
                if (answered) return;
                answered = true;
            }
            out.onNext(
                    WriteFileResponse.newBuilder().setBytesWritten(pipe.total()).build());
            out.onCompleted();
        } catch (Exception e) {
            fail(e);
        }
    }

    private void fail(Exception e) {
        // Claim the answer before aborting the pipe: the abort makes the upload thread fail
        // too, and the first cause (not its echo) is what the client must see.
        boolean first;
        synchronized (this) {
            first = !answered;
            answered = true;
        }
        pipe.abort("upload aborted: " + e.getMessage());
        if (first) out.onError(Errors.toStatus(e));
    }

    @Override
    public void onError(Throwable t) {
        pipe.abort("client cancelled the upload");
    }

    @Override
    public void onCompleted() {
        if (uploader.get() == null) {
            fail(Status.INVALID_ARGUMENT.withDescription("no header received").asRuntimeException());
            return;
        }
        if (declared >= 0 && received != declared) {
            fail(sizeMismatch());
            return;
        }
        try {
            pipe.finish();
        } catch (InterruptedException e) {
            fail(e);
        }
    }
}
