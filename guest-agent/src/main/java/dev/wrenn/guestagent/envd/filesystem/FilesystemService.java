package dev.wrenn.guestagent.envd.filesystem;

import dev.wrenn.guestagent.connect.Call;
import dev.wrenn.guestagent.connect.ConnectError;
import dev.wrenn.guestagent.connect.ConnectServer;
import dev.wrenn.guestagent.connect.Messages;
import dev.wrenn.guestagent.connect.StreamSink;
import dev.wrenn.guestagent.envd.EnvdSettings;
import dev.wrenn.guestagent.envd.Keepalive;
import dev.wrenn.guestagent.envd.RequestUser;
import dev.wrenn.guestagent.envd.UserPaths;
import dev.wrenn.guestagent.users.UserAccount;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** envd's {@code filesystem.Filesystem} service; see docs/guest-agent-protocol.md. */
public final class FilesystemService {
    private static final String PREFIX = "/filesystem.Filesystem/";

    /**
     * The most entries one listing answers. envd has no bound; without one, a listing of / sixteen levels deep
     * builds every file of the guest in the agent's memory before it answers.
     */
    public static final int MAX_LISTED = 20_000;

    private final EnvdSettings settings;
    private final RequestUser users;
    private final PollingWatchers polling = new PollingWatchers();

    public FilesystemService(EnvdSettings settings, RequestUser users) {
        this.settings = settings;
        this.users = users;
    }

    public void register(ConnectServer server) {
        server.unary(PREFIX + "Stat", c -> Map.of("entry", EntryInfos.of(path(c, "path"))));
        server.unary(PREFIX + "ListDir", this::listDir);
        server.unary(PREFIX + "MakeDir", this::makeDir);
        server.unary(PREFIX + "Move", this::move);
        server.unary(PREFIX + "Remove", this::remove);
        server.serverStream(PREFIX + "WatchDir", this::watchDir);
        server.unary(PREFIX + "CreateWatcher", this::createWatcher);
        server.unary(PREFIX + "GetWatcherEvents", c -> Map.of("events", polling.events(watcherId(c))));
        server.unary(PREFIX + "RemoveWatcher", c -> {
            polling.remove(watcherId(c));
            return Map.of();
        });
    }

    private Path path(Call c, String field) {
        return UserPaths.resolve(Messages.string(c.message(), field), users.of(c.headers()), settings.defaultWorkdir());
    }

    private static String watcherId(Call c) {
        return Messages.string(c.message(), "watcherId");
    }

    /** The directory itself, symlinks followed; not_found or invalid_argument (not a directory) otherwise. */
    private static Path directory(Path p) {
        Path real;
        try {
            real = p.toRealPath();
        } catch (NoSuchFileException e) {
            throw ConnectError.notFound("path not found: " + p);
        } catch (IOException e) {
            throw ConnectError.internal("error resolving symlink: " + e.getMessage());
        }
        if (!Files.isDirectory(real)) throw ConnectError.invalidArgument("path is not a directory: " + p);
        return real;
    }

    private Map<String, Object> listDir(Call c) throws IOException {
        long depth = Messages.uint32(c.message(), "depth");
        if (depth == 0) depth = 1;
        Path requested = path(c, "path");
        Path dir = directory(requested);
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir, (int) Math.min(depth, Integer.MAX_VALUE), new FileVisitOption[0])) {
            paths = walk.skip(1).limit(MAX_LISTED + 1L).sorted().toList();
        } catch (java.io.UncheckedIOException e) {
            throw ConnectError.internal(
                    "error reading directory " + dir + ": " + e.getCause().getMessage());
        }
        if (paths.size() > MAX_LISTED) {
            throw ConnectError.invalidArgument("more than " + MAX_LISTED + " entries under " + requested + " at depth "
                    + depth + "; list with a smaller depth");
        }
        var names = new Names();
        List<Object> entries = new ArrayList<>(paths.size());
        for (Path p : paths) {
            try {
                var info = EntryInfos.read(p, names);
                info.put("path", requested.resolve(dir.relativize(p)).toString());
                entries.add(info);
            } catch (NoSuchFileException e) {
                // removed while listing, as envd skips it
            }
        }
        return Map.of("entries", entries);
    }

    private Map<String, Object> makeDir(Call c) {
        UserAccount user = users.of(c.headers());
        Path p = UserPaths.resolve(Messages.string(c.message(), "path"), user, settings.defaultWorkdir());
        if (Files.isDirectory(p)) throw new ConnectError("already_exists", "directory already exists: " + p);
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            throw ConnectError.invalidArgument("path already exists but it is not a directory: " + p);
        }
        try {
            UserPaths.ensureDirs(p, user);
        } catch (IOException e) {
            throw ConnectError.internal("error creating directory: " + e.getMessage());
        }
        return Map.of("entry", EntryInfos.of(p));
    }

    private Map<String, Object> move(Call c) {
        UserAccount user = users.of(c.headers());
        Path src = UserPaths.resolve(Messages.string(c.message(), "source"), user, settings.defaultWorkdir());
        Path dst = UserPaths.resolve(Messages.string(c.message(), "destination"), user, settings.defaultWorkdir());
        try {
            UserPaths.ensureDirs(dst.getParent(), user);
            // rename(2), as envd's os.Rename: replaces a file or an empty directory at the destination
            Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            throw ConnectError.notFound("source file not found: " + src);
        } catch (IOException e) {
            throw ConnectError.internal("error renaming: " + e.getMessage());
        }
        return Map.of("entry", EntryInfos.of(dst));
    }

    /** Like envd's os.RemoveAll: recursive, and a missing path is no error. Links are removed, not followed. */
    private Map<String, Object> remove(Call c) {
        Path p = path(c, "path");
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path x : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(x);
        } catch (NoSuchFileException e) {
            // nothing to remove
        } catch (IOException | java.io.UncheckedIOException e) {
            throw ConnectError.internal("error removing file or directory: " + e.getMessage());
        }
        return Map.of();
    }

    private Map<String, Object> createWatcher(Call c) throws IOException {
        Path dir = directory(path(c, "path"));
        boolean recursive = Messages.bool(c.message(), "recursive", false);
        boolean include = Messages.bool(c.message(), "includeEntry", false);
        return Map.of("watcherId", polling.create(dir, recursive, include));
    }

    /** Streams start, then events and keepalives; the watch ends when the client goes or the deadline passes. */
    private void watchDir(Call c, StreamSink sink) throws IOException, InterruptedException {
        Path dir = directory(path(c, "path"));
        boolean recursive = Messages.bool(c.message(), "recursive", false);
        boolean include = Messages.bool(c.message(), "includeEntry", false);
        BlockingQueue<Map<String, Object>> queue = new ArrayBlockingQueue<>(1024);
        // A full queue drops events rather than stalling the inotify reader: the client is not keeping up.
        try (var watcher = new DirWatcher(dir, recursive, include, queue::offer)) {
            var keepalive = new Keepalive(c);
            sink.send(Map.of("start", Map.of()));
            while (!watcher.isClosed()) {
                long wait = Math.min(keepalive.nanosUntilNext(), Math.max(0, c.nanosLeft()));
                Map<String, Object> ev = queue.poll(Math.min(wait, 1_000_000_000L), TimeUnit.NANOSECONDS);
                if (ev != null) {
                    sink.send(Map.of("filesystem", ev));
                    keepalive.reset();
                } else if (c.hasDeadline() && c.nanosLeft() <= 0) {
                    throw new ConnectError("deadline_exceeded", "the request deadline passed");
                } else if (keepalive.due()) {
                    sink.send(Map.of("keepalive", Map.of()));
                }
            }
            throw new ConnectError("internal", "the watch of " + dir + " ended");
        } catch (IOException e) {
            if (e instanceof dev.wrenn.guestagent.sys.Libc.ErrnoException) {
                throw ConnectError.internal("error watching " + dir + ": " + e.getMessage());
            }
            throw e;
        }
    }
}
