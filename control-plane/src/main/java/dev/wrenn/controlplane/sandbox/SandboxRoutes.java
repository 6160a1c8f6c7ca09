package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.auth.Authenticator;
import dev.wrenn.controlplane.http.ApiException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/** {@code /v1/sandboxes}: every route acts within the team of the calling API key. */
public final class SandboxRoutes {
    private final SandboxStore store;

    public SandboxRoutes(SandboxStore store) {
        this.store = store;
    }

    public void register(RoutesConfig routes, Authenticator auth) {
        routes.get("/v1/sandboxes", auth.withApiKey(this::list));
        routes.get("/v1/sandboxes/{id}", auth.withApiKey(this::get));
    }

    private void list(Context ctx) {
        ctx.json(store.list(Authenticator.principal(ctx).teamId()));
    }

    private void get(Context ctx) {
        String id = ctx.pathParam("id");
        ctx.json(store.get(Authenticator.principal(ctx).teamId(), id)
                .orElseThrow(() -> ApiException.notFound("sandbox '" + id + "' not found")));
    }
}
