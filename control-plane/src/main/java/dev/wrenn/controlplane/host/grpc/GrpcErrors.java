package dev.wrenn.controlplane.host.grpc;

import dev.wrenn.controlplane.host.HostAgentException;
import dev.wrenn.controlplane.host.HostAgentException.Kind;
import io.grpc.Status;

/** gRPC statuses as host agent failures: the one place that knows what the agent's codes mean. */
final class GrpcErrors {
    private static final io.grpc.Metadata.Key<String> REASON =
            io.grpc.Metadata.Key.of("wrenn-reason", io.grpc.Metadata.ASCII_STRING_MARSHALLER);

    private GrpcErrors() {}

    /** Runs one blocking call, its failure as a HostAgentException. */
    static <T> T call(java.util.function.Supplier<T> rpc) {
        try {
            return rpc.get();
        } catch (io.grpc.StatusRuntimeException e) {
            throw from(e);
        }
    }

    static HostAgentException from(Throwable t) {
        if (t instanceof HostAgentException h) return h;
        var status = Status.fromThrowable(t);
        String detail = status.getDescription() != null
                ? status.getDescription()
                : status.getCode().name();
        // The agent tells a full disk from other capacity limits by a trailer on RESOURCE_EXHAUSTED.
        var trailers = Status.trailersFromThrowable(t);
        if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED
                && trailers != null
                && "insufficient_storage".equals(trailers.get(REASON))) {
            return new HostAgentException(Kind.STORAGE, detail, t);
        }
        return new HostAgentException(kind(status.getCode()), detail, t);
    }

    static Kind kind(Status.Code code) {
        return switch (code) {
            case RESOURCE_EXHAUSTED -> Kind.CAPACITY;
            case INVALID_ARGUMENT -> Kind.INVALID;
            case NOT_FOUND -> Kind.NOT_FOUND;
            case FAILED_PRECONDITION, ALREADY_EXISTS -> Kind.CONFLICT;
            case PERMISSION_DENIED -> Kind.PERMISSION_DENIED;
            case DEADLINE_EXCEEDED -> Kind.TIMEOUT;
            default -> Kind.FAILED;
        };
    }
}
