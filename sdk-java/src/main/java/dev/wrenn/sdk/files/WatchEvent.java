package dev.wrenn.sdk.files;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;

/** A change under a watched directory: what happened, and to which path, relative to the watched directory. */
public record WatchEvent(Type type, String name) {
    public enum Type {
        CREATE,
        WRITE,
        REMOVE,
        RENAME,
        CHMOD,
        @JsonEnumDefaultValue
        UNKNOWN;

        static Type of(String wire) {
            for (Type t : values()) {
                if (t.name().equalsIgnoreCase(wire)) return t;
            }
            return UNKNOWN;
        }
    }
}
