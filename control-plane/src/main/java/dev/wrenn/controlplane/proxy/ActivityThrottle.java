package dev.wrenn.controlplane.proxy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Records guest traffic as sandbox activity at most once a second per sandbox: a busy SDK session makes many
 * requests a second, and each touch is a database write.
 */
final class ActivityThrottle {
    private static final long INTERVAL_NANOS = 1_000_000_000L;
    private static final int MAX_TRACKED = 100_000;

    private final ConcurrentHashMap<String, Long> lastTouch = new ConcurrentHashMap<>();
    private final Consumer<String> touch;

    ActivityThrottle(Consumer<String> touch) {
        this.touch = touch;
    }

    void record(String sandboxId) {
        long now = System.nanoTime();
        Long previous = lastTouch.get(sandboxId);
        if (previous != null && now - previous < INTERVAL_NANOS) return;
        // Entries of sandboxes long gone would pile up; the map is only a rate limit, so forgetting is harmless.
        if (lastTouch.size() > MAX_TRACKED) lastTouch.clear();
        lastTouch.put(sandboxId, now);
        touch.accept(sandboxId);
    }
}
