package dev.wrenn.hostagent.sandbox;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The sandbox lifecycle as data: the only place that says which transitions exist. PAUSING and
 * RESUMING are internal (the API shows them as RUNNING and PAUSED: the proto keeps 7..9 free);
 * a failed pause goes back to RUNNING, a failed resume back to PAUSED when the saved state is intact.
 */
public enum SandboxState {
    STARTING,
    RUNNING,
    STOPPING,
    STOPPED,
    FAILED,
    PAUSING,
    PAUSED,
    RESUMING;

    private static final Map<SandboxState, Set<SandboxState>> ALLOWED = Map.of(
            STARTING, EnumSet.of(RUNNING, STOPPING, FAILED),
            RUNNING, EnumSet.of(STOPPING, FAILED, PAUSING),
            PAUSING, EnumSet.of(PAUSED, RUNNING, FAILED),
            PAUSED, EnumSet.of(RESUMING, STOPPING),
            RESUMING, EnumSet.of(RUNNING, PAUSED, FAILED),
            STOPPING, EnumSet.of(STOPPED, FAILED),
            STOPPED, EnumSet.noneOf(SandboxState.class),
            FAILED, EnumSet.of(STOPPING));

    public boolean canMoveTo(SandboxState next) {
        return ALLOWED.get(this).contains(next);
    }

    public boolean isTerminal() {
        return this == STOPPED;
    }
}
