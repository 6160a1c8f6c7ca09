package dev.wrenn.guestagent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** POST /files's Wrenn extensions: the {@code mode} parameter and atomic replacement of the target. */
class EnvdUploadTest extends EnvdTestCase {
    private static final String BOUNDARY = "wrenn-upload-test";

    private HttpResponse<String> raw(Path target, String query, String content) throws Exception {
        return h.agent.http.send(
                h.agent
                        .request("/files?path=" + AgentHarness.q(target.toString()) + query)
                        .header("Content-Type", "application/octet-stream")
                        .POST(HttpRequest.BodyPublishers.ofString(content))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String multipartBody(String filename, String content) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\n\r\n" + content + "\r\n--" + BOUNDARY + "--\r\n";
    }

    private HttpResponse<String> multipart(String query, String filename, String content) throws Exception {
        return h.agent.http.send(
                h.agent
                        .request("/files?" + query)
                        .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                        .POST(HttpRequest.BodyPublishers.ofString(multipartBody(filename, content)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private List<String> names(Path directory) throws IOException {
        try (var listing = Files.list(directory)) {
            return listing.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private List<String> leftovers(Path directory) throws IOException {
        return names(directory).stream()
                .filter(n -> n.contains(".wrenn-upload-"))
                .toList();
    }

    @Test
    void modeSetsThePermissionBitsAndWithoutItANewFileIs0644AndAnOldOneKeepsItsMode() throws Exception {
        Path f = dir.resolve("a.sh");
        assertThat(raw(f, "&mode=0777", "echo 1").statusCode()).isEqualTo(200);
        assertThat(mode(f))
                .as("set after creation, so the umask does not apply")
                .isEqualTo("rwxrwxrwx");
        assertThat(raw(f, "&mode=0640", "echo 2").statusCode()).isEqualTo(200);
        assertThat(mode(f)).isEqualTo("rw-r-----");
        assertThat(raw(f, "", "echo 3").statusCode()).isEqualTo(200);
        assertThat(mode(f)).isEqualTo("rw-r-----");
        assertThat(Files.readString(f)).isEqualTo("echo 3");

        Path fresh = dir.resolve("fresh.txt");
        assertThat(raw(fresh, "", "x").statusCode()).isEqualTo(200);
        assertThat(mode(fresh)).isEqualTo("rw-r--r--");

        var r = multipart("mode=755&username=user", "bin/tool", "#!/bin/sh");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Path tool = h.userHome.resolve("bin/tool");
        assertThat(mode(tool)).isEqualTo("rwxr-xr-x");
        assertThat(Files.getAttribute(tool, "unix:uid")).isEqualTo(EnvdHarness.USER_UID);
        assertThat(Files.getAttribute(tool, "unix:gid")).isEqualTo(EnvdHarness.USER_UID);
        assertThat(Files.getAttribute(tool.getParent(), "unix:uid")).isEqualTo(EnvdHarness.USER_UID);
        assertThat(leftovers(tool.getParent())).isEmpty();
        assertThat(leftovers(dir)).isEmpty();
    }

    @Test
    void badModesAre400AndWriteNothing() throws Exception {
        Path f = dir.resolve("m.txt");
        for (String bad : List.of("0800", "1777", "07777", "64", "", "rw-r--r--", "-644", "0x1ff")) {
            var r = raw(f, "&mode=" + AgentHarness.q(bad), "x");
            assertThat(r.statusCode()).as("mode '%s'", bad).isEqualTo(400);
            assertThat(AgentHarness.json(r)).containsEntry("code", 400L).containsKey("message");
            assertThat(multipart("mode=" + AgentHarness.q(bad), f.toString(), "x")
                            .statusCode())
                    .isEqualTo(400);
        }
        assertThat(Files.exists(f)).isFalse();
    }

    @Test
    void writingThroughASymlinkReplacesItsTargetAndKeepsTheLink() throws Exception {
        Path real = Files.writeString(dir.resolve("real.txt"), "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.txt"), real.getFileName());
        assertThat(raw(link, "", "new").statusCode()).isEqualTo(200);
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(real)).isEqualTo("new");
        assertThat(leftovers(dir)).isEmpty();
    }

    /** Sends the headers and {@code sent}, closes the sending side and returns the status line. */
    private String shortRequest(Path target, String contentType, long contentLength, byte[] sent) throws IOException {
        try (var socket = new Socket("127.0.0.1", h.agent.agent.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head(target, contentType, contentLength));
            out.write(sent);
            out.flush();
            socket.shutdownOutput();
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            return in.readLine();
        }
    }

    private byte[] head(Path target, String contentType, long contentLength) {
        return ("POST /files?path=" + AgentHarness.q(target.toString()) + " HTTP/1.1\r\nHost: guest\r\n"
                        + "X-Access-Token: " + h.agent.token + "\r\nContent-Type: " + contentType + "\r\n"
                        + "Content-Length: " + contentLength + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aBodyShorterThanItsContentLengthIs400AndTheOldFileStays() throws Exception {
        Path f = Files.writeString(dir.resolve("kept.txt"), "old content");
        assertThat(shortRequest(f, "application/octet-stream", 1000, "new conten".getBytes(StandardCharsets.UTF_8)))
                .startsWith("HTTP/1.1 400");
        assertThat(Files.readString(f)).isEqualTo("old content");

        byte[] part = multipartBody("ignored", "new content").getBytes(StandardCharsets.US_ASCII);
        byte[] cut = java.util.Arrays.copyOf(part, part.length - 10);
        assertThat(shortRequest(f, "multipart/form-data; boundary=" + BOUNDARY, part.length, cut))
                .startsWith("HTTP/1.1 400");
        assertThat(Files.readString(f)).isEqualTo("old content");
        assertThat(leftovers(dir)).isEmpty();
    }

    @Test
    void aClientThatDisconnectsMidUploadLeavesTheOldFileAndNoTemporaryFile() throws Exception {
        Path f = Files.writeString(dir.resolve("big.bin"), "old content");
        try (var socket = new Socket("127.0.0.1", h.agent.agent.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(head(f, "application/octet-stream", 64L << 20));
            out.write(new byte[256 * 1024]);
            out.flush();
            // the upload is under way once its temporary file is there
            awaitUntil(() -> !leftovers(dir).isEmpty(), "the temporary file appears");
        }
        awaitUntil(() -> leftovers(dir).isEmpty(), "the temporary file is removed");
        assertThat(Files.readString(f)).isEqualTo("old content");
    }

    /**
     * Root passes permission bits but not an immutable file: the rename over it fails, and nothing changes. The
     * file lives under the build directory, on the disk's file system: tmpfs (a common /tmp) has no immutable
     * flag. The tests run as root, as the whole project's do.
     */
    @Test
    void aTargetThatCannotBeReplacedStaysAsItWas() throws Exception {
        Path own = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "immutable-")
                .toAbsolutePath();
        Path f = Files.writeString(own.resolve("immutable.txt"), "s");
        var chattr = new ProcessBuilder("chattr", "+i", f.toString())
                .redirectErrorStream(true)
                .start();
        assertThat(chattr.waitFor())
                .as("chattr +i: %s", new String(chattr.getInputStream().readAllBytes()))
                .isZero();
        try {
            var r = raw(f, "", "overwrite");
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(AgentHarness.json(r)).containsEntry("code", 500L);
            assertThat(Files.readString(f)).isEqualTo("s");
            assertThat(leftovers(own)).isEmpty();
        } finally {
            new ProcessBuilder("chattr", "-i", f.toString()).start().waitFor();
            Files.deleteIfExists(f);
            Files.deleteIfExists(own);
        }
    }

    /** Pseudo file systems refuse new files; that is the caller's error (4xx), not the agent's (was a 500). */
    @Test
    void writesIntoProcAndSysAreRefusedAsTheCallersErrorNotTheAgents() throws Exception {
        Path ok = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "writable-")
                .toAbsolutePath()
                .resolve("fine.txt");
        assertThat(raw(ok, "", "fine").statusCode())
                .as("a probe that can succeed")
                .isEqualTo(200);
        var proc = raw(Path.of("/proc/wrenn-hostile.txt"), "", "x");
        assertThat(proc.statusCode()).as(proc.body()).isEqualTo(400);
        assertThat(AgentHarness.json(proc)).containsEntry("code", 400L);
        var sys = raw(Path.of("/sys/wrenn-hostile.txt"), "", "x");
        assertThat(sys.statusCode()).as(sys.body()).isEqualTo(403);
        assertThat(AgentHarness.json(sys)).containsEntry("code", 403L);
    }

    interface Condition {
        boolean holds() throws IOException;
    }

    /** Files appearing and going: nothing announces them but inotify, so this polls, bounded, failing clearly. */
    private static void awaitUntil(Condition c, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!c.holds()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(10);
        }
    }
}
