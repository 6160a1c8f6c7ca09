package dev.wrenn.controlplane.apikey;

import dev.wrenn.controlplane.auth.Authenticator;
import dev.wrenn.controlplane.http.JsonBody;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/** {@code /v1/api-keys}: a signed-in user manages their team's keys. */
public final class ApiKeyRoutes {
    private final ApiKeyService keys;

    public ApiKeyRoutes(ApiKeyService keys) {
        this.keys = keys;
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
        ctx.status(201).json(keys.create(user, body.optionalString("name"), format));
    }

    private void list(Context ctx) {
        ctx.json(keys.list(Authenticator.user(ctx).teamId()));
    }

    private void delete(Context ctx) {
        keys.delete(Authenticator.user(ctx).teamId(), ctx.pathParam("id"));
        ctx.status(204);
    }
}
