package dev.wrenn.sdk;

import java.time.Duration;
import java.util.Optional;

/**
 * 429: too many requests ({@code rate_limited}), streams ({@code too_many_streams}), sandboxes
 * ({@code quota_exceeded}) or failed logins; {@link #retryAfter()} is the server's {@code Retry-After} when it
 * sent one.
 */
public final class RateLimitedException extends WrennException {
    private final Duration retryAfter;

    public RateLimitedException(int status, String code, String message, Duration retryAfter, Throwable cause) {
        super(status, code, message, cause);
        this.retryAfter = retryAfter;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
