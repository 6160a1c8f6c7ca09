package dev.wrenn.controlplane.sandbox;

import java.time.Instant;

/** One stored sample of a sandbox's resource use: bytes, and CPU as a percent of all its cores. */
public record MetricSample(
        Instant timestamp,
        int cpuCount,
        double cpuUsedPct,
        long memUsed,
        long memTotal,
        long memCache,
        long diskUsed,
        long diskTotal) {}
