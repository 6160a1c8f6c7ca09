package dev.wrenn.controlplane.audit;

import dev.wrenn.controlplane.auth.Authenticator;
import dev.wrenn.controlplane.http.ApiException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * {@code GET /v1/audit}: the caller's team's audit log, newest first, with an API key or a session
 * token. A team sees only its own events; the next page's cursor is in {@code X-Next-Cursor}.
 */
public final class AuditRoutes {
    public static final String NEXT_CURSOR = "X-Next-Cursor";
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final AuditLog audit;

    public AuditRoutes(AuditLog audit) {
        this.audit = audit;
    }

    public void register(RoutesConfig routes, Authenticator auth) {
        routes.get("/v1/audit", ctx -> {
            auth.requireAny(ctx);
            list(ctx);
        });
    }

    private void list(Context ctx) {
        var q = query(ctx);
        var events = audit.page(Authenticator.principal(ctx).teamId(), q);
        if (events.size() == q.limit()) ctx.header(NEXT_CURSOR, events.getLast().id());
        ctx.json(events);
    }

    static AuditLog.AuditQuery query(Context ctx) {
        String a = ctx.queryParam("action");
        AuditAction action = a == null
                ? null
                : AuditAction.parse(a).orElseThrow(() -> ApiException.invalid("'action' '" + a + "' is not known"));
        String s = ctx.queryParam("since");
        Instant since = null;
        if (s != null) {
            try {
                since = Instant.parse(s);
            } catch (DateTimeParseException e) {
                throw ApiException.invalid("'since' must be an RFC 3339 time such as 2026-01-31T12:00:00Z");
            }
        }
        String c = ctx.queryParam("cursor");
        Long before = null;
        if (c != null) {
            try {
                before = Long.parseLong(c);
                if (before <= 0) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                throw ApiException.invalid("'cursor' is not a cursor this server gave out");
            }
        }
        String l = ctx.queryParam("limit");
        int limit = DEFAULT_LIMIT;
        if (l != null) {
            try {
                limit = Integer.parseInt(l);
                if (limit < 1 || limit > MAX_LIMIT) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                throw ApiException.invalid("'limit' must be a whole number from 1 to " + MAX_LIMIT);
            }
        }
        return new AuditLog.AuditQuery(action, since, before, limit);
    }
}
