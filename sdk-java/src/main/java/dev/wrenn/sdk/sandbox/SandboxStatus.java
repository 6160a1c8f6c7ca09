package dev.wrenn.sdk.sandbox;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;

/** Where a sandbox is in its life (ARCHITECTURE.md has the state machine). */
public enum SandboxStatus {
    PENDING,
    RUNNING,
    PAUSED,
    STOPPED,
    ERROR,
    /** A status this SDK does not know yet (a newer server). */
    @JsonEnumDefaultValue
    UNKNOWN;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
