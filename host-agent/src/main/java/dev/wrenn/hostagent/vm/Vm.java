package dev.wrenn.hostagent.vm;

import java.nio.file.Path;

/** A running VMM process. Stopping it is registered on the sandbox's teardown by the engine. */
public interface Vm {
    long pid();

    boolean isAlive();

    /** Completes when the VMM process has exited, whoever ended it. */
    java.util.concurrent.CompletableFuture<?> onExit();

    Path consoleLog();

    /**
     * True once the VMM has exited by itself with success: the guest reset or powered off (QEMU runs
     * with {@code -no-reboot}), as opposed to a VMM that failed or was killed. False while it runs,
     * and for a VMM this agent did not start (its exit status is not known).
     */
    boolean guestEnded();

    /** The last lines of the guest's serial console and the VMM's own stderr, for error messages. */
    String diagnostics(int lines);
}
