package dev.wrenn.guestagent.http;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** An error answered as {@code {"error":{"code":..,"message":..}}}; the code fixes the status. */
public final class ApiError extends RuntimeException {
    private final String code;
    private final int status;

    public ApiError(String code, String message) {
        super(message);
        this.code = code;
        this.status = statusOf(code);
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    public static ApiError badRequest(String message) {
        return new ApiError("bad_request", message);
    }

    public static ApiError notFound(String message) {
        return new ApiError("not_found", message);
    }

    static int statusOf(String code) {
        return switch (code) {
            case "bad_request", "spawn_failed", "not_a_directory", "is_a_directory" -> 400;
            case "unauthorized" -> 401;
            case "permission_denied" -> 403;
            case "not_found" -> 404;
            case "method_not_allowed" -> 405;
            case "timed_out" -> 408;
            case "killed" -> 409;
            default -> 500;
        };
    }

    /** Maps a file-system failure onto the protocol's closed set of error codes. */
    public static ApiError fromIo(String path, IOException e) {
        String reason = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : "";
        return switch (e) {
            case NoSuchFileException x -> new ApiError("not_found", "no such file or directory: " + path);
            case NotDirectoryException x -> new ApiError("not_a_directory", "not a directory: " + path);
            case AccessDeniedException x -> new ApiError("permission_denied", "permission denied: " + path);
            case FileAlreadyExistsException x ->
                // createDirectories reports a regular file in the way as "already exists".
                new ApiError("not_a_directory", "a path component is not a directory: " + path);
            default -> {
                if (reason.contains("Not a directory")) {
                    yield new ApiError("not_a_directory", "a path component is not a directory: " + path);
                }
                if (reason.contains("Is a directory")) {
                    yield new ApiError("is_a_directory", "is a directory: " + path);
                }
                if (reason.contains("Permission denied") || reason.contains("Operation not permitted")) {
                    yield new ApiError("permission_denied", "permission denied: " + path);
                }
                if (reason.contains("No such file")) {
                    yield new ApiError("not_found", "no such file or directory: " + path);
                }
                yield new ApiError("internal", path + ": " + e);
            }
        };
    }
}
