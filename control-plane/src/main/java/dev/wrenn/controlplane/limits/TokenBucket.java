package dev.wrenn.controlplane.limits;

/**
 * One client's request budget: it holds up to {@code burst} tokens, refills at {@code rate} per second,
 * and each request takes one. Times are nanoseconds from the caller's clock, so tests can move time.
 */
final class TokenBucket {
    private static final double NANOS = 1e9;

    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long last;

    TokenBucket(double ratePerSecond, double burst, long now) {
        if (ratePerSecond <= 0 || burst < 1) throw new IllegalArgumentException("rate > 0 and burst >= 1 required");
        this.ratePerNano = ratePerSecond / NANOS;
        this.burst = burst;
        this.tokens = burst;
        this.last = now;
    }

    /** Takes a token: 0 when one was there, else how many nanoseconds until one will be (nothing is taken). */
    synchronized long take(long now) {
        refill(now);
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - tokens) / ratePerNano));
    }

    /** True when the bucket is full again: forgetting it then changes nothing for its client. */
    synchronized boolean full(long now) {
        refill(now);
        return tokens >= burst;
    }

    private void refill(long now) {
        // A clock that steps back must not mint tokens or take them away.
        if (now > last) {
            tokens = Math.min(burst, tokens + (now - last) * ratePerNano);
            last = now;
        }
    }
}
