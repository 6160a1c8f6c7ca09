package dev.wrenn.controlplane.host;

/** One sample of a running sandbox's resource use, as its guest reports it (bytes, percent of all cores). */
public record SandboxMetrics(
        long timestampUnixMs,
        int cpuCount,
        double cpuUsedPct,
        long memUsed,
        long memTotal,
        long memCache,
        long diskUsed,
        long diskTotal) {}
