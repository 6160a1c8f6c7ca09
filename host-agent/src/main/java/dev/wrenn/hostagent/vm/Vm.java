package dev.wrenn.hostagent.vm;

import java.nio.file.Path;

/** A running VMM process. Stopping it is registered on the sandbox's teardown by the engine. */
public interface Vm {
    long pid();

    boolean isAlive();

    /** Completes when the VMM process has exited, whoever ended it. */
    java.util.concurrent.CompletableFuture<?> onExit();

    Path consoleLog();

    /** The last lines of the guest's serial console and the VMM's own stderr, for error messages. */
    String diagnostics(int lines);
}
