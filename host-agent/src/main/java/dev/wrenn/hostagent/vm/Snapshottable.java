package dev.wrenn.hostagent.vm;

import dev.wrenn.hostagent.lifecycle.Teardown;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An engine that can save a running VM's state to a file and start a new VM from it. Guest RAM
 * either stays in the VM's shared RAM file (only device state is written) or travels in the state
 * file ({@link RamMode}).
 */
public interface Snapshottable {
    enum RamMode {
        /** RAM stays in the shared RAM file; the state file holds device state only (x-ignore-shared). */
        SHARED_FILE,
        /** RAM is written into the state file with the device state (VMs whose RAM is a private mapping). */
        IN_STREAM
    }

    /**
     * Stops the guest and writes its state to {@code stateFile} (fsynced, as is the RAM file in
     * {@link RamMode#SHARED_FILE} mode). The VMM stays alive and stopped; on failure the guest is
     * continued and the exception says why (a full disk is a {@link DiskFullException}).
     */
    void save(Vm vm, Path stateFile, RamMode mode) throws IOException, InterruptedException;

    /**
     * Starts a VM from {@code stateFile} ({@code spec.incoming()} must be true) and continues it;
     * {@code beforeContinue} (may be null) runs once the state is loaded, before the guest runs again.
     */
    Vm restore(VmSpec spec, Path stateFile, RamMode mode, Teardown teardown, Hook beforeContinue)
            throws IOException, InterruptedException;

    @FunctionalInterface
    interface Hook {
        void run() throws IOException;
    }

    /** The host could not store the state: no space left. */
    final class DiskFullException extends IOException {
        public DiskFullException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
