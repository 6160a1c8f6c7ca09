package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.network.EgressPolicy;
import java.time.Instant;
import java.util.Map;

/**
 * The contract's Sandbox object: the seed's fields, then the lifecycle ones ({@code metadata}, the
 * time-to-live {@code ttl_sec} and its {@code end_at}, {@code on_timeout}, {@code auto_resume}), and the
 * writable disk's size {@code disk_mb} (null if unrecorded) and the egress policy {@code network}.
 */
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
        Instant lastUpdated,
        Map<String, String> metadata,
        int ttlSec,
        Instant endAt,
        String onTimeout,
        boolean autoResume,
        Integer diskMb,
        EgressPolicy network) {}
