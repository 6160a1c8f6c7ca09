package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.http.ApiException;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /v1/sandboxes}'s query: {@code status} (repeated or comma-separated), {@code template},
 * {@code metadata=key=value} (repeated; all must match; split at the first {@code =}),
 * {@code limit} and {@code cursor}. Without {@code limit} and {@code cursor} the whole list comes
 * back, as the seed's route answered.
 */
final class ListQuery {
    static final int DEFAULT_PAGE = 100;

    private ListQuery() {}

    static SandboxFilter parse(Context ctx) {
        var statuses = new ArrayList<SandboxStatus>();
        for (var value : ctx.queryParams("status")) {
            for (var name : value.split(",")) statuses.add(status(name.strip()));
        }
        var metadata = new LinkedHashMap<String, String>();
        for (var pair : ctx.queryParams("metadata")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) throw ApiException.invalid("'metadata' filters are key=value, got '" + pair + "'");
            metadata.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        String cursor = ctx.queryParam("cursor");
        String limit = ctx.queryParam("limit");
        int size = limit != null ? limit(limit) : cursor != null ? DEFAULT_PAGE : 0;
        return new SandboxFilter(
                List.copyOf(statuses),
                Optional.ofNullable(ctx.queryParam("template")).filter(t -> !t.isEmpty()),
                Metadata.check(metadata, "metadata"),
                Optional.empty(),
                false,
                size,
                cursor == null || cursor.isEmpty() ? null : Cursor.decode(cursor, "cursor"));
    }

    private static SandboxStatus status(String name) {
        for (var s : SandboxStatus.values()) {
            if (s.wire().equals(name)) return s;
        }
        throw ApiException.invalid("'status' must be pending, running, paused, stopped or error, got '" + name + "'");
    }

    private static int limit(String value) {
        try {
            int n = Integer.parseInt(value);
            if (n < 1 || n > SandboxFilter.MAX_LIMIT) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.invalid("'limit' must be an integer from 1 to " + SandboxFilter.MAX_LIMIT);
        }
    }
}
