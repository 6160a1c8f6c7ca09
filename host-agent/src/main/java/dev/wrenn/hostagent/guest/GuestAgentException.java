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

    public GuestAgentException(int httpStatus, String code, String message) {
        super(code + ": " + message + " (HTTP " + httpStatus + ")");
        this.httpStatus = httpStatus;
        this.code = code;
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
