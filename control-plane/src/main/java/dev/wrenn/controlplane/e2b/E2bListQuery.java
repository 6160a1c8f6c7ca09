package dev.wrenn.controlplane.e2b;

import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.sandbox.Cursor;
import dev.wrenn.controlplane.sandbox.Metadata;
import dev.wrenn.controlplane.sandbox.SandboxFilter;
import dev.wrenn.controlplane.sandbox.SandboxStatus;
import io.javalin.http.Context;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * E2B's list parameters: {@code metadata} (one query-string-encoded value such as
 * {@code user%3Dabc%26app%3Dprod}, whose keys and values are themselves URL-encoded, as the SDK
 * sends them), {@code state} (comma-separated or repeated: running, paused; both by default),
 * {@code template}, {@code order}, {@code startedAfter}, {@code limit} (1 to 100, default 100) and
 * {@code nextToken}. A killed sandbox is in no state E2B knows, so it is never listed.
 */
final class E2bListQuery {
    static final int MAX_LIMIT = 100;

    private E2bListQuery() {}

    static SandboxFilter v2(Context ctx) {
        var states = new ArrayList<SandboxStatus>();
        for (var value : ctx.queryParams("state")) {
            for (var name : value.split(",")) {
                switch (name.strip()) {
                    case "running" -> states.add(SandboxStatus.RUNNING);
                    case "paused" -> states.add(SandboxStatus.PAUSED);
                    default -> throw ApiException.invalid("'state' must be running or paused, got '" + name + "'");
                }
            }
        }
        if (states.isEmpty()) states.addAll(List.of(SandboxStatus.RUNNING, SandboxStatus.PAUSED));
        String order = ctx.queryParam("order");
        if (order != null && !order.equals("asc") && !order.equals("desc")) {
            throw ApiException.invalid("'order' must be asc or desc");
        }
        String token = ctx.queryParam("nextToken");
        return new SandboxFilter(
                states.stream().distinct().toList(),
                Optional.ofNullable(ctx.queryParam("template"))
                        .filter(t -> !t.isEmpty())
                        .map(E2bRequests::template),
                metadata(ctx.queryParam("metadata")),
                startedAfter(ctx.queryParam("startedAfter")),
                "asc".equals(order),
                limit(ctx.queryParam("limit")),
                token == null || token.isEmpty() ? null : Cursor.decode(token, "nextToken"));
    }

    /** The older {@code GET /sandboxes}: running sandboxes only, all at once. */
    static SandboxFilter legacy(Context ctx) {
        return new SandboxFilter(
                List.of(SandboxStatus.RUNNING),
                Optional.empty(),
                metadata(ctx.queryParam("metadata")),
                Optional.empty(),
                false,
                0,
                null);
    }

    static Map<String, String> metadata(String query) {
        if (query == null || query.isEmpty()) return Map.of();
        var pairs = new LinkedHashMap<String, String>();
        for (var pair : query.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            if (eq <= 0)
                throw ApiException.invalid("'metadata' must be key=value pairs joined by &, got '" + pair + "'");
            pairs.put(decode(decode(pair.substring(0, eq))), decode(decode(pair.substring(eq + 1))));
        }
        return Metadata.check(pairs, "metadata");
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("'metadata' is not URL-encoded: " + e.getMessage());
        }
    }

    private static Optional<Instant> startedAfter(String value) {
        if (value == null || value.isEmpty()) return Optional.empty();
        try {
            return Optional.of(java.time.OffsetDateTime.parse(value).toInstant());
        } catch (DateTimeParseException e) {
            throw ApiException.invalid("'startedAfter' must be an RFC 3339 date-time, got '" + value + "'");
        }
    }

    private static int limit(String value) {
        if (value == null || value.isEmpty()) return MAX_LIMIT;
        try {
            int n = Integer.parseInt(value);
            if (n < 1 || n > MAX_LIMIT) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.invalid("'limit' must be an integer from 1 to " + MAX_LIMIT);
        }
    }
}
