package dev.wrenn.sdk.files;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;

public enum FileType {
    FILE,
    DIRECTORY,
    SYMLINK,
    /** Neither of the three (a device, a socket, a pipe). */
    UNSPECIFIED,
    /** A type this SDK does not know yet. */
    @JsonEnumDefaultValue
    UNKNOWN
}
