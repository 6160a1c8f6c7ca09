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
    private final Periodic loop;

    public AutoPauser(SandboxStore store, SandboxService sandboxes, Duration interval) {
        this.store = store;
        this.sandboxes = sandboxes;
        this.loop = new Periodic("wrenn-auto-pause", interval, this::pauseIdle);
    }

    public void start() {
        loop.start();
    }

    /** One scan: pauses every sandbox idle beyond its timeout. */
    void pauseIdle() {
        for (var idle : store.idleBeyondTimeout()) {
            try {
                sandboxes.autoPause(idle);
            } catch (RuntimeException e) {
                log.warn("auto-pause of {} failed: {}", idle.id(), e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        loop.close();
    }
}
