package dev.wrenn.guestagent.envd.process;

import dev.wrenn.guestagent.connect.ConnectError;
import dev.wrenn.guestagent.connect.Messages;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Live processes by pid, and the end events of exited ones: kept {@link #RETAIN_NANOS} (30 s, envd's retention)
 * and at most {@link #MAX_RETAINED}, the oldest dropped first, so a Connect that arrives just after the exit
 * still learns the exit code without the agent growing with every command ever run.
 */
final class ProcessRegistry {
    static final long RETAIN_NANOS = 30_000_000_000L;
    static final int MAX_RETAINED = 256;

    private final Map<Long, ManagedProcess> live = new ConcurrentHashMap<>();
    private final LinkedHashMap<Long, Retained> exited = new LinkedHashMap<>();

    private record Retained(ManagedProcess process, long expiresNanos) {}

    void add(ManagedProcess p) {
        synchronized (exited) {
            // a reused pid must not be answered with its predecessor's exit
            exited.remove(p.pid());
            if (p.tag() != null)
                exited.values().removeIf(r -> p.tag().equals(r.process().tag()));
        }
        live.put(p.pid(), p);
    }

    void exited(ManagedProcess p) {
        synchronized (exited) {
            exited.put(p.pid(), new Retained(p, System.nanoTime() + RETAIN_NANOS));
            while (exited.size() > MAX_RETAINED) {
                Iterator<Long> it = exited.keySet().iterator();
                it.next();
                it.remove();
            }
        }
        live.remove(p.pid(), p);
    }

    List<ManagedProcess> live() {
        return new ArrayList<>(live.values());
    }

    /** A live process by selector; {@code not_found} otherwise (signals and input only reach live ones). */
    ManagedProcess live(Map<String, Object> selector) {
        ManagedProcess p = find(selector, false);
        if (p == null) throw ConnectError.notFound(describe(selector) + " not found");
        return p;
    }

    /** A live or recently exited process, for Connect. */
    ManagedProcess liveOrExited(Map<String, Object> selector) {
        ManagedProcess p = find(selector, true);
        if (p == null) throw ConnectError.notFound(describe(selector) + " not found");
        return p;
    }

    private ManagedProcess find(Map<String, Object> selector, boolean includeExited) {
        if (selector == null) throw ConnectError.invalidArgument("process selector is required");
        String tag = Messages.optString(selector, "tag");
        boolean byPid = Messages.has(selector, "pid");
        if (!byPid && tag == null) throw ConnectError.invalidArgument("process selector needs a pid or a tag");
        long pid = byPid ? Messages.uint32(selector, "pid") : -1;
        for (ManagedProcess p : live.values()) {
            if (byPid ? p.pid() == pid : tag.equals(p.tag())) return p;
        }
        if (!includeExited) return null;
        synchronized (exited) {
            long now = System.nanoTime();
            exited.values().removeIf(r -> r.expiresNanos() - now < 0);
            for (Retained r : exited.values()) {
                if (byPid ? r.process().pid() == pid : tag.equals(r.process().tag())) return r.process();
            }
        }
        return null;
    }

    private static String describe(Map<String, Object> selector) {
        String tag = Messages.optString(selector, "tag");
        return tag != null ? "process with tag " + tag : "process with pid " + Messages.uint32(selector, "pid");
    }
}
