package dev.wrenn.controlplane.sandbox;

import dev.wrenn.controlplane.audit.AuditAction;
import dev.wrenn.controlplane.audit.AuditLog;
import dev.wrenn.controlplane.auth.Authenticator;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.http.JsonBody;
import dev.wrenn.controlplane.network.EgressPolicy;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Map;
import java.util.OptionalInt;

/** {@code /v1/sandboxes}: every route acts within the team of the calling API key. */
public final class SandboxRoutes {
    /** The response header carrying the next page's cursor of {@code GET /v1/sandboxes}. */
    public static final String NEXT_CURSOR = "X-Next-Cursor";

    private final SandboxStore store;
    private final SandboxService sandboxes;
    private final Lifetimes lifetimes;
    private final MetricsQuery metrics;
    private final FileTransfer files;
    private final ExecStreamSocket execStream;
    private final AuditLog audit;

    public SandboxRoutes(
            SandboxStore store,
            SandboxService sandboxes,
            Lifetimes lifetimes,
            MetricsQuery metrics,
            FileTransfer files,
            ExecStreamSocket execStream,
            AuditLog audit) {
        this.audit = audit;
        this.store = store;
        this.sandboxes = sandboxes;
        this.lifetimes = lifetimes;
        this.metrics = metrics;
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
        routes.post("/v1/sandboxes/{id}/timeout", auth.withApiKey(this::timeout));
        routes.get(
                "/v1/sandboxes/{id}/network",
                auth.withApiKey(ctx ->
                        ctx.json(sandboxes.get(team(ctx), ctx.pathParam("id")).network())));
        routes.put("/v1/sandboxes/{id}/network", auth.withApiKey(this::network));
        routes.post("/v1/sandboxes/{id}/connect", auth.withApiKey(this::connect));
        routes.get(
                "/v1/sandboxes/{id}/metrics",
                auth.withApiKey(ctx -> ctx.json(
                        metrics.read(team(ctx), ctx.pathParam("id"), ctx.queryParam("start"), ctx.queryParam("end")))));
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
        var root = body.root();
        var req = new CreateRequest(
                body.optionalString("template").orElse(SandboxService.DEFAULT_TEMPLATE),
                body.optionalInt("vcpus").orElse(1),
                body.optionalInt("memory_mb").orElse(512),
                body.optionalInt("timeout_sec").orElse(0),
                Metadata.fromJson(root.get("metadata"), "metadata"),
                EnvVars.fromJson(root.get("env_vars"), "env_vars"),
                body.optionalInt("ttl_sec").orElse(0),
                body.optionalString("on_timeout")
                        .map(v -> OnTimeout.parse(v, "on_timeout"))
                        .orElse(OnTimeout.KILL),
                bool(body, "auto_resume"),
                true,
                true,
                GuestUser.ROOT,
                diskMb(body),
                EgressPolicy.fromJson(root.get("network"), "network"));
        var created = sandboxes.create(team(ctx), req);
        audit.record(ctx, AuditAction.SANDBOX_CREATED, created.id(), Map.of("template", req.template()));
        ctx.status(201).json(created);
    }

    private void list(Context ctx) {
        var page = store.page(team(ctx), ListQuery.parse(ctx));
        if (page.next() != null) ctx.header(NEXT_CURSOR, page.next().encode());
        ctx.json(page.rows().stream().map(SandboxStore.Row::view).toList());
    }

    private void get(Context ctx) {
        ctx.json(sandboxes.get(team(ctx), ctx.pathParam("id")));
    }

    private void destroy(Context ctx) {
        sandboxes.destroy(team(ctx), ctx.pathParam("id"));
        audit.record(ctx, AuditAction.SANDBOX_DESTROYED, ctx.pathParam("id"), Map.of());
        ctx.status(204);
    }

    private void network(Context ctx) {
        var policy = EgressPolicy.fromJson(JsonBody.of(ctx).root(), "network");
        var updated = sandboxes.updateNetwork(team(ctx), ctx.pathParam("id"), policy);
        audit.record(
                ctx,
                AuditAction.SANDBOX_NETWORK_UPDATED,
                updated.id(),
                Map.of(
                        "allow_internet_access", policy.allowInternetAccess(),
                        "allow_out", policy.allowOut().size(),
                        "deny_out", policy.denyOut().size()));
        ctx.json(updated.network());
    }

    private void timeout(Context ctx) {
        var body = JsonBody.of(ctx);
        int ttl = body.optionalInt("ttl_sec").orElseThrow(() -> ApiException.invalid("'ttl_sec' is required"));
        ctx.json(lifetimes.setTtl(team(ctx), ctx.pathParam("id"), ttl));
    }

    private void connect(Context ctx) {
        OptionalInt ttl = JsonBody.of(ctx).optionalInt("ttl_sec");
        var connected = lifetimes.connect(team(ctx), ctx.pathParam("id"), ttl);
        ctx.status(connected.resumed() ? 201 : 200).json(connected.sandbox());
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

    /** The asked disk size, 0 (the host's default) when absent; given, it must be at least 1 MiB. */
    private static int diskMb(JsonBody body) {
        var mb = body.optionalInt("disk_mb");
        if (mb.isPresent() && mb.getAsInt() < 1) throw ApiException.invalid("'disk_mb' must be at least 1 (MiB)");
        return mb.orElse(0);
    }

    private static boolean bool(JsonBody body, String field) {
        var node = body.root().get(field);
        if (node == null || node.isNull()) return false;
        if (!node.isBoolean()) throw ApiException.invalid("'" + field + "' must be a boolean");
        return node.asBoolean();
    }
}
