package dev.wrenn.controlplane.limits;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Counts failures per key in a fixed window that opens at the key's first failure. A key with
 * {@code max} failures in its window is blocked until the window ends; then its count starts over.
 */
public final class FailureWindows {
    private final int max;
    private final long windowNanos;
    private final LongSupplier nanos;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    private record Window(long start, int failures) {}

    public FailureWindows(int max, Duration window, LongSupplier nanos) {
        this.max = max;
        this.windowNanos = window.toNanos();
        this.nanos = nanos;
    }

    /** 0 when {@code key} may try, else whole seconds (at least one) until its window ends. */
    public long blockedForSec(String key) {
        long now = nanos.getAsLong();
        Window w = windows.get(key);
        if (w == null) return 0;
        long left = w.start() + windowNanos - now;
        if (left <= 0) {
            windows.remove(key, w);
            return 0;
        }
        return w.failures() >= max ? RateLimiter.seconds(left) : 0;
    }

    public void fail(String key) {
        long now = nanos.getAsLong();
        if (windows.size() > RateLimiter.SWEEP_ABOVE) {
            windows.values().removeIf(w -> w.start() + windowNanos - now <= 0);
        }
        windows.compute(
                key,
                (k, w) -> w == null || w.start() + windowNanos - now <= 0
                        ? new Window(now, 1)
                        : new Window(w.start(), w.failures() + 1));
    }

    public void reset(String key) {
        windows.remove(key);
    }
}
