package dev.wrenn.hostagent.guest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** An error answer of the guest agent, with its Connect error code (see docs/guest-agent-protocol.md). */
public final class GuestAgentException extends IOException {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final int httpStatus;
    private final String code;

    /**
     * What guest images up to 0.1 report as an internal error although the caller's path caused it: strerror of
     * ELOOP (a link loop), ENOTDIR, EISDIR, EXDEV (a move across file systems), ENAMETOOLONG, ENOTEMPTY, and the
     * guest's own "path is a file" (a directory made or moved under a file).
     */
    static final java.util.List<String> CALLERS_PATH = java.util.List.of(
            "Too many levels of symbolic links",
            "Not a directory",
            "Is a directory",
            "Invalid cross-device link",
            "File name too long",
            "Directory not empty",
            "path is a file");

    public GuestAgentException(int httpStatus, String code, String message) {
        this(isCallersPath(code, message), httpStatus, code, message);
    }

    private GuestAgentException(boolean loop, int httpStatus, String code, String message) {
        super((loop ? "invalid_argument" : code) + ": " + message + " (HTTP " + (loop ? 400 : httpStatus) + ")");
        this.httpStatus = loop ? 400 : httpStatus;
        this.code = loop ? "invalid_argument" : code;
    }

    /** Such a path is the caller's error (400), not the guest agent's (found by HostileFilesIT). */
    private static boolean isCallersPath(String code, String message) {
        return "internal".equals(code)
                && message != null
                && CALLERS_PATH.stream().anyMatch(message::contains);
    }

    /** envd's HTTP endpoints answer {@code {"code": <status>, "message": ...}}; the code word is the status's. */
    public static GuestAgentException fromEnvdHttp(int status, byte[] body) {
        String message;
        try {
            JsonNode e = JSON.readTree(body);
            message = e.path("message").asString(new String(body, StandardCharsets.UTF_8));
        } catch (RuntimeException notJson) {
            message = new String(body, StandardCharsets.UTF_8);
        }
        String code = switch (status) {
            case 400 -> "invalid_argument";
            case 401 -> "unauthenticated";
            case 403 -> "permission_denied";
            case 404 -> "not_found";
            case 507 -> "resource_exhausted";
            default -> "internal";
        };
        return new GuestAgentException(status, code, message.strip());
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String code() {
        return code;
    }
}
