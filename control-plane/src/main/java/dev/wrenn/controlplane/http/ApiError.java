package dev.wrenn.controlplane.http;

/**
 * Every error code the API answers with, and its HTTP status: a closed set clients can switch on.
 * The codes are part of the contract's error envelope {@code {"error":{"code","message"}}}; add
 * one here (and to {@code api/openapi.yaml}) rather than inventing a string at a call site.
 */
public enum ApiError {
    BAD_REQUEST(400),
    INVALID_REQUEST(400),
    INVALID_JSON(400),
    UNAUTHORIZED(401),
    PERMISSION_DENIED(403),
    NOT_FOUND(404),
    FILE_NOT_FOUND(404),
    PROVIDER_NOT_FOUND(404),
    METHOD_NOT_ALLOWED(405),
    CONFLICT(409),
    EMAIL_TAKEN(409),
    NAME_TAKEN(409),
    SANDBOX_NOT_RUNNING(409),
    SANDBOX_NOT_PAUSED(409),
    TEMPLATE_IN_USE(409),
    /** A recipe or build context the build cannot use: the message names the line. */
    INVALID_RECIPE(400),
    PAYLOAD_TOO_LARGE(413),
    RATE_LIMITED(429),
    TOO_MANY_LOGIN_ATTEMPTS(429),
    QUOTA_EXCEEDED(429),
    TOO_MANY_STREAMS(429),
    INTERNAL_ERROR(500),
    HOST_AGENT_ERROR(502),
    NO_HOST_AGENT(503),
    INSUFFICIENT_CAPACITY(503),
    /** A built-in template the server is still building at start (docs/templates.md). */
    TEMPLATE_BUILDING(503),
    /** The host's data dir would run too low on free space for the sandbox's disk. */
    INSUFFICIENT_STORAGE(507),
    HOST_AGENT_TIMEOUT(504),
    /** A cell of {@code POST /v1/sandboxes/{id}/code} ran past its timeout_sec (and was interrupted). */
    EXECUTION_TIMEOUT(504);

    private final int status;

    ApiError(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** The code as clients see it: the constant's name in lower case. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The generic code for a status the framework produced on its own. */
    public static ApiError forStatus(int status) {
        for (var e : values()) {
            if (e.status == status) return e;
        }
        return status >= 500 ? INTERNAL_ERROR : BAD_REQUEST;
    }
}
