package dev.wrenn.controlplane.audit;

import java.util.Locale;
import java.util.Optional;

/** The actions the audit log records; their wire names are the lower-case constant names. */
public enum AuditAction {
    SIGNUP,
    LOGIN_SUCCEEDED,
    LOGIN_FAILED,
    API_KEY_CREATED,
    API_KEY_DELETED,
    SANDBOX_CREATED,
    SANDBOX_DESTROYED,
    SANDBOX_NETWORK_UPDATED,
    TEMPLATE_CREATED,
    TEMPLATE_DELETED,
    TEMPLATE_BUILD_STARTED,
    TEMPLATE_BUILD_CANCELLED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<AuditAction> parse(String wire) {
        for (var a : values()) {
            if (a.wire().equals(wire)) return Optional.of(a);
        }
        return Optional.empty();
    }
}
