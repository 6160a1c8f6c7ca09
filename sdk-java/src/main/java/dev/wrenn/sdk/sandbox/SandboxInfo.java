package dev.wrenn.sdk.sandbox;

import java.time.Instant;
import java.util.Map;

/**
 * A sandbox as the API last described it (api/openapi.yaml, Sandbox). Times are null where the sandbox has none
 * yet ({@code endAt} null: no time-to-live); {@code diskMb} is null for sandboxes made before sizes were recorded.
 */
public record SandboxInfo(
        String id,
        SandboxStatus status,
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
        OnTimeout onTimeout,
        boolean autoResume,
        Integer diskMb,
        NetworkPolicy network) {
    public SandboxInfo {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
