package dev.wrenn.guestagent.connect;

import com.sun.net.httpserver.Headers;
import java.util.Map;

/**
 * One RPC as a handler sees it: the request headers (user, keepalive interval), the decoded message and the
 * deadline from {@code Connect-Timeout-Ms} as a {@link System#nanoTime()} value, 0 when there is none.
 */
public record Call(Headers headers, Map<String, Object> message, long deadlineNanos) {
    public boolean hasDeadline() {
        return deadlineNanos != 0;
    }

    /** Nanoseconds left before the deadline; {@link Long#MAX_VALUE} without one. */
    public long nanosLeft() {
        return hasDeadline() ? deadlineNanos - System.nanoTime() : Long.MAX_VALUE;
    }

    public String header(String name) {
        return headers.getFirst(name);
    }
}
