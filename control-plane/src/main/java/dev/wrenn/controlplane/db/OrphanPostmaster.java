package dev.wrenn.controlplane.db;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops an embedded PostgreSQL that outlived the server that started it (the server was killed
 * before it could stop it, e.g. by the OOM killer), so that a new server can start one on the same
 * data dir instead of failing on its lock file. Fast shutdown first, as {@code pg_ctl stop -m fast}
 * would: the data is consistent after it, and after the harder stops PostgreSQL recovers from its
 * WAL at the next start.
 */
final class OrphanPostmaster {
    private static final Logger log = LoggerFactory.getLogger(OrphanPostmaster.class);
    private static final Duration FAST = Duration.ofSeconds(60);
    private static final Duration IMMEDIATE = Duration.ofSeconds(15);

    private OrphanPostmaster() {}

    /** Returns whether there was one; throws if it could not be stopped. */
    static boolean stop(java.nio.file.Path dataDir) {
        var found = Postmaster.of(dataDir);
        if (found.isEmpty()) return false;
        Postmaster pm = found.get();
        log.warn(
                "an embedded PostgreSQL (pid {}) is still running on {}, left by a server that did"
                        + " not stop; stopping it",
                pm.pid(),
                dataDir);
        for (var step : new Object[][] {{Signal.INT, FAST}, {Signal.QUIT, IMMEDIATE}, {Signal.KILL, IMMEDIATE}}) {
            Signal sig = (Signal) step[0];
            if (!Signal.send(pm.pid(), sig)) break; // gone meanwhile
            if (awaitExit(pm, (Duration) step[1])) {
                log.info("stopped the orphaned PostgreSQL with SIG{}", sig);
                return true;
            }
        }
        if (pm.alive()) throw new IllegalStateException("could not stop PostgreSQL pid " + pm.pid() + " on " + dataDir);
        return true;
    }

    /**
     * It is not our child, so there is no wait(2): the JDK's exit watch for other processes does
     * the watching. That watch would take an unreaped zombie for alive, which the final check does not.
     */
    private static boolean awaitExit(Postmaster pm, Duration limit) {
        var handle = ProcessHandle.of(pm.pid());
        if (handle.isEmpty()) return true;
        try {
            handle.get().onExit().get(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return !pm.alive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !pm.alive();
        }
    }

    /** The signals PostgreSQL reads as fast, immediate and no shutdown. */
    enum Signal {
        INT(2),
        QUIT(3),
        KILL(9);

        private static final java.lang.invoke.MethodHandle KILL_CALL = java.lang.foreign.Linker.nativeLinker()
                .downcallHandle(
                        java.lang.foreign.Linker.nativeLinker()
                                .defaultLookup()
                                .find("kill")
                                .orElseThrow(),
                        java.lang.foreign.FunctionDescriptor.of(
                                java.lang.foreign.ValueLayout.JAVA_INT,
                                java.lang.foreign.ValueLayout.JAVA_INT,
                                java.lang.foreign.ValueLayout.JAVA_INT));

        private final int number;

        Signal(int number) {
            this.number = number;
        }

        /** kill(2) straight from libc: a bare Debian has no kill(1) (procps), and the JDK sends only TERM and KILL. */
        static boolean send(long pid, Signal s) {
            try {
                return (int) KILL_CALL.invokeExact((int) pid, s.number) == 0;
            } catch (Throwable e) {
                throw new IllegalStateException("kill(" + pid + ", " + s + ")", e);
            }
        }
    }
}
