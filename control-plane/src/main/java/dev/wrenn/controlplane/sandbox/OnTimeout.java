package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.http.ApiException;
import java.util.Locale;

/** What ends a running sandbox whose time-to-live ran out. */
public enum OnTimeout {
    KILL,
    PAUSE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The request's value of {@code field}; anything but kill or pause is a 400. */
    public static OnTimeout parse(String value, String field) {
        return switch (value) {
            case "kill" -> KILL;
            case "pause" -> PAUSE;
            default -> throw ApiException.invalid("'" + field + "' must be kill or pause");
        };
    }
}
