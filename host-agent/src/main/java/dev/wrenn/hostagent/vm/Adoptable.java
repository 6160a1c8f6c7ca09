package dev.wrenn.hostagent.vm;

import dev.wrenn.hostagent.lifecycle.Teardown;
import java.io.IOException;

/** An engine that can take over the VMM of a previous host agent that died while its VM lived on. */
public interface Adoptable {
    /**
     * Takes over the VMM process {@code pid} that a previous agent started for {@code spec} and
     * registers its shutdown on {@code teardown}; the guest runs afterwards (a guest that agent had
     * stopped half-way through a pause is continued: the pause never committed).
     */
    Vm adopt(VmSpec spec, long pid, Teardown teardown) throws IOException, InterruptedException;
}
