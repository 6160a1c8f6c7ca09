package dev.wrenn.controlplane.limits;

import dev.wrenn.controlplane.http.ApiError;
import dev.wrenn.controlplane.http.ApiException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Request rate per client key (an API key's id, a user's id, a client address): a token bucket each.
 * Over the limit a request is refused with {@code 429 rate_limited} and a {@code Retry-After}.
 */
public final class RateLimiter {
    /** Past this many clients, full buckets are forgotten, so a crowd of one-off clients cannot grow the map. */
    static final int SWEEP_ABOVE = 10_000;

    private final double rate;
    private final double burst;
    private final LongSupplier nanos;
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(int ratePerSecond, int burst, LongSupplier nanos) {
        this.rate = ratePerSecond;
        this.burst = Math.max(1, burst);
        this.nanos = nanos;
    }

    public static RateLimiter system(int ratePerSecond, int burst) {
        return new RateLimiter(ratePerSecond, burst, System::nanoTime);
    }

    /** Takes one request from {@code key}'s budget, or throws the 429 that says when to come back. */
    public void check(String key) {
        long now = nanos.getAsLong();
        if (buckets.size() > SWEEP_ABOVE) buckets.values().removeIf(b -> b.full(now));
        long wait = buckets.computeIfAbsent(key, k -> new TokenBucket(rate, burst, now))
                .take(now);
        if (wait > 0) {
            throw new ApiException(
                    ApiError.RATE_LIMITED,
                    "too many requests: the limit is " + (long) rate + " per second (bursts of " + (long) burst
                            + "); retry later",
                    seconds(wait));
        }
    }

    /** Whole seconds, at least one, never less than the wait. */
    static long seconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    int clients() {
        return buckets.size();
    }
}
