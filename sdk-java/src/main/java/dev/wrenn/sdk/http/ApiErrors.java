package dev.wrenn.sdk.http;

import dev.wrenn.sdk.AuthException;
import dev.wrenn.sdk.BadRequestException;
import dev.wrenn.sdk.ConflictException;
import dev.wrenn.sdk.NotFoundException;
import dev.wrenn.sdk.RateLimitedException;
import dev.wrenn.sdk.ServerException;
import dev.wrenn.sdk.ServerTimeoutException;
import dev.wrenn.sdk.WrennException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The API's error envelope {@code {"error":{"code","message"}}} turned into the exception of its class. The code
 * table is the contract's closed set (api/openapi.yaml, Error.code); it gives a status to a code that arrives
 * without one, as in a WebSocket's close reason or the last line of an NDJSON stream.
 */
public final class ApiErrors {
    private static final Map<String, Integer> STATUS = Map.ofEntries(
            Map.entry("bad_request", 400),
            Map.entry("invalid_request", 400),
            Map.entry("invalid_json", 400),
            Map.entry("invalid_recipe", 400),
            Map.entry("unauthorized", 401),
            Map.entry("permission_denied", 403),
            Map.entry("not_found", 404),
            Map.entry("file_not_found", 404),
            Map.entry("provider_not_found", 404),
            Map.entry("method_not_allowed", 405),
            Map.entry("conflict", 409),
            Map.entry("email_taken", 409),
            Map.entry("name_taken", 409),
            Map.entry("sandbox_not_running", 409),
            Map.entry("sandbox_not_paused", 409),
            Map.entry("template_in_use", 409),
            Map.entry("payload_too_large", 413),
            Map.entry("rate_limited", 429),
            Map.entry("too_many_login_attempts", 429),
            Map.entry("quota_exceeded", 429),
            Map.entry("too_many_streams", 429),
            Map.entry("internal_error", 500),
            Map.entry("host_agent_error", 502),
            Map.entry("no_host_agent", 503),
            Map.entry("insufficient_capacity", 503),
            Map.entry("template_building", 503),
            Map.entry("host_agent_timeout", 504),
            Map.entry("execution_timeout", 504),
            Map.entry("insufficient_storage", 507));

    private ApiErrors() {}

    /** The HTTP status the contract gives {@code code}; 0 for a code it does not know. */
    public static int status(String code) {
        return STATUS.getOrDefault(code, 0);
    }

    /** Whether {@code code} is one of the contract's error codes. */
    public static boolean known(String code) {
        return STATUS.containsKey(code);
    }

    /**
     * The exception for an HTTP answer of {@code status} with {@code body}. A body that is not the envelope (a
     * proxy's page, an empty 502) still gives the status's class, with a generic code and the body as message.
     */
    public static WrennException fromResponse(int status, byte[] body, Duration retryAfter) {
        String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
        String code = null;
        String message = null;
        try {
            JsonNode error = text.isBlank() ? null : Json.tree(text).get("error");
            if (error != null && error.isObject()) {
                code = error.path("code").asString(null);
                message = error.path("message").asString(null);
            }
        } catch (JacksonException notJson) {
            // not the envelope: fall through to the generic code
        }
        if (code == null) code = genericCode(status);
        if (message == null) message = text.isBlank() ? "HTTP " + status : text.strip();
        return of(status, code, message, retryAfter);
    }

    /** The exception for an API error code that came without a status (a socket's close reason, a stream line). */
    public static WrennException fromCode(String code, String message) {
        return of(status(code), code, message, null);
    }

    /** The exception of the class {@code status} belongs to. */
    public static WrennException of(int status, String code, String message, Duration retryAfter) {
        return switch (status) {
            case 400 -> new BadRequestException(status, code, message, null);
            case 401, 403 -> new AuthException(status, code, message, null);
            case 404 -> new NotFoundException(status, code, message, null);
            case 409 -> new ConflictException(status, code, message, null);
            case 429 -> new RateLimitedException(status, code, message, retryAfter, null);
            case 504 -> new ServerTimeoutException(status, code, message, null);
            default ->
                status >= 500
                        ? new ServerException(status, code, message, null)
                        : new WrennException(status, code, message, null);
        };
    }

    /** The code the server itself uses for a status its framework answered without the envelope. */
    static String genericCode(int status) {
        for (var e : STATUS.entrySet()) {
            if (e.getValue() == status && isGeneric(e.getKey())) return e.getKey();
        }
        return status >= 500 ? "internal_error" : "bad_request";
    }

    private static boolean isGeneric(String code) {
        return switch (code) {
            case "bad_request",
                    "unauthorized",
                    "permission_denied",
                    "not_found",
                    "method_not_allowed",
                    "conflict",
                    "payload_too_large",
                    "rate_limited",
                    "internal_error",
                    "host_agent_error",
                    "no_host_agent",
                    "host_agent_timeout",
                    "insufficient_storage" -> true;
            default -> false;
        };
    }

    /** {@code Retry-After} in seconds, as the server sends it; null when absent or not a number. */
    public static Duration retryAfter(String header) {
        if (header == null) return null;
        try {
            return Duration.ofSeconds(Long.parseLong(header.strip()));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
