package dev.wrenn.sdk.files;

import dev.wrenn.sdk.NotFoundException;
import dev.wrenn.sdk.StreamException;
import dev.wrenn.sdk.User;
import dev.wrenn.sdk.http.Diagnosis;
import dev.wrenn.sdk.http.Json;
import dev.wrenn.sdk.http.Multipart;
import dev.wrenn.sdk.http.Query;
import dev.wrenn.sdk.http.Transport;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Consumer;

/**
 * A sandbox's files: whole-file reads and writes (as bytes or streamed, any size), and file-system operations.
 * Paths are absolute and never climb ({@code ..}): a relative one is a {@link dev.wrenn.sdk.BadRequestException},
 * a missing one a {@link NotFoundException} ({@code file_not_found}). Writes create parent directories and land
 * whole (a reader never sees half a file). From {@code Sandbox#files()}.
 *
 * <p>File-system operations act as root, or as {@link #as the given user}; reads and writes always as root.
 */
public final class Filesystem {
    private static final String OCTETS = "application/octet-stream";

    private final Transport transport;
    private final String sandboxId;
    private final User user;

    public Filesystem(Transport transport, String sandboxId, User user) {
        this.transport = transport;
        this.sandboxId = sandboxId;
        this.user = user;
    }

    /** The same sandbox's files, with file-system operations acting as {@code user}. */
    public Filesystem as(User user) {
        return new Filesystem(transport, sandboxId, user);
    }

    /** The whole file. */
    public byte[] read(String path) {
        return transport
                .json("POST", route("/files/read"), Json.object().put("path", path))
                .body();
    }

    public String readText(String path) {
        return new String(read(path), StandardCharsets.UTF_8);
    }

    /** The file as it streams from the sandbox, for files of any size; close the stream. */
    public InputStream readStream(String path) {
        return transport.stream(
                "POST",
                route("/files/stream/read"),
                "application/json",
                BodyPublishers.ofString(Json.object().put("path", path).text()));
    }

    /** Copies the sandbox's file {@code path} to the local file {@code to}, streamed. */
    public void download(String path, Path to) {
        try (InputStream in = readStream(path)) {
            java.nio.file.Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("downloading " + path + " to " + to, e);
        }
    }

    /** Writes {@code data} as the whole file (up to the server's upload limit, 100 MiB by default). */
    public void write(String path, byte[] data) {
        upload("/files/write", path, BodyPublishers.ofByteArray(data));
    }

    public void write(String path, String text) {
        write(path, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes everything {@code data} yields as the whole file, streamed, of any size; {@code data} is closed. */
    public void write(String path, InputStream data) {
        try (data) {
            upload("/files/stream/write", path, BodyPublishers.ofInputStream(() -> data));
        } catch (IOException e) {
            throw new UncheckedIOException("closing the source of " + path, e);
        }
    }

    /** Copies the local file {@code from} to the sandbox's {@code path}, streamed. */
    public void upload(Path from, String path) {
        try {
            upload("/files/stream/write", path, BodyPublishers.ofFile(from));
        } catch (FileNotFoundException e) {
            throw new UncheckedIOException("uploading " + from, e);
        }
    }

    private void upload(String route, String path, BodyPublisher content) {
        if (path == null || path.isEmpty()) throw new IllegalArgumentException("a file needs a path");
        var form = new Multipart().field("path", path).file("file", fileName(path), OCTETS, content);
        // A large upload may take long: the read timeout of the client applies to the answer only.
        transport.send("POST", route(route), form.contentType(), form.body(), java.time.Duration.ofHours(1));
    }

    private static String fileName(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return name.isEmpty() ? "file" : name;
    }

    /** The entries of directory {@code path}. */
    public List<FileEntry> list(String path) {
        return list(path, 1);
    }

    /** The entries down to {@code depth} levels (1 to 16); a listing of more than 20 000 entries is refused. */
    public List<FileEntry> list(String path, int depth) {
        return transport
                .get(fs("/list").param("path", path).param("depth", depth).param("user", userName()))
                .asList(FileEntry.class);
    }

    public FileEntry stat(String path) {
        return transport
                .get(fs("/stat").param("path", path).param("user", userName()))
                .as(FileEntry.class);
    }

    /** Whether {@code path} exists (a symlink counts, whatever it points at). */
    public boolean exists(String path) {
        try {
            stat(path);
            return true;
        } catch (NotFoundException e) {
            if (e.code().equals("file_not_found")) return false;
            throw e;
        }
    }

    /** Makes directory {@code path} and its parents; a {@link dev.wrenn.sdk.ConflictException} if it exists. */
    public FileEntry mkdir(String path) {
        return transport.json("POST", fs("/mkdir"), pathBody(path)).as(FileEntry.class);
    }

    /** Moves or renames {@code source} to {@code destination}. */
    public FileEntry move(String source, String destination) {
        var body = Json.object()
                .put("source", source)
                .put("destination", destination)
                .put("user", userName());
        return transport.json("POST", fs("/move"), body).as(FileEntry.class);
    }

    /** Removes a file or a whole directory tree. */
    public void remove(String path) {
        transport.json("POST", fs("/remove"), pathBody(path));
    }

    /** Watches directory {@code path} (only its own entries); iterate the watch, and close it. */
    public Watch watch(String path) {
        return watch(path, false, null);
    }

    /**
     * Watches directory {@code path}, and with {@code recursive} everything below it; with {@code onEvent} the
     * events go to it on the watch's own virtual thread, else iterate the watch. In place when this returns.
     */
    public Watch watch(String path, boolean recursive, Consumer<WatchEvent> onEvent) {
        var q = fs("/watch").param("path", path).param("recursive", recursive).param("user", userName());
        try {
            return new Watch(transport.socket(q), onEvent);
        } catch (StreamException e) {
            // A socket's refusal carries no error code; stat says what is wrong (no such directory).
            throw Diagnosis.of(e, () -> stat(path));
        }
    }

    private Json.Fields pathBody(String path) {
        return Json.object().put("path", path).put("user", userName());
    }

    private String userName() {
        return user == null ? null : user.wire();
    }

    private Query route(String tail) {
        return Query.path("/v1/sandboxes").segment(sandboxId).then(tail);
    }

    private Query fs(String tail) {
        return route("/fs" + tail);
    }
}
