package dev.wrenn.sdk;

/** The API could not be reached, or the exchange broke off (I/O error, timeout, interruption): status 0. */
public final class ConnectionException extends WrennException {
    public static final String CODE = "connection_failed";

    public ConnectionException(String message, Throwable cause) {
        super(0, CODE, message, cause);
    }
}
