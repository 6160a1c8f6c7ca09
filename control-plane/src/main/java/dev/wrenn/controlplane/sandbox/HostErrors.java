package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.http.ApiException;
import io.grpc.StatusRuntimeException;

/** Host agent failures as API errors: the agent's message, the right status. */
public final class HostErrors {
    private HostErrors() {}

    public static ApiException map(StatusRuntimeException e, String doing) {
        var status = e.getStatus();
        String detail = status.getDescription() != null
                ? status.getDescription()
                : status.getCode().name();
        return switch (status.getCode()) {
            case RESOURCE_EXHAUSTED ->
                new ApiException(503, "insufficient_capacity", "the host cannot hold it: " + detail);
            case INVALID_ARGUMENT -> ApiException.invalid(detail);
            case NOT_FOUND -> new ApiException(404, "not_found", detail);
            case FAILED_PRECONDITION -> new ApiException(409, "conflict", detail);
            case PERMISSION_DENIED -> new ApiException(403, "permission_denied", detail);
            case DEADLINE_EXCEEDED -> new ApiException(504, "host_agent_timeout", "host agent timed out " + doing);
            default -> new ApiException(502, "host_agent_error", "host agent failed " + doing + ": " + detail);
        };
    }
}
