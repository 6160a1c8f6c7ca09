package dev.wrenn.controlplane.host;

import dev.wrenn.controlplane.http.ApiError;
import dev.wrenn.controlplane.http.ApiException;

/** A host agent call that failed, with what kind of failure it was and the host's own words. */
public final class HostAgentException extends RuntimeException {

    /** Failure kinds the control plane tells apart; each maps to one API error. */
    public enum Kind {
        /** The host has no room (cores, memory, slots). */
        CAPACITY(ApiError.INSUFFICIENT_CAPACITY),
        /** The host's disk would run too low for the sandbox's disk (agent trailer wrenn-reason). */
        STORAGE(ApiError.INSUFFICIENT_STORAGE),
        INVALID(ApiError.INVALID_REQUEST),
        NOT_FOUND(ApiError.NOT_FOUND),
        /** The sandbox or template is not in a state that allows it. */
        CONFLICT(ApiError.CONFLICT),
        PERMISSION_DENIED(ApiError.PERMISSION_DENIED),
        TIMEOUT(ApiError.HOST_AGENT_TIMEOUT),
        /** Anything else: the host failed or could not be reached. */
        FAILED(ApiError.HOST_AGENT_ERROR);

        private final ApiError error;

        Kind(ApiError error) {
            this.error = error;
        }
    }

    private final Kind kind;
    private final String detail;

    public HostAgentException(Kind kind, String detail, Throwable cause) {
        super(kind + ": " + detail, cause);
        this.kind = kind;
        this.detail = detail;
    }

    public Kind kind() {
        return kind;
    }

    /** The host's message (or the transport's, when the host was not reached). */
    public String detail() {
        return detail;
    }

    /** The API error a client gets for this failure while the control plane was {@code doing} something. */
    public ApiException toApi(String doing) {
        String message = switch (kind) {
            case CAPACITY -> "the host cannot hold it: " + detail;
            case STORAGE -> "the host has too little free disk space: " + detail;
            case TIMEOUT -> "host agent timed out " + doing;
            case FAILED -> "host agent failed " + doing + ": " + detail;
            default -> detail;
        };
        return new ApiException(kind.error, message);
    }
}
