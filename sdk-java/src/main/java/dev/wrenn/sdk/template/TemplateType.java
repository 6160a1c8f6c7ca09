package dev.wrenn.sdk.template;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;

public enum TemplateType {
    /** A base image every team shares ({@code minimal}). */
    BASE,
    /** A saved sandbox: from {@code Templates#snapshot} or a build. */
    SNAPSHOT,
    @JsonEnumDefaultValue
    UNKNOWN;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
