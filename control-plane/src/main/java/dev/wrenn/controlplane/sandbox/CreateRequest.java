package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.network.EgressPolicy;
import java.util.Map;

/**
 * A create as both APIs ask it, in their common terms.
 *
 * @param timeoutSec inactivity before auto-pause (0: never)
 * @param ttlSec time-to-live from the start (0: none), ended as {@code onTimeout} says
 * @param envVars for every process in the guest; passed on, never stored
 * @param guestUser the account and directory commands default to
 * @param diskMb the writable disk's size in MiB; 0 for the host's default
 * @param network what the guest may connect to
 */
public record CreateRequest(
        String template,
        int vcpus,
        int memoryMb,
        int timeoutSec,
        Map<String, String> metadata,
        Map<String, String> envVars,
        int ttlSec,
        OnTimeout onTimeout,
        boolean autoResume,
        boolean secure,
        boolean publicTraffic,
        GuestUser guestUser,
        int diskMb,
        EgressPolicy network) {

    public CreateRequest {
        metadata = Map.copyOf(metadata);
        envVars = Map.copyOf(envVars);
    }

    /** The seed's create: no metadata, no environment, no time-to-live, root by default. */
    public static CreateRequest of(String template, int vcpus, int memoryMb, int timeoutSec) {
        return new CreateRequest(
                template,
                vcpus,
                memoryMb,
                timeoutSec,
                Map.of(),
                Map.of(),
                0,
                OnTimeout.KILL,
                false,
                true,
                true,
                GuestUser.ROOT,
                0,
                EgressPolicy.OPEN);
    }

    /** The bounds every create must respect; a 400 naming the field otherwise. */
    void check(SandboxLimits limits) {
        if (vcpus < 1 || vcpus > limits.maxVcpus()) {
            throw ApiException.invalid("'vcpus' must be between 1 and " + limits.maxVcpus());
        }
        if (memoryMb < limits.minMemoryMb() || memoryMb > limits.maxMemoryMb()) {
            throw ApiException.invalid(
                    "'memory_mb' must be between " + limits.minMemoryMb() + " and " + limits.maxMemoryMb());
        }
        if (diskMb < 0) throw ApiException.invalid("'disk_mb' must be a positive number of MiB");
        if (timeoutSec < 0 || timeoutSec > limits.maxTimeoutSec()) {
            throw ApiException.invalid("'timeout_sec' must be between 0 and " + limits.maxTimeoutSec());
        }
        if (ttlSec < 0 || ttlSec > limits.maxTimeoutSec()) {
            throw ApiException.invalid("'ttl_sec' must be between 0 and " + limits.maxTimeoutSec());
        }
    }
}
