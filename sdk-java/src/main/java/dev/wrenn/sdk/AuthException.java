package dev.wrenn.sdk;

/**
 * 401 or 403: no or a wrong API key ({@code unauthorized}), or a key not allowed to do this ({@code
 * permission_denied}).
 */
public final class AuthException extends WrennException {
    public AuthException(int status, String code, String message, Throwable cause) {
        super(status, code, message, cause);
    }
}
