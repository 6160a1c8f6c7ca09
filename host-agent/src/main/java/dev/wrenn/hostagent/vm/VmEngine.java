package dev.wrenn.hostagent.vm;

import dev.wrenn.hostagent.lifecycle.Teardown;
import java.io.IOException;

/**
 * A VMM backend (QEMU now, Firecracker later). Optional abilities such as pause/resume will be
 * separate interfaces that an engine may also implement, not flags on this one.
 */
public interface VmEngine {
    String name();

    AccelChoice accel();

    /** Starts the VM and registers its shutdown on {@code teardown} before returning. */
    Vm start(VmSpec spec, Teardown teardown) throws IOException;

    /**
     * Takes over the VMM process {@code pid} that a previous agent started for {@code spec} (that agent
     * died, the VM did not) and registers its shutdown on {@code teardown}; the guest runs afterwards.
     */
    default Vm adopt(VmSpec spec, long pid, Teardown teardown) throws IOException, InterruptedException {
        throw new IOException("engine " + name() + " cannot adopt running VMs");
    }

    /** Creates a copy-on-write disk over the image's read-only rootfs. */
    void createOverlay(GuestImage image, java.nio.file.Path overlay) throws IOException;
}
