package dev.wrenn.controlplane.sandbox;

/** Bounds on what one sandbox may ask for; requests outside them are 400s. */
public record SandboxLimits(int maxVcpus, int minMemoryMb, int maxMemoryMb, int maxTimeoutSec, int maxExecTimeoutSec) {
    public static SandboxLimits defaults(int hostCores) {
        return new SandboxLimits(Math.max(1, hostCores), 128, 16_384, 7 * 24 * 3600, 3600);
    }
}
