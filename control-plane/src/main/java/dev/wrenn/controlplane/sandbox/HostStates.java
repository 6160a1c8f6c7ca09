package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.host.HostState;

/**
 * The one mapping between the host's states and a sandbox row's: what status a row should have
 * when its host reports a state. ARCHITECTURE.md shows the same table.
 *
 * <pre>
 *   host STARTING            -> pending
 *   host RUNNING             -> running
 *   host PAUSED              -> paused
 *   host STOPPING, STOPPED   -> stopped
 *   host FAILED              -> error
 * </pre>
 */
final class HostStates {
    private HostStates() {}

    static SandboxStatus of(HostState state) {
        return switch (state) {
            case STARTING -> SandboxStatus.PENDING;
            case RUNNING -> SandboxStatus.RUNNING;
            case PAUSED -> SandboxStatus.PAUSED;
            case STOPPING, STOPPED -> SandboxStatus.STOPPED;
            case FAILED -> SandboxStatus.ERROR;
        };
    }

    /** A VM that is up or coming up: a running (or pending) row still has it. */
    static boolean alive(HostState state) {
        var status = of(state);
        return status == SandboxStatus.RUNNING || status == SandboxStatus.PENDING;
    }
}
