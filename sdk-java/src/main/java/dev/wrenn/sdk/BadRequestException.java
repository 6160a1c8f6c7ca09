package dev.wrenn.sdk;

/**
 * 400: the request was malformed or out of bounds ({@code invalid_request}, {@code invalid_json}, {@code
 * invalid_recipe}, {@code bad_request}); the message names the field.
 */
public final class BadRequestException extends WrennException {
    public BadRequestException(int status, String code, String message, Throwable cause) {
        super(status, code, message, cause);
    }
}
