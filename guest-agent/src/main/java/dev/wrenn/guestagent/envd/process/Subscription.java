package dev.wrenn.guestagent.envd.process;

import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One listener's view of a process: the events published after it subscribed, ending with the end event. The
 * queue is bounded, and a full queue makes the output reader wait (as envd's channels do), so a slow client
 * slows the process's output rather than growing the heap.
 */
final class Subscription {
    private final BlockingQueue<Map<String, Object>> queue = new ArrayBlockingQueue<>(256);

    void put(Map<String, Object> event) {
        try {
            queue.put(event);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The end event never waits: a subscriber whose client stopped reading loses its oldest queued output
     * instead, so the exit is always published and the process record released.
     */
    void putEnd(Map<String, Object> end) {
        while (!queue.offer(end)) queue.poll();
    }

    /** The next event, or null after {@code nanos}. */
    Map<String, Object> poll(long nanos) throws InterruptedException {
        return queue.poll(nanos, TimeUnit.NANOSECONDS);
    }
}
