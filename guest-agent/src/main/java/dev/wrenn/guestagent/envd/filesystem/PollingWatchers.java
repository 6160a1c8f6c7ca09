package dev.wrenn.guestagent.envd.filesystem;

import dev.wrenn.guestagent.connect.ConnectError;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CreateWatcher / GetWatcherEvents / RemoveWatcher: watchers whose events wait in a buffer until polled. Each
 * buffer keeps the newest {@link #MAX_EVENTS} events (older ones are dropped), and at most {@link #MAX_WATCHERS}
 * watchers exist at once, so a client that forgets to poll or to remove cannot exhaust the agent.
 */
final class PollingWatchers {
    static final int MAX_EVENTS = 1000;
    static final int MAX_WATCHERS = 64;

    private final Map<String, Buffered> watchers = new ConcurrentHashMap<>();

    private static final class Buffered {
        final ArrayDeque<Map<String, Object>> events = new ArrayDeque<>();
        DirWatcher watcher;

        synchronized void add(Map<String, Object> ev) {
            if (events.size() == MAX_EVENTS) events.removeFirst();
            events.addLast(ev);
        }

        synchronized List<Object> drain() {
            var out = new ArrayList<Object>(events);
            events.clear();
            return out;
        }
    }

    String create(Path dir, boolean recursive, boolean includeEntry) throws IOException {
        if (watchers.size() >= MAX_WATCHERS) {
            throw new ConnectError("resource_exhausted", "too many watchers; remove some first");
        }
        var b = new Buffered();
        b.watcher = new DirWatcher(dir, recursive, includeEntry, b::add);
        String id = UUID.randomUUID().toString();
        watchers.put(id, b);
        return id;
    }

    List<Object> events(String id) {
        Buffered b = watchers.get(id);
        if (b == null) throw ConnectError.notFound("watcher with id " + id + " not found");
        return b.drain();
    }

    void remove(String id) {
        Buffered b = watchers.remove(id);
        if (b == null) throw ConnectError.notFound("watcher with id " + id + " not found");
        b.watcher.close();
    }
}
