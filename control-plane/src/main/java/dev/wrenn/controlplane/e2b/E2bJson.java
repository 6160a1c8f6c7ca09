package dev.wrenn.controlplane.e2b;

import io.javalin.http.Context;
import tools.jackson.databind.json.JsonMapper;

/**
 * E2B's JSON: camelCase as its spec spells it ({@code sandboxID}, {@code memoryMB}), which is the
 * record components' own names, unlike {@code /v1}'s snake_case.
 */
final class E2bJson {
    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private E2bJson() {}

    static void send(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(MAPPER.writeValueAsBytes(body));
    }
}
