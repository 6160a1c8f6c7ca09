package dev.wrenn.hostagent.vm;

import dev.wrenn.hostagent.lifecycle.Teardown;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An engine that can save a running VM's state to a file and start a new VM from it. Guest RAM is
 * either a shared mapping of the VM's own RAM file (it stays there: only device state is written) or a
 * private copy-on-write mapping of a base RAM file, whose written pages the caller captures while the
 * VM is stopped ({@link RamMode}).
 */
public interface Snapshottable {
    enum RamMode {
        /** RAM stays in the shared RAM file; the state file holds device state only (x-ignore-shared). */
        SHARED_FILE,
        /**
         * RAM is a private mapping of a base file (a clone of a template): the state file holds device
         * state only, the caller captures the changed pages (docs/snapshot-format.md).
         */
        PRIVATE
    }

    /**
     * Stops the guest and writes its device state to {@code stateFile} (fsynced, as is the RAM file in
     * {@link RamMode#SHARED_FILE} mode); {@code whileStopped} (may be null) runs after that, with the
     * guest still stopped. The VMM stays alive and stopped; on failure the guest is continued and the
     * exception says why (a full disk is a {@link DiskFullException}).
     */
    void save(Vm vm, Path stateFile, RamMode mode, Hook whileStopped) throws IOException, InterruptedException;

    /**
     * Starts a VM from {@code stateFile} ({@code spec.incoming()} must be true) and continues it.
     * {@code beforeLoad} (may be null) runs once the VMM has mapped guest RAM, before the state is
     * loaded; {@code beforeContinue} (may be null) once it is loaded, before the guest runs again.
     * {@code mode} is the mode the state file was saved in.
     */
    Vm restore(VmSpec spec, Path stateFile, RamMode mode, Teardown teardown, Hook beforeLoad, Hook beforeContinue)
            throws IOException, InterruptedException;

    @FunctionalInterface
    interface Hook {
        void run(Vm vm) throws IOException;
    }

    /** The host could not store the state: no space left. */
    final class DiskFullException extends IOException {
        public DiskFullException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
