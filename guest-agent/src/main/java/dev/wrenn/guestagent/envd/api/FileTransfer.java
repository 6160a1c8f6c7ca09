package dev.wrenn.guestagent.envd.api;

import com.sun.net.httpserver.HttpExchange;
import dev.wrenn.guestagent.connect.ConnectError;
import dev.wrenn.guestagent.envd.EnvdSettings;
import dev.wrenn.guestagent.envd.FileMetadata;
import dev.wrenn.guestagent.envd.RequestUser;
import dev.wrenn.guestagent.envd.UserPaths;
import dev.wrenn.guestagent.envd.api.HttpErrors.HttpError;
import dev.wrenn.guestagent.http.Exchanges;
import dev.wrenn.guestagent.users.UserAccount;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** envd's {@code GET /files} (raw download) and {@code POST /files} (multipart or raw upload), streamed. */
final class FileTransfer {
    private final RequestUser users;
    private final EnvdSettings settings;

    FileTransfer(RequestUser users, EnvdSettings settings) {
        this.users = users;
        this.settings = settings;
    }

    private UserAccount user(Map<String, String> q) {
        try {
            return users.named(q.get("username"));
        } catch (ConnectError e) {
            throw new HttpError(401, e.getMessage());
        }
    }

    private Path resolve(String path, UserAccount user) {
        try {
            return UserPaths.resolve(path, user, settings.defaultWorkdir());
        } catch (ConnectError e) {
            throw new HttpError(400, e.getMessage());
        }
    }

    void download(HttpExchange ex) throws IOException {
        Map<String, String> q = Exchanges.query(ex);
        UserAccount user = user(q);
        Path path = resolve(q.get("path"), user);
        if (!Files.exists(path)) throw new HttpError(404, "path '" + path + "' does not exist");
        if (Files.isDirectory(path)) throw new HttpError(400, "path '" + path + "' is a directory");
        InputStream in;
        try {
            in = Files.newInputStream(path);
        } catch (IOException e) {
            throw new HttpError(500, "error opening file '" + path + "': " + e.getMessage());
        }
        try (in) {
            ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
            ex.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"" + path.getFileName() + "\"");
            // A size the file reports is sent as Content-Length (the host passes it on to API clients). A file
            // that reports 0 may still have content (/proc, /sys): it is empty only if a first read says so,
            // else it streams chunked to its end.
            long size = Files.size(path);
            byte[] first = size > 0 ? null : in.readNBytes(64 * 1024);
            ex.sendResponseHeaders(200, size > 0 ? size : first.length == 0 ? -1 : 0);
            try (OutputStream out = ex.getResponseBody()) {
                if (size > 0) {
                    copyExactly(in, out, size, path);
                } else {
                    out.write(first);
                    in.transferTo(out);
                }
            }
        }
    }

    /** A file that shrinks while it is read ends the response early: the client sees a broken transfer. */
    private static void copyExactly(InputStream in, OutputStream out, long size, Path path) throws IOException {
        byte[] buf = new byte[64 * 1024];
        for (long left = size; left > 0; ) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) throw new IOException("'" + path + "' shrank while it was read");
            out.write(buf, 0, n);
            left -= n;
        }
    }

    void upload(HttpExchange ex) throws IOException {
        Map<String, String> q = Exchanges.query(ex);
        UserAccount user = user(q);
        Integer mode = AtomicWrite.parseMode(q.get("mode"));
        String contentType = ex.getRequestHeaders().getFirst("Content-Type");
        String media =
                contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase();
        boolean raw = media.equals("application/octet-stream");
        if (!raw && !media.startsWith("multipart/")) {
            throw new HttpError(
                    400,
                    "unsupported content type: " + contentType
                            + ", expected multipart/form-data or application/octet-stream");
        }
        Map<String, String> metadata;
        try {
            metadata = FileMetadata.fromHeaders(ex.getRequestHeaders());
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, e.getMessage());
        }
        var body = new UploadBody(ex.getRequestBody(), ex.getRequestHeaders().getFirst("Content-Length"));
        List<Object> uploaded = new ArrayList<>();
        try {
            InputStream content = decoded(body, ex.getRequestHeaders().getFirst("Content-Encoding"));
            if (raw) {
                String p = q.get("path");
                if (p == null || p.isEmpty()) {
                    throw new HttpError(400, "path query parameter is required for raw body upload");
                }
                Path target = resolve(p, user);
                AtomicWrite.write(target, content, user, mode, metadata);
                uploaded.add(entry(target));
            } else {
                uploadParts(content, contentType, q.get("path"), user, mode, metadata, uploaded);
            }
        } catch (IOException e) {
            if (body.cutShort()) throw new HttpError(400, body.shortfall());
            if (e instanceof java.util.zip.ZipException || e instanceof java.io.EOFException) {
                throw new HttpError(400, "error decompressing request body: " + e.getMessage());
            }
            throw new HttpError(500, "error parsing multipart form: " + e.getMessage());
        }
        Exchanges.sendJson(ex, 200, uploaded);
    }

    /** Each part is written atomically on its own: parts before a failing one stay written. */
    private void uploadParts(
            InputStream body,
            String contentType,
            String path,
            UserAccount user,
            Integer mode,
            Map<String, String> metadata,
            List<Object> uploaded)
            throws IOException {
        String boundary = Multipart.boundaryOf(contentType);
        if (boundary == null || boundary.isEmpty()) throw new HttpError(400, "multipart body without a boundary");
        var parts = new Multipart(body, boundary);
        List<Path> seen = new ArrayList<>();
        for (Multipart.Part part; (part = parts.next()) != null; ) {
            if (!"file".equals(part.dispositionParam("name"))) continue;
            String name = path != null ? path : part.dispositionParam("filename");
            if (name == null || name.isEmpty()) throw new HttpError(400, "a file part has no filename");
            Path target = resolve(name, user);
            if (seen.contains(target)) {
                throw new HttpError(
                        400,
                        "you cannot upload multiple files to the same path '" + target + "' in one upload request");
            }
            seen.add(target);
            // As envd: every file of one upload gets the same metadata.
            AtomicWrite.write(target, part.body(), user, mode, metadata);
            uploaded.add(entry(target));
        }
    }

    /**
     * envd's request encodings (envd 0.5.3): gzip, or none; anything else is refused before a byte is written.
     * The whole body is encoded, multipart framing included.
     */
    private static InputStream decoded(InputStream body, String contentEncoding) throws IOException {
        String encoding = contentEncoding == null
                ? ""
                : contentEncoding.split(";")[0].trim().toLowerCase();
        return switch (encoding) {
            case "", "identity" -> body;
            case "gzip" -> new java.util.zip.GZIPInputStream(body, 64 * 1024);
            default ->
                throw new HttpError(400, "unsupported Content-Encoding: " + contentEncoding + ", supported: [gzip]");
        };
    }

    private static Map<String, Object> entry(Path p) throws IOException {
        var m = new LinkedHashMap<String, Object>();
        m.put("path", p.toString());
        m.put("name", p.getFileName() == null ? "/" : p.getFileName().toString());
        m.put("type", "file");
        var metadata = FileMetadata.read(p);
        if (!metadata.isEmpty()) m.put("metadata", metadata);
        return m;
    }
}
