package dev.wrenn.sdk.template;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import java.time.Instant;

/**
 * One entry of a build's log: a step's header, a line of its output, a note, an error, or the {@code END} (last).
 * {@code line} is the recipe line of the step it belongs to, null otherwise; {@code seq} orders the entries.
 */
public record BuildLogLine(long seq, Instant at, Kind kind, Integer line, String text) {
    public enum Kind {
        STEP,
        STDOUT,
        STDERR,
        INFO,
        ERROR,
        END,
        @JsonEnumDefaultValue
        UNKNOWN
    }
}
