package dev.wrenn.controlplane.http;

/**
 * An error that reaches the client as {@code {"error":{"code","message"}}} with an HTTP status.
 *
 * <p>Codes are the closed set of {@link ApiError}; messages are for people.
 */
public final class ApiException extends RuntimeException {
    private final ApiError error;
    private final long retryAfterSec;

    public ApiException(ApiError error, String message) {
        this(error, message, 0);
    }

    /** An error the client may retry after {@code retryAfterSec} seconds (sent as {@code Retry-After}). */
    public ApiException(ApiError error, String message, long retryAfterSec) {
        super(message, null, false, false);
        this.error = error;
        this.retryAfterSec = retryAfterSec;
    }

    /** Whole seconds for {@code Retry-After}; 0 when the error carries none. */
    public long retryAfterSec() {
        return retryAfterSec;
    }

    public ApiError error() {
        return error;
    }

    public int status() {
        return error.status();
    }

    public String code() {
        return error.code();
    }

    public static ApiException badRequest(String message) {
        return new ApiException(ApiError.BAD_REQUEST, message);
    }

    public static ApiException invalid(String message) {
        return new ApiException(ApiError.INVALID_REQUEST, message);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(ApiError.UNAUTHORIZED, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(ApiError.NOT_FOUND, message);
    }
}
