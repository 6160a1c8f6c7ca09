package dev.wrenn.hostagent.rpc;

import dev.wrenn.hostagent.guest.GuestAgentException;
import dev.wrenn.hostagent.sandbox.SandboxException;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;

/** One mapping from every failure this agent knows to a gRPC status. */
final class Errors {
    /** Why a RESOURCE_EXHAUSTED happened, when callers must tell reasons apart. */
    static final Metadata.Key<String> REASON = Metadata.Key.of("wrenn-reason", Metadata.ASCII_STRING_MARSHALLER);

    private Errors() {}

    static StatusRuntimeException toStatus(Throwable t) {
        if (t instanceof StatusRuntimeException s) return s;
        if (t instanceof UncheckedIOException u) t = u.getCause();
        Status status = switch (t) {
            case SandboxException e ->
                switch (e.reason()) {
                    case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
                    case NOT_FOUND -> Status.NOT_FOUND;
                    case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
                    case CAPACITY, INSUFFICIENT_STORAGE -> Status.RESOURCE_EXHAUSTED;
                    case WRONG_STATE -> Status.FAILED_PRECONDITION;
                    case BOOT_FAILED -> Status.UNAVAILABLE;
                    case HOST_ERROR -> Status.INTERNAL;
                };
            case GuestAgentException e ->
                switch (e.code()) {
                    case "not_found" -> Status.NOT_FOUND;
                    case "bad_request", "spawn_failed", "invalid_argument", "out_of_range" -> Status.INVALID_ARGUMENT;
                    case "already_exists" -> Status.ALREADY_EXISTS;
                    case "failed_precondition" -> Status.FAILED_PRECONDITION;
                    case "resource_exhausted" -> Status.RESOURCE_EXHAUSTED;
                    case "unimplemented" -> Status.UNIMPLEMENTED;
                    case "unavailable" -> Status.UNAVAILABLE;
                    case "deadline_exceeded" -> Status.DEADLINE_EXCEEDED;
                    case "not_a_directory", "is_a_directory" -> Status.FAILED_PRECONDITION;
                    case "permission_denied" -> Status.PERMISSION_DENIED;
                    case "timed_out" -> Status.DEADLINE_EXCEEDED;
                    case "killed" -> Status.ABORTED;
                    default -> Status.INTERNAL;
                };
            case IOException e -> Status.UNAVAILABLE.withDescription("guest agent unreachable: " + e);
            case InterruptedException e -> Status.CANCELLED;
            case IllegalArgumentException e -> Status.INVALID_ARGUMENT;
            default -> Status.INTERNAL;
        };
        if (status.getDescription() == null) {
            String prefix = t instanceof GuestAgentException g ? "guest agent: " : "";
            status = status.withDescription(prefix + (t.getMessage() == null ? t.toString() : t.getMessage()));
        }
        // Capacity and a full host disk share RESOURCE_EXHAUSTED; the trailer tells callers which it is.
        if (t instanceof SandboxException e && e.reason() == SandboxException.Reason.INSUFFICIENT_STORAGE) {
            Metadata trailers = new Metadata();
            trailers.put(REASON, "insufficient_storage");
            return status.withCause(t).asRuntimeException(trailers);
        }
        return status.withCause(t).asRuntimeException();
    }
}
