package dev.wrenn.hostagent.sandbox;

import dev.wrenn.hostagent.lifecycle.Teardown;
import dev.wrenn.hostagent.vm.Vm;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one retry a starting guest gets when it ends itself before its agent answers (a kernel panic or
 * triple fault: with {@code -no-reboot} QEMU exits 0). Shared by cold boots and clone restores; what
 * differs is how each prepares the next attempt.
 */
final class GuestResets {
    private static final Logger log = LoggerFactory.getLogger(GuestResets.class);
    static final int ATTEMPTS = 2;

    private GuestResets() {}

    /**
     * Rethrows {@code failure} unless the guest reset itself and may try again: then logs it, releases the
     * attempt's VMM and returns. {@code during} completes "the guest reset itself ...".
     */
    static void retryOrThrow(Sandbox sb, Vm vm, int attempt, Teardown tries, String during, SandboxException failure)
            throws SandboxException, IOException {
        boolean reset = !vm.isAlive() && vm.guestEnded();
        if (!reset || sb.state() != SandboxState.STARTING) throw failure;
        if (attempt >= ATTEMPTS) {
            throw new SandboxException(
                    SandboxException.Reason.BOOT_FAILED,
                    "sandbox " + sb.id() + ": the guest reset itself " + during + ", " + attempt + " times\n"
                            + vm.diagnostics(25),
                    failure);
        }
        log.warn(
                "sandbox {}: the guest reset itself {} (attempt {}); trying again\n{}",
                sb.id(),
                during,
                attempt,
                vm.diagnostics(10));
        try {
            tries.close();
        } catch (Teardown.TeardownException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
