package dev.wrenn.controlplane.sandbox;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends running sandboxes whose time-to-live ran out, each as its {@code on_timeout} says (destroy
 * or pause). The scan is one query on an index of running rows with an end; each end re-checks
 * under the sandbox's lock, so a connect racing the scan wins.
 */
public final class Expirer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Expirer.class);

    private final SandboxStore store;
    private final Lifetimes lifetimes;
    private final Periodic loop;

    public Expirer(SandboxStore store, Lifetimes lifetimes, Duration interval) {
        this.store = store;
        this.lifetimes = lifetimes;
        this.loop = new Periodic("wrenn-expiry", interval, this::expireDue);
    }

    public void start() {
        loop.start();
    }

    /** One scan: ends every sandbox past its end; how many. */
    int expireDue() {
        int ended = 0;
        for (var due : store.expired()) {
            try {
                if (lifetimes.expire(due)) ended++;
            } catch (RuntimeException e) {
                log.warn("ending {} at its time-to-live failed: {}", due.id(), e.getMessage());
            }
        }
        return ended;
    }

    @Override
    public void close() {
        loop.close();
    }
}
