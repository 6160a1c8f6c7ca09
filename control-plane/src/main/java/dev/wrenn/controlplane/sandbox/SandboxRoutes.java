package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.auth.Authenticator;
import dev.wrenn.controlplane.http.JsonBody;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/** {@code /v1/sandboxes}: every route acts within the team of the calling API key. */
public final class SandboxRoutes {
    private final SandboxStore store;
    private final SandboxService sandboxes;
    private final FileTransfer files;
    private final ExecStreamSocket execStream;

    public SandboxRoutes(
            SandboxStore store, SandboxService sandboxes, FileTransfer files, ExecStreamSocket execStream) {
        this.store = store;
        this.sandboxes = sandboxes;
        this.files = files;
        this.execStream = execStream;
    }

    public void register(RoutesConfig routes, Authenticator auth) {
        routes.post("/v1/sandboxes", auth.withApiKey(this::create));
        routes.get("/v1/sandboxes", auth.withApiKey(this::list));
        routes.get("/v1/sandboxes/{id}", auth.withApiKey(this::get));
        routes.delete("/v1/sandboxes/{id}", auth.withApiKey(this::destroy));
        routes.post("/v1/sandboxes/{id}/exec", auth.withApiKey(this::exec));
        routes.post("/v1/sandboxes/{id}/ping", auth.withApiKey(this::ping));
        routes.post(
                "/v1/sandboxes/{id}/pause",
                auth.withApiKey(ctx -> ctx.json(sandboxes.pause(team(ctx), ctx.pathParam("id")))));
        routes.post(
                "/v1/sandboxes/{id}/resume",
                auth.withApiKey(ctx -> ctx.json(sandboxes.resume(team(ctx), ctx.pathParam("id")))));
        routes.post("/v1/sandboxes/{id}/files/write", auth.withApiKey(ctx -> files.write(ctx, false)));
        routes.post("/v1/sandboxes/{id}/files/stream/write", auth.withApiKey(ctx -> files.write(ctx, true)));
        routes.post("/v1/sandboxes/{id}/files/read", auth.withApiKey(ctx -> files.read(ctx, false)));
        routes.post("/v1/sandboxes/{id}/files/stream/read", auth.withApiKey(ctx -> files.read(ctx, true)));
        execStream.register(routes);
    }

    private static String team(Context ctx) {
        return Authenticator.principal(ctx).teamId();
    }

    private void create(Context ctx) {
        var body = JsonBody.of(ctx);
        var req = new SandboxService.CreateRequest(
                body.optionalString("template").orElse(SandboxService.DEFAULT_TEMPLATE),
                body.optionalInt("vcpus").orElse(1),
                body.optionalInt("memory_mb").orElse(512),
                body.optionalInt("timeout_sec").orElse(0));
        ctx.status(201).json(sandboxes.create(team(ctx), req));
    }

    private void list(Context ctx) {
        ctx.json(store.list(team(ctx)));
    }

    private void get(Context ctx) {
        ctx.json(sandboxes.get(team(ctx), ctx.pathParam("id")));
    }

    private void destroy(Context ctx) {
        sandboxes.destroy(team(ctx), ctx.pathParam("id"));
        ctx.status(204);
    }

    private void exec(Context ctx) {
        var body = JsonBody.of(ctx);
        var command = Command.parse(body.root());
        int timeout = body.optionalInt("timeout_sec").orElse(30);
        ctx.json(sandboxes.exec(team(ctx), ctx.pathParam("id"), command, timeout));
    }

    private void ping(Context ctx) {
        sandboxes.ping(team(ctx), ctx.pathParam("id"));
        ctx.status(204);
    }
}
