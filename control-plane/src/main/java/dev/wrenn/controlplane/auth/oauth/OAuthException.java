package dev.wrenn.controlplane.auth.oauth;

/** A failed OAuth step; {@code code} is one of the contract's callback error codes. */
public final class OAuthException extends Exception {
    private final String code;

    public OAuthException(String code, String message) {
        super(message);
        this.code = code;
    }

    public OAuthException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
