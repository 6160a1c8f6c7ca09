package dev.wrenn.guestagent.envd;

import dev.wrenn.guestagent.connect.Call;

/**
 * When a stream owes its client a keepalive message: every {@code Keepalive-Ping-Interval} seconds (the SDK's
 * header) without other messages, 90 s by default as in envd. A write is also how a stream notices that its
 * client has gone, since the HTTP server reports a disconnect only then.
 */
public final class Keepalive {
    private static final long DEFAULT_NANOS = 90_000_000_000L;

    private final long intervalNanos;
    private long next;

    public Keepalive(Call call) {
        long interval = DEFAULT_NANOS;
        String h = call.header("Keepalive-Ping-Interval");
        if (h != null) {
            try {
                long s = Long.parseLong(h.trim());
                if (s > 0) interval = s * 1_000_000_000L;
            } catch (NumberFormatException e) {
                // envd falls back to its default too
            }
        }
        this.intervalNanos = interval;
        reset();
    }

    public void reset() {
        next = System.nanoTime() + intervalNanos;
    }

    public long nanosUntilNext() {
        return Math.max(0, next - System.nanoTime());
    }

    /** True (and the timer restarted) when a keepalive is due now. */
    public boolean due() {
        if (next - System.nanoTime() > 0) return false;
        reset();
        return true;
    }
}
