package dev.wrenn.hostagent.guest.connect;

/** The Connect protocol's error codes and the HTTP status each maps to (connectrpc.com/docs/protocol). */
final class ConnectCodes {
    private ConnectCodes() {}

    static int httpStatus(String code) {
        return switch (code) {
            case "canceled" -> 499;
            case "invalid_argument", "failed_precondition", "out_of_range" -> 400;
            case "unauthenticated" -> 401;
            case "permission_denied" -> 403;
            case "not_found" -> 404;
            case "already_exists", "aborted" -> 409;
            case "resource_exhausted" -> 429;
            case "unimplemented" -> 501;
            case "unavailable" -> 503;
            case "deadline_exceeded" -> 504;
            default -> 500;
        };
    }

    /**
     * For an error answer whose body is not Connect's JSON (a proxy's page, say): the code the protocol
     * derives from the HTTP status.
     */
    static String fromHttpStatus(int status) {
        return switch (status) {
            case 400 -> "internal";
            case 401 -> "unauthenticated";
            case 403 -> "permission_denied";
            case 404 -> "unimplemented";
            case 429, 502, 503, 504 -> "unavailable";
            default -> "unknown";
        };
    }
}
