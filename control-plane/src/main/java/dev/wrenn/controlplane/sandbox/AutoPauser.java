package dev.wrenn.controlplane.sandbox;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pauses running sandboxes with {@code timeout_sec > 0} that have seen no exec or ping for that
 * long. The scan is one query; each pause re-checks under the sandbox's lock that nobody used it
 * since, so a ping racing the scan wins.
 */
public final class AutoPauser implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AutoPauser.class);

    private final SandboxStore store;
    private final SandboxService sandboxes;
    private final Duration interval;
    private volatile boolean running = true;
    private Thread thread;

    public AutoPauser(SandboxStore store, SandboxService sandboxes, Duration interval) {
        this.store = store;
        this.sandboxes = sandboxes;
        this.interval = interval;
    }

    public void start() {
        thread = Thread.ofVirtual().name("wrenn-auto-pause").start(() -> {
            while (running) {
                try {
                    for (var idle : store.idleBeyondTimeout()) {
                        try {
                            sandboxes.autoPause(idle);
                        } catch (RuntimeException e) {
                            log.warn("auto-pause of {} failed: {}", idle.id(), e.getMessage());
                        }
                    }
                } catch (RuntimeException e) {
                    log.warn("auto-pause scan failed: {}", e.toString());
                }
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
