package dev.wrenn.guestagent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wrenn.guestagent.envd.filesystem.FilesystemService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** filesystem.Filesystem over the envd protocol. */
class EnvdFilesystemTest extends EnvdTestCase {
    @SuppressWarnings("unchecked")
    private Map<String, Object> entry(String method, Map<String, Object> req) throws Exception {
        return (Map<String, Object>)
                h.rpc.ok("filesystem.Filesystem/" + method, req).get("entry");
    }

    @Test
    void statDescribesFilesDirectoriesAndLinks() throws Exception {
        Path f = Files.writeString(dir.resolve("a.txt"), "hello");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        var e = entry("Stat", Map.of("path", f.toString()));
        assertThat(e)
                .containsEntry("name", "a.txt")
                .containsEntry("type", "FILE_TYPE_FILE")
                .containsEntry("path", f.toString())
                .containsEntry("size", "5")
                .containsEntry("permissions", "-rw-r-----")
                .containsEntry("owner", "root")
                .containsEntry("group", "root");
        assertThat(((Number) e.get("mode")).intValue()).isEqualTo(0640);
        assertThat((String) e.get("modifiedTime")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

        var d = entry("Stat", Map.of("path", dir.toString()));
        assertThat(d).containsEntry("type", "FILE_TYPE_DIRECTORY").containsEntry("permissions", "drwxr-xr-x");

        Path link = Files.createSymbolicLink(dir.resolve("link"), f);
        var l = entry("Stat", Map.of("path", link.toString()));
        assertThat(l).containsEntry("type", "FILE_TYPE_FILE").containsEntry("symlinkTarget", f.toString());
        assertThat((String) l.get("permissions")).startsWith("L");

        var missing = h.rpc.unary("filesystem.Filesystem/Stat", Map.of("path", dir + "/missing"));
        assertThat(missing.code()).isEqualTo("not_found");
    }

    @Test
    void relativePathsResolveAgainstTheUsersHome() throws Exception {
        Files.writeString(h.rootHome.resolve("mine"), "r");
        assertThat(entry("Stat", Map.of("path", "mine"))).containsEntry("path", h.rootHome + "/mine");
        assertThat(entry("Stat", Map.of("path", "~/mine"))).containsEntry("path", h.rootHome + "/mine");
        // .. is normalized as envd's filepath.Abs does
        assertThat(entry("Stat", Map.of("path", "../root-home/./mine"))).containsEntry("path", h.rootHome + "/mine");
        var userMade = new ConnectClient(h.agent.http, h.agent.uri("/"), h.agent.token).asUser("user");
        var made = (Map<?, ?>) userMade.ok("filesystem.Filesystem/MakeDir", Map.of("path", "sub/deeper"))
                .get("entry");
        assertThat(made.get("path")).isEqualTo(h.userHome + "/sub/deeper");
        assertThat(Files.getAttribute(h.userHome.resolve("sub"), "unix:uid")).isEqualTo(EnvdHarness.USER_UID);
        assertThat(h.rpc.unary("filesystem.Filesystem/Stat", Map.of("path", "~other/x"))
                        .code())
                .isEqualTo("invalid_argument");
    }

    @Test
    @SuppressWarnings("unchecked")
    void listDirHonoursDepth() throws Exception {
        Files.createDirectories(dir.resolve("t/a/b"));
        Files.writeString(dir.resolve("t/top"), "1");
        Files.writeString(dir.resolve("t/a/mid"), "2");
        Files.writeString(dir.resolve("t/a/b/deep"), "3");
        var one = (List<Map<String, Object>>) h.rpc.ok("filesystem.Filesystem/ListDir", Map.of("path", dir + "/t"))
                .get("entries");
        assertThat(one).extracting(e -> e.get("name")).containsExactly("a", "top");
        var two = (List<Map<String, Object>>)
                h.rpc.ok("filesystem.Filesystem/ListDir", Map.of("path", dir + "/t", "depth", 2))
                        .get("entries");
        assertThat(two)
                .extracting(e -> e.get("path"))
                .containsExactlyInAnyOrder(dir + "/t/a", dir + "/t/a/b", dir + "/t/a/mid", dir + "/t/top");
        assertThat(h.rpc.unary("filesystem.Filesystem/ListDir", Map.of("path", dir + "/t/top"))
                        .code())
                .isEqualTo("invalid_argument");
        assertThat(h.rpc.unary("filesystem.Filesystem/ListDir", Map.of("path", dir + "/none"))
                        .code())
                .isEqualTo("not_found");
    }

    @Test
    @SuppressWarnings("unchecked")
    void listDirNamesEachEntrysOwnAndGroup() throws Exception {
        Files.createDirectories(dir.resolve("o"));
        Files.writeString(dir.resolve("o/a-root"), "r");
        Path theirs = Files.writeString(dir.resolve("o/b-user"), "u");
        Files.setAttribute(theirs, "unix:uid", EnvdHarness.USER_UID);
        Files.writeString(dir.resolve("o/c-root"), "r");
        var entries = (List<Map<String, Object>>) h.rpc.ok("filesystem.Filesystem/ListDir", Map.of("path", dir + "/o"))
                .get("entries");
        // names as this host's user database has them (the harness's passwd is the agent's, not the JDK's)
        String theirName = Files.getOwner(theirs).getName();
        assertThat(theirName).isNotEqualTo("root");
        assertThat(entries).extracting(e -> e.get("owner")).containsExactly("root", theirName, "root");
        assertThat(entries).extracting(e -> e.get("group")).containsOnly("root");
    }

    @Test
    void listDirRefusesAnswersLargerThanItsBound() throws Exception {
        Path many = Files.createDirectories(dir.resolve("many"));
        for (int i = 0; i < FilesystemService.MAX_LISTED; i++) Files.createFile(many.resolve("f" + i));
        var full = (List<?>) h.rpc.ok("filesystem.Filesystem/ListDir", Map.of("path", many.toString()))
                .get("entries");
        assertThat(full).hasSize(FilesystemService.MAX_LISTED);
        Files.createFile(many.resolve("one-more"));
        var over = h.rpc.unary("filesystem.Filesystem/ListDir", Map.of("path", many.toString()));
        assertThat(over.code()).isEqualTo("invalid_argument");
        assertThat((String) over.body().get("message"))
                .contains("more than " + FilesystemService.MAX_LISTED + " entries");
    }

    @Test
    void makeDirMoveAndRemove() throws Exception {
        var made = entry("MakeDir", Map.of("path", dir + "/x/y"));
        assertThat(made).containsEntry("type", "FILE_TYPE_DIRECTORY");
        var again = h.rpc.unary("filesystem.Filesystem/MakeDir", Map.of("path", dir + "/x/y"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.code()).isEqualTo("already_exists");
        Files.writeString(dir.resolve("file"), "f");
        assertThat(h.rpc.unary("filesystem.Filesystem/MakeDir", Map.of("path", dir + "/file"))
                        .code())
                .isEqualTo("invalid_argument");

        var moved = entry("Move", Map.of("source", dir + "/file", "destination", dir + "/new/parent/file2"));
        assertThat(moved).containsEntry("path", dir + "/new/parent/file2");
        assertThat(Files.readString(dir.resolve("new/parent/file2"))).isEqualTo("f");
        assertThat(h.rpc.unary("filesystem.Filesystem/Move", Map.of("source", dir + "/gone", "destination", dir + "/z"))
                        .code())
                .isEqualTo("not_found");

        h.rpc.ok("filesystem.Filesystem/Remove", Map.of("path", dir + "/x"));
        assertThat(dir.resolve("x")).doesNotExist();
        // removing what is not there succeeds, as envd's RemoveAll
        h.rpc.ok("filesystem.Filesystem/Remove", Map.of("path", dir + "/x"));
    }

    @SuppressWarnings("unchecked")
    private static List<String> untilEvents(ConnectClient.Stream s, int n) throws Exception {
        var got = new ArrayList<String>();
        while (got.size() < n) {
            var msg = s.next();
            if (msg == null) throw new AssertionError("stream ended: " + s.end() + " after " + got);
            var fs = (Map<String, Object>) msg.get("filesystem");
            if (fs != null) got.add(fs.get("type") + " " + fs.get("name"));
        }
        return got;
    }

    /**
     * Reads events until {@code expected} comes (others, such as the WRITE of a truncation, may come between);
     * a missing event ends the stream at its deadline, which fails the wait.
     */
    private static List<String> awaitEvent(ConnectClient.Stream s, String expected) throws Exception {
        var seen = new ArrayList<String>();
        while (!seen.contains(expected)) seen.addAll(untilEvents(s, 1));
        return seen;
    }

    private static final Map<String, String> DEADLINE = Map.of("Connect-Timeout-Ms", "20000");

    @Test
    void watchDirReportsCreateWriteChmodRenameAndRemove() throws Exception {
        Path w = Files.createDirectory(dir.resolve("w"));
        try (var s = h.rpc.stream("filesystem.Filesystem/WatchDir", Map.of("path", w.toString()), DEADLINE)) {
            assertThat(s.next()).containsKey("start");
            Files.createFile(w.resolve("f"));
            assertThat(awaitEvent(s, "EVENT_TYPE_CREATE f")).containsExactly("EVENT_TYPE_CREATE f");
            Files.writeString(w.resolve("f"), "data", java.nio.file.StandardOpenOption.APPEND);
            assertThat(awaitEvent(s, "EVENT_TYPE_WRITE f")).containsExactly("EVENT_TYPE_WRITE f");
            Files.setPosixFilePermissions(w.resolve("f"), PosixFilePermissions.fromString("rwx------"));
            assertThat(awaitEvent(s, "EVENT_TYPE_CHMOD f")).containsOnly("EVENT_TYPE_CHMOD f");
            Files.move(w.resolve("f"), w.resolve("g"));
            assertThat(awaitEvent(s, "EVENT_TYPE_RENAME f")).containsExactly("EVENT_TYPE_RENAME f");
            assertThat(awaitEvent(s, "EVENT_TYPE_CREATE g")).containsExactly("EVENT_TYPE_CREATE g");
            Files.delete(w.resolve("g"));
            assertThat(awaitEvent(s, "EVENT_TYPE_REMOVE g")).containsExactly("EVENT_TYPE_REMOVE g");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void recursiveWatchFollowsNewSubdirectoriesAndIncludesEntries() throws Exception {
        Path w = Files.createDirectory(dir.resolve("r"));
        Files.createDirectory(w.resolve("old"));
        var req = Map.<String, Object>of("path", w.toString(), "recursive", true, "includeEntry", true);
        try (var s = h.rpc.stream("filesystem.Filesystem/WatchDir", req, DEADLINE)) {
            assertThat(s.next()).containsKey("start");
            Files.createFile(w.resolve("old/in-old"));
            awaitEvent(s, "EVENT_TYPE_CREATE old/in-old");
            Files.createDirectory(w.resolve("new"));
            awaitEvent(s, "EVENT_TYPE_CREATE new");
            Files.createFile(w.resolve("new/in-new"));
            var msg = s.next();
            while (!msg.containsKey("filesystem")) msg = s.next();
            var fs = (Map<String, Object>) msg.get("filesystem");
            assertThat(fs).containsEntry("name", "new/in-new").containsEntry("type", "EVENT_TYPE_CREATE");
            assertThat((Map<String, Object>) fs.get("entry")).containsEntry("path", w + "/new/in-new");
        }
    }

    /** What the SDK sends from envd 0.6.4 on: all four fields, allowNetworkMounts set (docs/e2b-envd-version.md). */
    @Test
    void watchDirAcceptsTheSdksNetworkMountsOption() throws Exception {
        Path w = Files.createDirectory(dir.resolve("n"));
        var req = Map.<String, Object>of(
                "path", w.toString(), "recursive", false, "includeEntry", false, "allowNetworkMounts", true);
        try (var s = h.rpc.stream("filesystem.Filesystem/WatchDir", req, DEADLINE)) {
            assertThat(s.next()).containsKey("start");
            Files.createFile(w.resolve("f"));
            assertThat(awaitEvent(s, "EVENT_TYPE_CREATE f")).containsExactly("EVENT_TYPE_CREATE f");
        }
    }

    @Test
    void watchDirErrors() throws Exception {
        try (var s = h.rpc.stream("filesystem.Filesystem/WatchDir", Map.of("path", dir + "/none"))) {
            assertThat(s.errorCode()).isEqualTo("not_found");
        }
        Files.writeString(dir.resolve("plain"), "");
        try (var s = h.rpc.stream("filesystem.Filesystem/WatchDir", Map.of("path", dir + "/plain"))) {
            assertThat(s.errorCode()).isEqualTo("invalid_argument");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void pollingWatcherBuffersEventsUntilAskedAndIsRemoved() throws Exception {
        Path w = Files.createDirectory(dir.resolve("p"));
        String id = (String) h.rpc.ok("filesystem.Filesystem/CreateWatcher", Map.of("path", w.toString()))
                .get("watcherId");
        Files.createFile(w.resolve("one"));
        Files.delete(w.resolve("one"));
        var seen = new ArrayList<String>();
        while (!seen.contains("EVENT_TYPE_REMOVE one")) {
            var events = (List<Map<String, Object>>)
                    h.rpc.ok("filesystem.Filesystem/GetWatcherEvents", Map.of("watcherId", id))
                            .get("events");
            for (var e : events) seen.add(e.get("type") + " " + e.get("name"));
        }
        assertThat(seen).startsWith("EVENT_TYPE_CREATE one");
        h.rpc.ok("filesystem.Filesystem/RemoveWatcher", Map.of("watcherId", id));
        assertThat(h.rpc.unary("filesystem.Filesystem/GetWatcherEvents", Map.of("watcherId", id))
                        .code())
                .isEqualTo("not_found");
        assertThat(h.rpc.unary("filesystem.Filesystem/RemoveWatcher", Map.of("watcherId", id))
                        .code())
                .isEqualTo("not_found");
        assertThat(h.rpc.unary("filesystem.Filesystem/CreateWatcher", Map.of("path", dir + "/none"))
                        .code())
                .isEqualTo("not_found");
    }

    private static long inotifyDescriptors() throws Exception {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                        try {
                            return Files.readSymbolicLink(fd).toString().contains("inotify");
                        } catch (Exception e) {
                            return false;
                        }
                    })
                    .count();
        }
    }

    /**
     * Waits until the watch's descriptor is released. Nothing announces a closed descriptor, so this polls
     * /proc; the 30 s bound only turns a leak into a clear failure (not a timing assertion).
     */
    private static void awaitInotifyDescriptors(long expected) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        long now;
        while ((now = inotifyDescriptors()) != expected) {
            if (System.nanoTime() > deadline)
                throw new AssertionError("inotify descriptors still open: " + now + ", expected " + expected);
            Thread.sleep(50);
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void watchesReleaseTheirDescriptorWhenRemovedOrTheClientLeaves() throws Exception {
        long before = inotifyDescriptors();
        String id = (String) h.rpc.ok("filesystem.Filesystem/CreateWatcher", Map.of("path", dir.toString()))
                .get("watcherId");
        assertThat(inotifyDescriptors()).isEqualTo(before + 1);
        h.rpc.ok("filesystem.Filesystem/RemoveWatcher", Map.of("watcherId", id));
        awaitInotifyDescriptors(before);

        var s = h.rpc.stream(
                "filesystem.Filesystem/WatchDir",
                Map.of("path", dir.toString()),
                Map.of("Keepalive-Ping-Interval", "1"));
        assertThat(s.next()).containsKey("start");
        assertThat(inotifyDescriptors()).isEqualTo(before + 1);
        s.close();
        // the next keepalive write fails and ends the watch
        awaitInotifyDescriptors(before);
    }
}
