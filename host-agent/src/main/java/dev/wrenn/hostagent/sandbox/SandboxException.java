package dev.wrenn.hostagent.sandbox;

/** A sandbox operation that failed for a reason the caller can act on. */
public final class SandboxException extends Exception {
    /** Closed set of failure reasons; the RPC layer maps each to one gRPC status. */
    public enum Reason {
        INVALID_ARGUMENT,
        NOT_FOUND,
        ALREADY_EXISTS,
        CAPACITY,
        /** The host's data dir would run too low on free space (gRPC RESOURCE_EXHAUSTED, reason trailer). */
        INSUFFICIENT_STORAGE,
        WRONG_STATE,
        BOOT_FAILED,
        HOST_ERROR
    }

    private final Reason reason;

    public SandboxException(Reason reason, String message) {
        this(reason, message, null);
    }

    public SandboxException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
