package dev.wrenn.sdk;

/**
 * 504: the server gave up waiting ({@code host_agent_timeout}, or {@code execution_timeout} for a code cell that
 * ran past its time).
 */
public final class ServerTimeoutException extends WrennException {
    public ServerTimeoutException(int status, String code, String message, Throwable cause) {
        super(status, code, message, cause);
    }
}
