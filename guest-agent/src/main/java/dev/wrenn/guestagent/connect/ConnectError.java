package dev.wrenn.guestagent.connect;

/** A Connect error: one of the protocol's codes and a message for people. */
public final class ConnectError extends RuntimeException {
    private final String code;

    public ConnectError(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static ConnectError invalidArgument(String message) {
        return new ConnectError("invalid_argument", message);
    }

    public static ConnectError notFound(String message) {
        return new ConnectError("not_found", message);
    }

    public static ConnectError internal(String message) {
        return new ConnectError("internal", message);
    }

    public static ConnectError unauthenticated(String message) {
        return new ConnectError("unauthenticated", message);
    }

    /** The HTTP status of a unary error, from the table in the Connect protocol specification. */
    public static int httpStatus(String code) {
        return switch (code) {
            case "canceled" -> 499;
            case "invalid_argument", "failed_precondition", "out_of_range" -> 400;
            case "deadline_exceeded" -> 504;
            case "not_found" -> 404;
            case "already_exists", "aborted" -> 409;
            case "permission_denied" -> 403;
            case "resource_exhausted" -> 429;
            case "unimplemented" -> 501;
            case "unavailable" -> 503;
            case "unauthenticated" -> 401;
            default -> 500;
        };
    }
}
