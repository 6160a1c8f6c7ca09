package dev.wrenn.controlplane.apikey;

import dev.wrenn.controlplane.audit.AuditAction;
import dev.wrenn.controlplane.audit.AuditLog;
import dev.wrenn.controlplane.auth.Authenticator;
import dev.wrenn.controlplane.http.JsonBody;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Map;

/** {@code /v1/api-keys}: a signed-in user manages their team's keys. */
public final class ApiKeyRoutes {
    private final ApiKeyService keys;
    private final AuditLog audit;

    public ApiKeyRoutes(ApiKeyService keys, AuditLog audit) {
        this.keys = keys;
        this.audit = audit;
    }

    public void register(RoutesConfig routes, Authenticator auth) {
        routes.post("/v1/api-keys", auth.withUser(this::create));
        routes.get("/v1/api-keys", auth.withUser(this::list));
        routes.delete("/v1/api-keys/{id}", auth.withUser(this::delete));
    }

    private void create(Context ctx) {
        var user = Authenticator.user(ctx);
        var body = JsonBody.of(ctx);
        var format = ApiKeyService.Format.parse(body.optionalString("format"));
        var created = keys.create(user, body.optionalString("name"), format);
        audit.record(ctx, AuditAction.API_KEY_CREATED, created.id(), Map.of("name", created.name()));
        ctx.status(201).json(created);
    }

    private void list(Context ctx) {
        ctx.json(keys.list(Authenticator.user(ctx).teamId()));
    }

    private void delete(Context ctx) {
        keys.delete(Authenticator.user(ctx).teamId(), ctx.pathParam("id"));
        audit.record(ctx, AuditAction.API_KEY_DELETED, ctx.pathParam("id"), Map.of());
        ctx.status(204);
    }
}
