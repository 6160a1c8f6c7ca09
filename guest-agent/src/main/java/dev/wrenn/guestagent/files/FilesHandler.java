package dev.wrenn.guestagent.files;

import com.sun.net.httpserver.HttpExchange;
import dev.wrenn.guestagent.http.ApiError;
import dev.wrenn.guestagent.http.Exchanges;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code PUT /files} and {@code GET /files}: bodies are streamed in fixed-size buffers, never held
 * in memory. An upload goes to a temporary file beside the target and is renamed into place, so a
 * broken upload never leaves a half-written file under the requested name.
 */
public final class FilesHandler {
    private static final int BUFFER = 64 * 1024;

    public void write(HttpExchange ex) throws IOException {
        Path target = requirePath(ex);
        String modeParam = Exchanges.query(ex).get("mode");
        Set<PosixFilePermission> mode = modeParam == null ? null : parseMode(modeParam);
        if (Files.isDirectory(target)) throw new ApiError("is_a_directory", "is a directory: " + target);

        Path parent = target.getParent();
        Path tmp = null;
        long expected = contentLength(ex);
        try {
            Files.createDirectories(parent);
            if (!Files.isDirectory(parent)) throw new ApiError("not_a_directory", "not a directory: " + parent);
            tmp = parent.resolve("." + target.getFileName() + ".wrenn-upload-"
                    + Long.toHexString(ThreadLocalRandom.current().nextLong()));
            long written;
            try (InputStream in = ex.getRequestBody();
                    OutputStream out = Files.newOutputStream(tmp)) {
                written = copy(in, out);
            }
            if (expected >= 0 && written != expected) {
                throw ApiError.badRequest("upload ended after " + written + " of " + expected + " bytes");
            }
            if (mode == null && Files.exists(target)) {
                mode = Files.getPosixFilePermissions(target);
            }
            Files.setPosixFilePermissions(tmp, mode == null ? parseMode("0644") : mode);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw ApiError.fromIo(target.toString(), e);
        } finally {
            if (tmp != null) Files.deleteIfExists(tmp);
        }
        Exchanges.sendNoContent(ex);
    }

    public void read(HttpExchange ex) throws IOException {
        Path target = requirePath(ex);
        if (Files.isDirectory(target)) throw new ApiError("is_a_directory", "is a directory: " + target);
        InputStream in;
        long size;
        try {
            in = Files.newInputStream(target);
            size = Files.size(target);
        } catch (IOException e) {
            throw ApiError.fromIo(target.toString(), e);
        }
        try (in) {
            ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
            ex.sendResponseHeaders(200, size == 0 ? -1 : size);
            if (size > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    copyExactly(in, out, size);
                }
            }
        } finally {
            ex.close();
        }
    }

    private static Path requirePath(HttpExchange ex) {
        String raw = Exchanges.query(ex).get("path");
        if (raw == null || raw.isEmpty()) throw ApiError.badRequest("query parameter 'path' is required");
        Path p = Path.of(raw);
        if (!p.isAbsolute()) throw ApiError.badRequest("path must be absolute: " + raw);
        p = p.normalize();
        if (p.getParent() == null) throw new ApiError("is_a_directory", "is a directory: /");
        return p;
    }

    private static long contentLength(HttpExchange ex) {
        String cl = ex.getRequestHeaders().getFirst("Content-Length");
        if (cl == null) return -1;
        try {
            return Long.parseLong(cl.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static Set<PosixFilePermission> parseMode(String mode) {
        int bits;
        try {
            bits = Integer.parseInt(mode, 8);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("mode must be octal, e.g. 0644: " + mode);
        }
        if (bits < 0 || bits > 0777) throw ApiError.badRequest("mode must be within 0000-0777: " + mode);
        var perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE
        };
        for (int i = 0; i < 9; i++) {
            if ((bits & (1 << (8 - i))) != 0) perms.add(order[i]);
        }
        return perms;
    }

    private static long copy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[BUFFER];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
            total += n;
        }
        return total;
    }

    /** Sends exactly the announced length even if the file changes while being read. */
    private static void copyExactly(InputStream in, OutputStream out, long size) throws IOException {
        byte[] buf = new byte[BUFFER];
        long left = size;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) throw new IOException("file shrank while it was being sent");
            out.write(buf, 0, n);
            left -= n;
        }
    }
}
