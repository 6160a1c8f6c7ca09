package dev.wrenn.hostagent.sandbox;

/**
 * What a running sandbox is, so that an agent restarted after a crash adopts it instead of killing
 * it: written once the sandbox runs, removed when it pauses. Read and written only by {@link SandboxRecords}.
 */
public record RunningRecord(SandboxIdentity identity, MemoryLayout memory, int slot, long vmmPid) {}
