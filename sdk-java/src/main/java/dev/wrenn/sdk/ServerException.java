package dev.wrenn.sdk;

/**
 * 5xx other than 504: the server or its host failed ({@code internal_error}, {@code host_agent_error}, {@code
 * insufficient_capacity}, {@code template_building}, {@code insufficient_storage}).
 */
public final class ServerException extends WrennException {
    public ServerException(int status, String code, String message, Throwable cause) {
        super(status, code, message, cause);
    }
}
