package dev.wrenn.sdk.template;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;

public enum BuildStatus {
    QUEUED,
    BUILDING,
    READY,
    FAILED,
    CANCELLED,
    @JsonEnumDefaultValue
    UNKNOWN;

    /** Whether the build has ended (ready, failed or cancelled). */
    public boolean isFinished() {
        return this == READY || this == FAILED || this == CANCELLED;
    }
}
