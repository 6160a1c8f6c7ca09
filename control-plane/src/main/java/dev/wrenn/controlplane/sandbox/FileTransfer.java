package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.auth.Authenticator;
import dev.wrenn.controlplane.host.FileDownload;
import dev.wrenn.controlplane.host.HostAgentException;
import dev.wrenn.controlplane.host.HostAgentException.Kind;
import dev.wrenn.controlplane.http.ApiError;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.http.JsonBody;
import dev.wrenn.controlplane.limits.StreamSlots;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private final StreamSlots slots;

    public FileTransfer(SandboxService sandboxes, long maxUploadBytes, Path spoolDir, StreamSlots slots) {
        this.slots = slots;
        this.sandboxes = sandboxes;
        this.maxUploadBytes = maxUploadBytes;
        this.spoolDir = spoolDir;
    }

    /** {@code files/write} (limited to the configured size) and {@code files/stream/write} (unlimited). */
    void write(Context ctx, boolean streaming) throws IOException {
        String team = Authenticator.principal(ctx).teamId();
        String id = ctx.pathParam("id");
        sandboxes.requireRunning(team, id);
        // A streamed transfer may last as long as its client likes: it holds one of the sandbox's stream slots.
        try (var slot = streaming ? slots.acquire(id) : null) {
            write(ctx, team, id, streaming);
        }
    }

    private void write(Context ctx, String team, String id, boolean streaming) throws IOException {
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
                    path = new String(item.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
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
        } catch (java.io.EOFException e) {
            // The client stopped sending before its Content-Length or last chunk: the guest's upload was never
            // finished, so nothing is left at the path; the answer is the caller's error (if it still listens).
            throw ApiException.badRequest("request body ended before it was complete");
        } finally {
            if (spooled != null) Files.deleteIfExists(spooled);
        }
        throw ApiException.invalid(
                path == null ? "multipart field 'path' is required" : "multipart field 'file' is required");
    }

    private void send(String team, String id, String path, InputStream in, long limit) throws IOException {
        try (var upload = sandboxes.agent().upload(id, path, 0644)) {
            byte[] buf = new byte[CHUNK];
            long total = 0;
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                total += n;
                if (total > limit) throw tooLarge(limit);
                upload.write(buf, 0, n);
            }
            upload.finish();
        } catch (HostAgentException e) {
            throw fileError(team, id, path, e);
        }
    }

    /** {@code files/read} answers with a Content-Length; {@code files/stream/read} streams chunked. */
    void read(Context ctx, boolean streaming) throws IOException {
        String team = Authenticator.principal(ctx).teamId();
        String id = ctx.pathParam("id");
        String path = JsonBody.of(ctx).requiredString("path");
        checkPath(path);
        sandboxes.requireRunning(team, id);
        try (var slot = streaming ? slots.acquire(id) : null) {
            read(team, id, path, ctx, streaming);
        }
    }

    private void read(String team, String id, String path, Context ctx, boolean streaming) throws IOException {
        FileDownload download;
        try {
            requireReadable(id, path);
            download = sandboxes.agent().download(id, path);
        } catch (HostAgentException e) {
            throw fileError(team, id, path, e);
        }
        try (download) {
            var res = ctx.res();
            res.setStatus(200);
            res.setContentType("application/octet-stream");
            if (!streaming && download.size() >= 0) res.setContentLengthLong(download.size());
            OutputStream out = res.getOutputStream();
            // Headers are gone once bytes flow: a transfer broken midway can only break the response.
            download.transferTo(out);
            out.flush();
        }
    }

    /**
     * Only a regular file (or a directory, which the guest refuses itself) is read: a device such as
     * {@code /dev/zero} never ends and a FIFO blocks its reader until a writer comes, so either would hold the
     * request, a stream slot and a guest thread for as long as the client waits. {@code unspecified} is what the
     * guest reports for those, sockets, and links that lead nowhere (a loop, a missing target).
     */
    private void requireReadable(String id, String path) {
        var entry = sandboxes.agent().filesystem().stat(id, path, null);
        if ("unspecified".equals(entry.type())) {
            throw ApiException.invalid("'" + path + "' is not a regular file (a device, FIFO, socket or dangling"
                    + " or looping link): only regular files can be read");
        }
    }

    private ApiException fileError(String team, String id, String path, HostAgentException e) {
        String msg = e.detail();
        if (e.kind() == Kind.NOT_FOUND && msg.contains("sandbox")) return sandboxes.failedCommand(team, id, e);
        return switch (e.kind()) {
            case NOT_FOUND -> new ApiException(ApiError.FILE_NOT_FOUND, "'" + path + "': " + msg);
            case PERMISSION_DENIED -> new ApiException(ApiError.PERMISSION_DENIED, "'" + path + "': " + msg);
            case INVALID, CONFLICT -> ApiException.invalid("'" + path + "': " + msg);
            case TIMEOUT -> new ApiException(ApiError.HOST_AGENT_TIMEOUT, msg);
            default -> sandboxes.failedCommand(team, id, e);
        };
    }

    private static void checkPath(String path) {
        if (path == null || !path.startsWith("/")) throw ApiException.invalid("'path' must be an absolute path");
        if (path.indexOf('\0') >= 0) throw ApiException.invalid("'path' must not contain NUL");
        dev.wrenn.controlplane.fs.FsRoutes.checkLengths(path, "path");
    }

    private static ApiException tooLarge(long limit) {
        return new ApiException(
                ApiError.PAYLOAD_TOO_LARGE,
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
