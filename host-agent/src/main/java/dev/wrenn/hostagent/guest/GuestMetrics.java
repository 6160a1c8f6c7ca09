package dev.wrenn.hostagent.guest;

/**
 * One sample of envd's {@code GET /metrics}: sizes in bytes; {@code cpuUsedPct} (0..100) is the share of
 * non-idle CPU time since the previous sample.
 */
public record GuestMetrics(
        int cpuCount, double cpuUsedPct, long memUsed, long memTotal, long memCache, long diskUsed, long diskTotal) {}
