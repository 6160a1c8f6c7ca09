package dev.wrenn.hostagent.vm;

import dev.wrenn.hostagent.lifecycle.Teardown;
import java.io.IOException;

/**
 * A VMM backend (QEMU now, Firecracker later). Optional abilities are separate interfaces that an
 * engine may also implement ({@link Snapshottable}: save, restore and clone; {@link Adoptable}: take
 * over a VMM after an agent crash), not flags on this one. Nothing outside this package names the VMM.
 */
public interface VmEngine {
    String name();

    AccelChoice accel();

    /** Starts the VM and registers its shutdown on {@code teardown} before returning. */
    Vm start(VmSpec spec, Teardown teardown) throws IOException;

    /** How this engine stores sandbox disks. */
    Disks disks();

    /** How this engine's VMM processes are recognised on the host. */
    VmmProcesses processes();
}
