package dev.wrenn.controlplane.sandbox;

import com.google.protobuf.ByteString;
import dev.wrenn.controlplane.auth.Authenticator;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.http.JsonBody;
import dev.wrenn.proto.hostagent.v1.ReadFileRequest;
import dev.wrenn.proto.hostagent.v1.ReadFileResponse;
import dev.wrenn.proto.hostagent.v1.WriteFileHeader;
import dev.wrenn.proto.hostagent.v1.WriteFileRequest;
import dev.wrenn.proto.hostagent.v1.WriteFileResponse;
import io.grpc.Context.CancellableContext;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletFileUpload;

/**
 * File upload and download between HTTP clients and a sandbox, streamed end to end: request bytes
 * go to the host agent in chunks as they arrive (with gRPC flow control, so a slow guest slows
 * the client rather than filling the heap), and file bytes come back the same way.
 */
public final class FileTransfer {
    private static final int CHUNK = 256 * 1024;

    private final SandboxService sandboxes;
    private final long maxUploadBytes;
    private final Path spoolDir;

    public FileTransfer(SandboxService sandboxes, long maxUploadBytes, Path spoolDir) {
        this.sandboxes = sandboxes;
        this.maxUploadBytes = maxUploadBytes;
        this.spoolDir = spoolDir;
    }

    /** {@code files/write} (limited to the configured size) and {@code files/stream/write} (unlimited). */
    void write(Context ctx, boolean streaming) throws IOException {
        String team = Authenticator.principal(ctx).teamId();
        String id = ctx.pathParam("id");
        sandboxes.requireRunning(team, id);
        long limit = streaming ? Long.MAX_VALUE : maxUploadBytes;
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase().startsWith("multipart/form-data")) {
            throw ApiException.invalid("expected a multipart/form-data body with fields 'path' and 'file'");
        }
        if (!streaming && ctx.req().getContentLengthLong() > limit + 64 * 1024) {
            throw tooLarge(limit);
        }
        String path = null;
        Path spooled = null;
        try {
            var upload = new JakartaServletFileUpload<>();
            var items = upload.getItemIterator(ctx.req());
            while (items.hasNext()) {
                FileItemInput item = items.next();
                if (item.isFormField() && "path".equals(item.getFieldName())) {
                    path = new String(item.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                    checkPath(path);
                    if (spooled != null) {
                        try (InputStream in = Files.newInputStream(spooled)) {
                            send(team, id, path, in, limit);
                        }
                        ctx.status(204);
                        return;
                    }
                } else if ("file".equals(item.getFieldName())) {
                    if (path != null) {
                        send(team, id, path, item.getInputStream(), limit);
                        ctx.status(204);
                        return;
                    }
                    // The file came before its path: keep it on disk (never in memory) until the path arrives.
                    Files.createDirectories(spoolDir);
                    spooled = Files.createTempFile(spoolDir, "upload-", ".part");
                    try (InputStream in = item.getInputStream();
                            OutputStream out = Files.newOutputStream(spooled)) {
                        copyLimited(in, out, limit);
                    }
                }
            }
        } catch (FileUploadException e) {
            throw ApiException.badRequest("malformed multipart body: " + e.getMessage());
        } finally {
            if (spooled != null) Files.deleteIfExists(spooled);
        }
        throw ApiException.invalid(
                path == null ? "multipart field 'path' is required" : "multipart field 'file' is required");
    }

    private void send(String team, String id, String path, InputStream in, long limit) throws IOException {
        var done = new CompletableFuture<WriteFileResponse>();
        var readiness = new Object();
        var observer = new ClientResponseObserver<WriteFileRequest, WriteFileResponse>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<WriteFileRequest> requestStream) {
                requestStream.setOnReadyHandler(() -> {
                    synchronized (readiness) {
                        readiness.notifyAll();
                    }
                });
            }

            @Override
            public void onNext(WriteFileResponse value) {
                done.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
                synchronized (readiness) {
                    readiness.notifyAll();
                }
            }

            @Override
            public void onCompleted() {
                done.complete(null);
            }
        };
        var requests = (ClientCallStreamObserver<WriteFileRequest>)
                sandboxes.agent().async().writeFile(observer);
        boolean finished = false;
        try {
            requests.onNext(WriteFileRequest.newBuilder()
                    .setHeader(WriteFileHeader.newBuilder()
                            .setSandboxId(id)
                            .setPath(path)
                            .setMode(0644))
                    .build());
            byte[] buf = new byte[CHUNK];
            long total = 0;
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                total += n;
                if (total > limit) throw tooLarge(limit);
                awaitReady(requests, readiness, done);
                requests.onNext(WriteFileRequest.newBuilder()
                        .setData(ByteString.copyFrom(buf, 0, n))
                        .build());
            }
            requests.onCompleted();
            finished = true;
            done.get(10, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw fileError(team, id, path, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ApiException(504, "host_agent_timeout", "the host agent did not confirm the write");
        } finally {
            if (!finished) requests.cancel("upload aborted", null);
        }
    }

    private static void awaitReady(ClientCallStreamObserver<?> requests, Object readiness, CompletableFuture<?> done)
            throws InterruptedException, ExecutionException {
        synchronized (readiness) {
            while (!requests.isReady() && !done.isDone()) readiness.wait(1000);
        }
        if (done.isDone()) done.get(); // surfaces the agent's error
    }

    /** {@code files/read} answers with a Content-Length; {@code files/stream/read} streams chunked. */
    void read(Context ctx, boolean streaming) throws IOException {
        String team = Authenticator.principal(ctx).teamId();
        String id = ctx.pathParam("id");
        String path = JsonBody.of(ctx).requiredString("path");
        checkPath(path);
        sandboxes.requireRunning(team, id);
        CancellableContext call = io.grpc.Context.current().withCancellation();
        try {
            Iterator<ReadFileResponse> chunks = call.call(() -> sandboxes
                    .agent()
                    .blocking()
                    .readFile(ReadFileRequest.newBuilder()
                            .setSandboxId(id)
                            .setPath(path)
                            .build()));
            ReadFileResponse first;
            try {
                first = chunks.hasNext() ? chunks.next() : ReadFileResponse.getDefaultInstance();
            } catch (StatusRuntimeException e) {
                throw fileError(team, id, path, e);
            }
            var res = ctx.res();
            res.setStatus(200);
            res.setContentType("application/octet-stream");
            if (!streaming && first.getSize() >= 0) res.setContentLengthLong(first.getSize());
            OutputStream out = res.getOutputStream();
            first.getData().writeTo(out);
            try {
                while (chunks.hasNext()) chunks.next().getData().writeTo(out);
            } catch (StatusRuntimeException e) {
                // Headers are gone: the only honest signal left is to break the response.
                throw new IOException("file stream from the sandbox failed: " + e.getStatus(), e);
            }
            out.flush();
        } catch (Exception e) {
            if (e instanceof ApiException a) throw a;
            if (e instanceof IOException io) throw io;
            throw new IOException(e);
        } finally {
            call.cancel(null);
        }
    }

    private ApiException fileError(String team, String id, String path, Throwable t) {
        if (t instanceof ApiException a) return a;
        if (t instanceof StatusRuntimeException e) {
            var code = e.getStatus().getCode();
            String msg = e.getStatus().getDescription() != null ? e.getStatus().getDescription() : code.name();
            if (code == Status.Code.NOT_FOUND && msg.contains("sandbox")) return sandboxes.failedCommand(team, id, e);
            return switch (code) {
                case NOT_FOUND -> new ApiException(404, "file_not_found", "'" + path + "': " + msg);
                case PERMISSION_DENIED -> new ApiException(403, "permission_denied", "'" + path + "': " + msg);
                case INVALID_ARGUMENT, FAILED_PRECONDITION -> ApiException.invalid("'" + path + "': " + msg);
                default -> sandboxes.failedCommand(team, id, e);
            };
        }
        return new ApiException(502, "host_agent_error", "file transfer failed: " + t.getMessage());
    }

    private static void checkPath(String path) {
        if (path == null || !path.startsWith("/")) throw ApiException.invalid("'path' must be an absolute path");
        if (path.indexOf('\0') >= 0) throw ApiException.invalid("'path' must not contain NUL");
    }

    private static ApiException tooLarge(long limit) {
        return new ApiException(
                413,
                "payload_too_large",
                "file is larger than " + limit + " bytes; use /files/stream/write for large files");
    }

    private static void copyLimited(InputStream in, OutputStream out, long limit) throws IOException {
        byte[] buf = new byte[CHUNK];
        long total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            total += n;
            if (total > limit) throw tooLarge(limit);
            out.write(buf, 0, n);
        }
    }
}
