package dev.wrenn.controlplane.build;

import dev.wrenn.controlplane.host.RunningProcess;

/** A build's cancel: asked once by a user, seen by its runner between steps and by the step running now. */
final class Cancel {
    /** Thrown where a cancelled build stops. */
    static final class Cancelled extends RuntimeException {
        Cancelled() {
            super("cancelled", null, false, false);
        }
    }

    private volatile boolean asked;
    private final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
    private volatile RunningProcess running;

    void ask() {
        asked = true;
        RunningProcess p = running;
        if (p != null) p.stop();
    }

    /** The runner is done with the build, whatever became of it. */
    void ended() {
        ended.countDown();
    }

    /** Waits for the runner to end the build; false when it did not within {@code timeout}. */
    boolean awaitEnded(java.time.Duration timeout) throws InterruptedException {
        return ended.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Waits for the runner to end the build, however long it runs. */
    void awaitEnded() throws InterruptedException {
        ended.await();
    }

    boolean asked() {
        return asked;
    }

    void check() {
        if (asked) throw new Cancelled();
    }

    /** The process a cancel stops; null when none runs. */
    void running(RunningProcess p) {
        running = p;
        if (p != null && asked) p.stop();
    }
}
