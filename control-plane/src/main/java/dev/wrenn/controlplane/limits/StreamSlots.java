package dev.wrenn.controlplane.limits;

import dev.wrenn.controlplane.http.ApiError;
import dev.wrenn.controlplane.http.ApiException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The long-lived streams each sandbox has open (WebSockets, streamed file transfers), at most
 * {@code max} at once: one sandbox's clients cannot hold every thread and connection of the server.
 */
public final class StreamSlots {
    /** The default of {@code WRENN_STREAM_IDLE_TIMEOUT_SEC}. */
    public static final Duration DEFAULT_IDLE = Duration.ofHours(1);

    private final int max;
    private final Duration idle;
    private final Map<String, Integer> open = new ConcurrentHashMap<>();

    public StreamSlots(int max) {
        this(max, DEFAULT_IDLE);
    }

    /**
     * @param idle a WebSocket on which nothing moves either way for this long (no message, ping or pong, no
     *     output) is closed and its slot freed: a client that went silent or whose connection is half open does
     *     not hold it forever ({@code WRENN_STREAM_IDLE_TIMEOUT_SEC})
     */
    public StreamSlots(int max, Duration idle) {
        this.max = max;
        this.idle = idle;
    }

    public Duration idle() {
        return idle;
    }

    /** A slot on {@code sandboxId}, or {@code 429 too_many_streams}; closing the slot frees it, once. */
    public Slot acquire(String sandboxId) {
        boolean[] took = {false};
        open.compute(sandboxId, (k, n) -> {
            int current = n == null ? 0 : n;
            if (current >= max) return n;
            took[0] = true;
            return current + 1;
        });
        if (!took[0]) {
            throw new ApiException(
                    ApiError.TOO_MANY_STREAMS,
                    "sandbox '" + sandboxId + "' already has " + max + " open streams; close one first",
                    1);
        }
        return new Slot(sandboxId);
    }

    /** Open streams on {@code sandboxId} (for tests and metrics). */
    public int open(String sandboxId) {
        return open.getOrDefault(sandboxId, 0);
    }

    private void release(String sandboxId) {
        open.computeIfPresent(sandboxId, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** One held stream; {@link #close} may be called from every end path, it frees the slot only once. */
    public final class Slot implements AutoCloseable {
        private final String sandboxId;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Slot(String sandboxId) {
            this.sandboxId = sandboxId;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) release(sandboxId);
        }
    }
}
