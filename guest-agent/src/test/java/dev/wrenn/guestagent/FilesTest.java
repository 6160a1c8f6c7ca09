package dev.wrenn.guestagent;

import static dev.wrenn.guestagent.AgentHarness.errorCode;
import static dev.wrenn.guestagent.AgentHarness.q;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PUT /files and GET /files. */
class FilesTest {
    @TempDir
    Path dir;

    AgentHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new AgentHarness(dir);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    static String sha256(Path p) throws Exception {
        var md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) >= 0) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    HttpResponse<String> put(Path target, HttpRequest.BodyPublisher body, String extraQuery) throws Exception {
        return h.http.send(
                h.request("/files?path=" + q(target.toString()) + extraQuery)
                        .PUT(body)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void fiftyMegabytesRoundTripWithTheSameSha256() throws Exception {
        Path source = dir.resolve("source.bin");
        var random = new Random(42);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(source)) {
            for (int i = 0; i < 50; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        Path target = dir.resolve("deep/er/target.bin");
        var up = put(target, HttpRequest.BodyPublishers.ofFile(source), "&mode=0600");
        assertThat(up.statusCode()).as(up.body()).isEqualTo(204);
        assertThat(sha256(target)).isEqualTo(sha256(source));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
                .isEqualTo("rw-------");
        try (var listing = Files.list(target.getParent())) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("target.bin");
        }

        Path downloaded = dir.resolve("downloaded.bin");
        var down = h.http.send(
                h.request("/files?path=" + q(target.toString())).GET().build(),
                HttpResponse.BodyHandlers.ofFile(downloaded));
        assertThat(down.statusCode()).isEqualTo(200);
        assertThat(down.headers().firstValueAsLong("Content-Length")).hasValue(50L << 20);
        assertThat(sha256(downloaded)).isEqualTo(sha256(source));
    }

    @Test
    void overwriteKeepsExistingModeAndEmptyFilesWork() throws Exception {
        Path target = dir.resolve("script.sh");
        assertThat(put(target, HttpRequest.BodyPublishers.ofString("echo 1"), "&mode=755")
                        .statusCode())
                .isEqualTo(204);
        assertThat(put(target, HttpRequest.BodyPublishers.ofString(""), "").statusCode())
                .isEqualTo(204);
        assertThat(Files.size(target)).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
                .isEqualTo("rwxr-xr-x");
        var r = h.get("/files?path=" + q(target.toString()));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
    }

    @Test
    void missingFileIsNotFound() throws Exception {
        var r = h.get("/files?path=" + q(dir.resolve("nope.txt").toString()));
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(errorCode(r)).isEqualTo("not_found");
    }

    @Test
    void fileInThePathIsNotADirectory() throws Exception {
        Files.writeString(dir.resolve("plain"), "x");
        var read = h.get("/files?path=" + q(dir.resolve("plain/child").toString()));
        assertThat(read.statusCode()).isEqualTo(400);
        assertThat(errorCode(read)).isEqualTo("not_a_directory");
        var write = put(dir.resolve("plain/sub/child"), HttpRequest.BodyPublishers.ofString("y"), "");
        assertThat(write.statusCode()).isEqualTo(400);
        assertThat(errorCode(write)).isEqualTo("not_a_directory");
    }

    @Test
    void directoriesAndBadPaths() throws Exception {
        var r = h.get("/files?path=" + q(dir.toString()));
        assertThat(errorCode(r)).isEqualTo("is_a_directory");
        var w = put(dir, HttpRequest.BodyPublishers.ofString("y"), "");
        assertThat(errorCode(w)).isEqualTo("is_a_directory");
        var rel = h.get("/files?path=relative/path");
        assertThat(rel.statusCode()).isEqualTo(400);
        assertThat(errorCode(rel)).isEqualTo("bad_request");
        assertThat(errorCode(put(dir.resolve("m"), HttpRequest.BodyPublishers.ofString("y"), "&mode=99")))
                .isEqualTo("bad_request");
    }

    @Test
    void deniedAccessIsPermissionDenied() throws Exception {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "s");
        if (!"root".equals(System.getProperty("user.name"))) {
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
            var r = h.get("/files?path=" + q(secret.toString()));
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(errorCode(r)).isEqualTo("permission_denied");
            return;
        }
        // Root passes permission bits, but not an immutable file: replacing it is refused (EPERM).
        var chattr = new ProcessBuilder("chattr", "+i", secret.toString())
                .inheritIO()
                .start();
        assertThat(chattr.waitFor())
                .as("chattr +i on the test directory's filesystem")
                .isZero();
        try {
            var w = put(secret, HttpRequest.BodyPublishers.ofString("overwrite"), "");
            assertThat(w.statusCode()).isEqualTo(403);
            assertThat(errorCode(w)).isEqualTo("permission_denied");
            assertThat(Files.readString(secret)).isEqualTo("s");
        } finally {
            new ProcessBuilder("chattr", "-i", secret.toString())
                    .inheritIO()
                    .start()
                    .waitFor();
        }
    }
}
