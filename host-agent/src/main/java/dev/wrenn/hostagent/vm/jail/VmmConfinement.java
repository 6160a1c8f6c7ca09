package dev.wrenn.hostagent.vm.jail;

import dev.wrenn.settings.Settings;

/**
 * How the agent confines its VMMs: one unprivileged id per VMM from a pool, no capabilities,
 * no_new_privs, QEMU's seccomp sandbox, a mount namespace whose root holds only the VM's own files,
 * and a cgroup with memory, CPU, pid and I/O limits. {@code enabled=false} runs QEMU as the agent's
 * own user, unconfined, for hosts that cannot (no cgroup, no pivot_root).
 *
 * @param idBase first uid/gid of the pool
 * @param idCount how many ids the pool holds (one per running VMM)
 * @param memoryOverheadMb what the VMM may use beyond guest RAM (QEMU's own heap, TCG's code cache)
 * @param pidsMax threads and processes of one VMM
 * @param ioWeight the cgroup's I/O weight (1..10000), where the host's controller has one
 */
public record VmmConfinement(
        boolean enabled, int idBase, int idCount, int memoryOverheadMb, int pidsMax, int ioWeight) {

    public static final VmmConfinement DEFAULT = new VmmConfinement(true, 200_000, 4096, 256, 128, 100);
    public static final VmmConfinement OFF = DEFAULT.withEnabled(false);

    public VmmConfinement {
        if (idBase < 1000 || idCount < 1 || (long) idBase + idCount > Integer.MAX_VALUE - 2) {
            throw new IllegalArgumentException("VMM id pool " + idBase + "+" + idCount + " is out of range");
        }
        if (memoryOverheadMb < 0) throw new IllegalArgumentException("VMM memory overhead must be >= 0");
        if (pidsMax < 1) throw new IllegalArgumentException("VMM pids.max must be >= 1");
        if (ioWeight < 1 || ioWeight > 10_000) throw new IllegalArgumentException("VMM io weight must be 1..10000");
    }

    public VmmConfinement withEnabled(boolean on) {
        return new VmmConfinement(on, idBase, idCount, memoryOverheadMb, pidsMax, ioWeight);
    }

    public VmmConfinement withLimits(int overheadMb, int pids) {
        return new VmmConfinement(enabled, idBase, idCount, overheadMb, pids, ioWeight);
    }

    /** The group that may open templates' RAM files on QEMUs that cannot open them read-only (below 8.2). */
    public int templateGid() {
        return idBase - 1;
    }

    /** From {@code WRENN_VMM_*}; unset variables keep {@link #DEFAULT}'s values. */
    public static VmmConfinement fromEnv() {
        return new VmmConfinement(
                !"false".equalsIgnoreCase(env("WRENN_VMM_CONFINE", "true")),
                intEnv("WRENN_VMM_ID_BASE", DEFAULT.idBase),
                intEnv("WRENN_VMM_ID_COUNT", DEFAULT.idCount),
                intEnv("WRENN_VMM_MEMORY_OVERHEAD_MB", DEFAULT.memoryOverheadMb),
                intEnv("WRENN_VMM_PIDS_MAX", DEFAULT.pidsMax),
                intEnv("WRENN_VMM_IO_WEIGHT", DEFAULT.ioWeight));
    }

    private static String env(String name, String dflt) {
        String v = Settings.env(name);
        return v == null || v.isBlank() ? dflt : v.strip();
    }

    private static int intEnv(String name, int dflt) {
        String v = env(name, Integer.toString(dflt));
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + v + "'", e);
        }
    }
}
