package dev.wrenn.hostagent.sandbox;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The sandbox lifecycle as data: the only place that says which transitions exist. Pause, resume and
 * snapshot states join this table in the next revision.
 */
public enum SandboxState {
    STARTING,
    RUNNING,
    STOPPING,
    STOPPED,
    FAILED;

    private static final Map<SandboxState, Set<SandboxState>> ALLOWED = Map.of(
            STARTING, EnumSet.of(RUNNING, STOPPING, FAILED),
            RUNNING, EnumSet.of(STOPPING, FAILED),
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
