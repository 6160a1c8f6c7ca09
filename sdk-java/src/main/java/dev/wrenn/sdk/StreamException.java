package dev.wrenn.sdk;

/**
 * A stream (WebSocket, NDJSON) ended with an error that carries no API error code, or ended before its last
 * event: status 0, code {@code stream_error}.
 */
public final class StreamException extends WrennException {
    public static final String CODE = "stream_error";

    public StreamException(String message, Throwable cause) {
        super(0, CODE, message, cause);
    }
}
