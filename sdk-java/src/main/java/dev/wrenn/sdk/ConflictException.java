package dev.wrenn.sdk;

/**
 * 409: the thing is in the wrong state for the call ({@code sandbox_not_running}, {@code sandbox_not_paused},
 * {@code template_in_use}, {@code name_taken}, {@code conflict}).
 */
public final class ConflictException extends WrennException {
    public ConflictException(int status, String code, String message, Throwable cause) {
        super(status, code, message, cause);
    }
}
