package dev.wrenn.controlplane.sandbox;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The sandbox state machine, in one place: the states of the contract and the transitions allowed
 * between them. Every status change in the store goes through {@link #canMoveTo}.
 *
 * <pre>
 *   pending ──► running ◄──► paused
 *      │          │            │
 *      ▼          ▼            ▼
 *    error ◄──────┴──────► stopped
 * </pre>
 */
public enum SandboxStatus {
    PENDING,
    RUNNING,
    PAUSED,
    STOPPED,
    ERROR;

    private static final Map<SandboxStatus, Set<SandboxStatus>> ALLOWED = Map.of(
            PENDING, EnumSet.of(RUNNING, ERROR, STOPPED),
            RUNNING, EnumSet.of(PAUSED, STOPPED, ERROR),
            PAUSED, EnumSet.of(RUNNING, STOPPED, ERROR),
            STOPPED, EnumSet.noneOf(SandboxStatus.class),
            ERROR, EnumSet.of(STOPPED));

    public boolean canMoveTo(SandboxStatus next) {
        return ALLOWED.get(this).contains(next);
    }

    /** Stopped and error sandboxes hold no resources and never change again except to be removed. */
    public boolean isTerminal() {
        return this == STOPPED || this == ERROR;
    }

    /** The lower-case name used by the contract and the database. */
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static SandboxStatus fromWire(String s) {
        return valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }
}
