package dev.wrenn.sdk;

/**
 * What every SDK call throws when the API refuses it or cannot be reached: unchecked, carrying the API's stable
 * error {@link #code()} (switch on it, e.g. {@code sandbox_not_running}), its message and the HTTP
 * {@link #status()}. Subclasses group the common classes of failure, so a caller can catch
 * {@link NotFoundException} or {@link ConflictException} without looking at numbers; a status no subclass
 * covers (413, 405) is a plain {@code WrennException}.
 *
 * <p>Failures that never got an answer from the API have status 0 and a code of the SDK's own:
 * {@code connection_failed} ({@link ConnectionException}) and {@code stream_error} ({@link StreamException}); a
 * redirect, which the SDK does not follow, is the status it had with code {@code redirected}.
 */
public sealed class WrennException extends RuntimeException
        permits BadRequestException,
                AuthException,
                NotFoundException,
                ConflictException,
                RateLimitedException,
                ServerTimeoutException,
                ServerException,
                ConnectionException,
                StreamException {
    private final int status;
    private final String code;

    public WrennException(int status, String code, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
    }

    /** The HTTP status of the API's answer; 0 when there was none. */
    public int status() {
        return status;
    }

    /** The API's {@code error.code}, e.g. {@code not_found}, {@code sandbox_not_running}, {@code invalid_request}. */
    public String code() {
        return code;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + ": " + getMessage() + " (" + code + (status > 0 ? ", HTTP " + status : "")
                + ")";
    }
}
