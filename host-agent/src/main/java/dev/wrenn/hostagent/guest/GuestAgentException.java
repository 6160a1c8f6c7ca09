package dev.wrenn.hostagent.guest;

import java.io.IOException;

/** A non-2xx answer of the guest agent, with its error code (see docs/guest-agent-protocol.md). */
public final class GuestAgentException extends IOException {
    private final int httpStatus;
    private final String code;

    public GuestAgentException(int httpStatus, String code, String message) {
        super(code + ": " + message + " (HTTP " + httpStatus + ")");
        this.httpStatus = httpStatus;
        this.code = code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String code() {
        return code;
    }
}
