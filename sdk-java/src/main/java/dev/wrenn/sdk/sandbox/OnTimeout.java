package dev.wrenn.sdk.sandbox;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;

/** What the end of a sandbox's time-to-live does to it. */
public enum OnTimeout {
    /** Destroys it (the default). */
    KILL,
    /** Pauses it; a connect or resume brings it back. */
    PAUSE,
    @JsonEnumDefaultValue
    UNKNOWN;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
