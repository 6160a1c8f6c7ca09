package dev.wrenn.controlplane.hostile;

import java.util.Locale;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every answer to hostile input must be: on time, never a 5xx, and when it is an error, the surface's own JSON
 * envelope with nothing of the server's insides in it (no stack frame, no exception class, no HTML page).
 */
final class Oracle {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final java.util.List<String> LEAKS = java.util.List.of(
            "exception",
            "\tat ",
            "at dev.wrenn",
            "at org.eclipse",
            "at io.javalin",
            "<html",
            "<!doctype",
            "jetty",
            "caused by",
            "org.postgresql",
            "sqlstate");

    private Oracle() {}

    /** A problem with this answer, or empty; {@code mustFail} also refuses a 2xx (the input was invalid by design). */
    static Optional<String> judge(RouteCatalog.Surface surface, RawHttp.Answer answer, boolean mustFail) {
        if (answer.timedOut()) return Optional.of("no complete answer within " + RawHttp.DEADLINE);
        if (answer.status() < 0) return Optional.of("connection closed without an HTTP answer");
        int status = answer.status();
        if (status >= 500) return Optional.of("server error " + status);
        String lower = answer.text().toLowerCase(Locale.ROOT);
        for (String leak : LEAKS) if (lower.contains(leak)) return Optional.of("answer leaks '" + leak.trim() + "'");
        if (status < 400) {
            if (mustFail && status >= 200 && status < 300) return Optional.of("accepted input that is invalid");
            return Optional.empty();
        }
        String type = Optional.ofNullable(answer.header("content-type")).orElse("");
        if (!type.startsWith("application/json")) return Optional.of("error without a JSON body (" + type + ")");
        JsonNode body;
        try {
            body = JSON.readTree(answer.body());
        } catch (RuntimeException e) {
            return Optional.of("error body is not JSON");
        }
        // A request the HTTP parser refused before reading its path reached no route of either surface: it gets
        // Wrenn's envelope, marked as such (JsonErrorHandler); every other E2B answer must be E2B's shape.
        boolean unread = "http-parser".equals(answer.header("wrenn-refused-by"));
        return surface == RouteCatalog.Surface.E2B && !unread ? e2bShape(body, status) : wrennShape(body);
    }

    private static Optional<String> wrennShape(JsonNode body) {
        JsonNode error = body.path("error");
        if (!error.isObject()
                || !error.path("code").isString()
                || !error.path("message").isString()) {
            return Optional.of("error is not the envelope {\"error\":{\"code\",\"message\"}}");
        }
        if (body.size() != 1) return Optional.of("envelope has extra fields");
        return Optional.empty();
    }

    private static Optional<String> e2bShape(JsonNode body, int status) {
        if (!body.path("code").isIntegralNumber() || !body.path("message").isString()) {
            return Optional.of("error is not E2B's {\"code\":N,\"message\"}");
        }
        if (body.get("code").asInt() != status) return Optional.of("E2B code differs from the status");
        return Optional.empty();
    }
}
