package dev.wrenn.controlplane.sandbox;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one pass of a background duty every interval on a virtual thread, until closed; a failed pass is
 * logged, not fatal.
 */
final class Periodic implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Periodic.class);

    private final Thread thread;
    private volatile boolean running = true;

    Periodic(String name, Duration interval, Runnable pass) {
        this.thread = Thread.ofVirtual().name(name).unstarted(() -> {
            while (running) {
                try {
                    pass.run();
                } catch (RuntimeException e) {
                    log.warn("{} pass failed: {}", name, e.toString());
                }
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    void start() {
        thread.start();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
