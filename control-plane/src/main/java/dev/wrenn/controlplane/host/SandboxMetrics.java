package dev.wrenn.controlplane.host;

/**
 * One sample of a running sandbox's resource use, as its guest measured it when asked. Sizes in bytes;
 * {@code cpuUsedPct} (0..100) is the share of non-idle CPU time since the previous sample; the timestamp is
 * the host's clock when the sample arrived.
 */
public record SandboxMetrics(
        long timestampUnixMs,
        int cpuCount,
        double cpuUsedPct,
        long memUsed,
        long memTotal,
        long memCache,
        long diskUsed,
        long diskTotal) {}
