package dev.wrenn.controlplane.host;

/** A sandbox as its host sees it. {@code bootMs} is the host's own time from request to guest ready. */
public record HostSandbox(
        String id,
        HostState state,
        String guestIp,
        String hostIp,
        String template,
        String accel,
        long bootMs,
        int diskMb) {}
