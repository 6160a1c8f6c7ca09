package dev.wrenn.hostagent.sandbox;

/**
 * Bookkeeping of vCPUs and guest memory against what the host can give. One sandbox may not have
 * more vCPUs than the host has cores; all sandboxes together may not exceed cores x overcommit vCPUs
 * nor the memory budget (guest RAM is file-backed but fully touchable, so it is not overcommitted).
 */
public final class Capacity {
    public record Snapshot(
            int totalVcpus, int usedVcpus, long totalMemoryMb, long usedMemoryMb, int maxVcpusPerSandbox) {}

    private final int hostCores;
    private final int vcpuBudget;
    private final long memoryBudgetMb;
    private int usedVcpus;
    private long usedMemoryMb;

    public Capacity(int hostCores, int vcpuOvercommit, long memoryBudgetMb) {
        this.hostCores = hostCores;
        this.vcpuBudget = hostCores * Math.max(1, vcpuOvercommit);
        this.memoryBudgetMb = memoryBudgetMb;
    }

    public synchronized void reserve(int vcpus, int memoryMb) throws SandboxException {
        if (vcpus > hostCores) {
            throw new SandboxException(
                    SandboxException.Reason.CAPACITY, "vcpus " + vcpus + " exceeds the host's " + hostCores + " cores");
        }
        if (memoryMb > memoryBudgetMb) {
            throw new SandboxException(
                    SandboxException.Reason.CAPACITY,
                    "memory_mb " + memoryMb + " exceeds the host's memory budget of " + memoryBudgetMb + " MB");
        }
        if (usedVcpus + vcpus > vcpuBudget) {
            throw new SandboxException(
                    SandboxException.Reason.CAPACITY,
                    "no vCPU capacity left: " + usedVcpus + " of " + vcpuBudget + " in use, " + vcpus + " requested");
        }
        if (usedMemoryMb + memoryMb > memoryBudgetMb) {
            throw new SandboxException(
                    SandboxException.Reason.CAPACITY,
                    "no memory capacity left: " + usedMemoryMb + " of " + memoryBudgetMb + " MB in use, " + memoryMb
                            + " MB requested");
        }
        usedVcpus += vcpus;
        usedMemoryMb += memoryMb;
    }

    public synchronized void release(int vcpus, int memoryMb) {
        usedVcpus = Math.max(0, usedVcpus - vcpus);
        usedMemoryMb = Math.max(0, usedMemoryMb - memoryMb);
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(vcpuBudget, usedVcpus, memoryBudgetMb, usedMemoryMb, hostCores);
    }
}
