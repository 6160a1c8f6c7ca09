package dev.wrenn.guestagent.envd.filesystem;

import dev.wrenn.guestagent.sys.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Watches a directory (and, if recursive, its subdirectories, including ones created later) with inotify, which
 * unlike java.nio's WatchService reports renames and attribute changes. A platform thread polls the descriptor
 * with a short timeout, so {@link #close()} takes effect within that time and the descriptor is closed by the
 * thread that reads it. Events are mapped as fsnotify (used by envd) maps them.
 */
final class DirWatcher implements AutoCloseable {
    private static final int IN_NONBLOCK = 0x800;
    private static final int IN_CLOEXEC = 0x80000;
    private static final int IN_MODIFY = 0x2;
    private static final int IN_ATTRIB = 0x4;
    private static final int IN_MOVED_FROM = 0x40;
    private static final int IN_MOVED_TO = 0x80;
    private static final int IN_CREATE = 0x100;
    private static final int IN_DELETE = 0x200;
    private static final int IN_DELETE_SELF = 0x400;
    private static final int IN_MOVE_SELF = 0x800;
    private static final int IN_ISDIR = 0x40000000;
    private static final int MASK =
            IN_MODIFY | IN_ATTRIB | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF;
    private static final int POLL_MS = 200;

    private final Path root;
    private final boolean recursive;
    private final boolean includeEntry;
    private final Consumer<Map<String, Object>> sink;
    private final int fd;
    private final Map<Integer, Path> dirs = new ConcurrentHashMap<>();
    private volatile boolean closed;

    DirWatcher(Path root, boolean recursive, boolean includeEntry, Consumer<Map<String, Object>> sink)
            throws IOException {
        this.root = root;
        this.recursive = recursive;
        this.includeEntry = includeEntry;
        this.sink = sink;
        this.fd = Libc.inotifyInit(IN_NONBLOCK | IN_CLOEXEC);
        try {
            watch(root);
        } catch (IOException e) {
            Libc.close(fd);
            throw e;
        }
        Thread.ofPlatform().daemon().name("inotify-" + fd).start(this::run);
    }

    private void watch(Path dir) throws IOException {
        dirs.put(Libc.inotifyAddWatch(fd, dir.toString(), MASK), dir);
        if (!recursive) return;
        List<Path> subdirs;
        try (Stream<Path> s = Files.list(dir)) {
            subdirs = s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .toList();
        } catch (IOException e) {
            return; // gone again: its removal is reported by its parent
        }
        for (Path sub : subdirs) {
            try {
                watch(sub);
            } catch (IOException e) {
                // removed meanwhile
            }
        }
    }

    private void run() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(64 * 1024, 8);
            MemorySegment st = Libc.captureState(arena);
            while (!closed) {
                if (!Libc.pollIn(fd, POLL_MS, arena)) continue;
                int n;
                try {
                    n = Libc.read(fd, buf, st);
                } catch (Libc.ErrnoException e) {
                    if (e.errno() == Libc.EAGAIN) continue;
                    throw e;
                }
                parse(buf, n);
            }
        } catch (IOException | RuntimeException e) {
            // the watch ends; a stream notices through its keepalive
        } finally {
            closed = true;
            Libc.close(fd);
        }
    }

    private void parse(MemorySegment buf, int n) {
        int off = 0;
        while (off + 16 <= n) {
            int wd = buf.get(ValueLayout.JAVA_INT, off);
            int mask = buf.get(ValueLayout.JAVA_INT, off + 4);
            int len = buf.get(ValueLayout.JAVA_INT, off + 12);
            String name = len > 0 ? buf.asSlice(off + 16, len).getString(0) : "";
            off += 16 + len;
            Path dir = dirs.get(wd);
            if (dir == null) continue;
            Path path = name.isEmpty() ? dir : dir.resolve(name);
            if ((mask & (IN_DELETE_SELF | IN_MOVE_SELF)) != 0 && !dir.equals(root)) continue; // parent reports it
            if (recursive && (mask & IN_ISDIR) != 0 && (mask & (IN_CREATE | IN_MOVED_TO)) != 0) {
                try {
                    watch(path);
                } catch (IOException e) {
                    // already gone
                }
            }
            for (String type : types(mask)) emit(path, type);
        }
    }

    private static List<String> types(int mask) {
        var t = new ArrayList<String>(2);
        if ((mask & (IN_CREATE | IN_MOVED_TO)) != 0) t.add("EVENT_TYPE_CREATE");
        if ((mask & (IN_MOVED_FROM | IN_MOVE_SELF)) != 0) t.add("EVENT_TYPE_RENAME");
        if ((mask & IN_ATTRIB) != 0) t.add("EVENT_TYPE_CHMOD");
        if ((mask & IN_MODIFY) != 0) t.add("EVENT_TYPE_WRITE");
        if ((mask & (IN_DELETE | IN_DELETE_SELF)) != 0) t.add("EVENT_TYPE_REMOVE");
        return t;
    }

    private void emit(Path path, String type) {
        var ev = new LinkedHashMap<String, Object>();
        ev.put("name", root.relativize(path).toString());
        ev.put("type", type);
        boolean carriesEntry = !type.equals("EVENT_TYPE_REMOVE") && !type.equals("EVENT_TYPE_RENAME");
        if (includeEntry && carriesEntry) {
            try {
                ev.put("entry", EntryInfos.read(path));
            } catch (IOException e) {
                // gone already: the event goes without an entry, as in envd
            }
        }
        sink.accept(ev);
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
    }
}
