package dev.wrenn.sdk;

/**
 * 404: no such sandbox, process, file, template or build in the key's team ({@code not_found}, {@code
 * file_not_found}).
 */
public final class NotFoundException extends WrennException {
    public NotFoundException(int status, String code, String message, Throwable cause) {
        super(status, code, message, cause);
    }
}
