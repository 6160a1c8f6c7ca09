package dev.wrenn.codeinterpreter.context;

import dev.wrenn.codeinterpreter.jupyter.KernelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * All contexts of the server by id, in creation order, and the default Python context that executions
 * without a context_id run in (created at start; created again if someone deleted it).
 */
public final class Contexts implements AutoCloseable {
    private final String python;
    private final Map<String, String> env;
    private final Duration startTimeout;
    private final Duration keepalive;
    private final Path defaultCwd;
    private final Map<String, Context> byId = new ConcurrentHashMap<>();
    private final List<String> order = new ArrayList<>();
    private String defaultId;
    private boolean closed;

    public Contexts(
            String python, Map<String, String> env, Duration startTimeout, Duration keepalive, Path defaultCwd) {
        this.python = python;
        this.env = Map.copyOf(env);
        this.startTimeout = startTimeout;
        this.keepalive = keepalive;
        this.defaultCwd = defaultCwd;
    }

    public Path defaultCwd() {
        return defaultCwd;
    }

    /** A new context with its own kernel; {@code cwd} null means the default one. */
    public Context create(String language, String cwd) throws IOException {
        Path dir = cwd == null || cwd.isBlank() ? defaultCwd : defaultCwd.resolve(cwd);
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("cwd " + dir + " is not a directory");
        String id = UUID.randomUUID().toString();
        Context c = Context.start(id, language, new KernelSpec(python, dir, env, startTimeout), keepalive);
        synchronized (this) {
            if (!closed) {
                byId.put(id, c);
                order.add(id);
                return c;
            }
        }
        c.close();
        throw new IOException("the server is stopping");
    }

    public synchronized Context defaultContext() throws IOException {
        Context c = defaultId == null ? null : byId.get(defaultId);
        if (c == null) {
            c = create(Language.PYTHON, null);
            defaultId = c.id();
        }
        return c;
    }

    public Context get(String id) {
        return byId.get(id);
    }

    public synchronized List<Context> list() {
        return order.stream().map(byId::get).toList();
    }

    /** Shuts the context's kernel down; false if there is no such context. */
    public boolean delete(String id) {
        Context c;
        synchronized (this) {
            c = byId.remove(id);
            if (c == null) return false;
            order.remove(id);
        }
        c.close();
        return true;
    }

    /** Every kernel shut down at once, so that stopping takes one kernel's shutdown time, not the sum. */
    @Override
    public void close() {
        List<Context> all;
        synchronized (this) {
            closed = true;
            all = List.copyOf(byId.values());
            byId.clear();
            order.clear();
        }
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            all.forEach(c -> pool.submit(c::close));
        }
    }
}
