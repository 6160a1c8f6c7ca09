package dev.wrenn.sdk.sandbox;

import java.time.Instant;

/** One sample of a running sandbox's use: CPU as a percentage of all its cores, memory and disk in bytes. */
public record SandboxMetric(
        Instant timestamp,
        int cpuCount,
        double cpuUsedPct,
        long memUsed,
        long memTotal,
        long memCache,
        long diskUsed,
        long diskTotal) {}
