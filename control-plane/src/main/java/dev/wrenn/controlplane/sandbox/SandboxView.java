package dev.wrenn.controlplane.sandbox;

import java.time.Instant;

/** The contract's Sandbox object. */
public record SandboxView(
        String id,
        String status,
        String template,
        int vcpus,
        int memoryMb,
        int timeoutSec,
        String guestIp,
        String hostIp,
        Instant createdAt,
        Instant startedAt,
        Instant lastActiveAt,
        Instant lastUpdated) {}
