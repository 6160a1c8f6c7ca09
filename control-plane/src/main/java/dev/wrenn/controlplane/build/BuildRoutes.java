package dev.wrenn.controlplane.build;

import dev.wrenn.controlplane.audit.AuditAction;
import dev.wrenn.controlplane.audit.AuditLog;
import dev.wrenn.controlplane.auth.Authenticator;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.http.JsonBody;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code /v1/templates/builds}: templates built from recipes (docs/templates.md). A build is submitted
 * as multipart (the recipe, optionally a tar or tar.gz context) or JSON (a recipe that copies nothing),
 * answered 202 while it queues; its log streams as NDJSON.
 */
public final class BuildRoutes {
    /** The longest a follower waits before it looks at the build again (appends wake it at once). */
    private static final java.time.Duration FOLLOW_WAIT = java.time.Duration.ofSeconds(2);

    private final BuildService builds;
    private final AuditLog audit;

    public BuildRoutes(BuildService builds, AuditLog audit) {
        this.builds = builds;
        this.audit = audit;
    }

    public void register(RoutesConfig routes, Authenticator auth) {
        routes.post("/v1/templates/builds", auth.withApiKey(this::submit));
        routes.get("/v1/templates/builds", auth.withApiKey(this::list));
        routes.get("/v1/templates/builds/{id}", auth.withApiKey(this::get));
        routes.get("/v1/templates/builds/{id}/logs", auth.withApiKey(this::logs));
        routes.post("/v1/templates/builds/{id}/cancel", auth.withApiKey(this::cancel));
        routes.get("/v1/templates/{name}/builds", auth.withApiKey(this::listOfName));
        routes.post("/v1/templates/{name}/builds", auth.withApiKey(this::rebuild));
    }

    private static String team(Context ctx) {
        return Authenticator.principal(ctx).teamId();
    }

    private void submit(Context ctx) throws IOException {
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(java.util.Locale.ROOT);
        BuildService.Request req;
        if (type.startsWith("multipart/form-data")) {
            req = BuildForm.read(ctx, builds.contextMax());
        } else if (type.startsWith("application/json")) {
            var body = JsonBody.of(ctx);
            req = new BuildService.Request(
                    body.requiredString("name"),
                    body.requiredString("recipe"),
                    null,
                    optional(body, "vcpus"),
                    optional(body, "memory_mb"),
                    optional(body, "disk_mb"),
                    body.root().path("no_cache").asBoolean(false));
        } else {
            throw ApiException.invalid("expected multipart/form-data (fields name, recipe, context) or JSON");
        }
        var b = builds.submit(team(ctx), req);
        audit.record(ctx, AuditAction.TEMPLATE_BUILD_STARTED, b.name(), Map.of("build_id", b.id()));
        ctx.status(202).json(BuildView.of(b));
    }

    private static Integer optional(JsonBody body, String field) {
        var v = body.optionalInt(field);
        return v.isPresent() ? v.getAsInt() : null;
    }

    private void list(Context ctx) {
        ctx.json(builds.list(team(ctx), ctx.queryParam("name")).stream()
                .map(BuildView::of)
                .toList());
    }

    private void listOfName(Context ctx) {
        ctx.json(builds.list(team(ctx), ctx.pathParam("name")).stream()
                .map(BuildView::of)
                .toList());
    }

    private void get(Context ctx) {
        ctx.json(BuildView.of(builds.get(team(ctx), ctx.pathParam("id"))));
    }

    private void rebuild(Context ctx) {
        boolean noCache = "true".equals(ctx.queryParam("no_cache"));
        var b = builds.rebuild(team(ctx), ctx.pathParam("name"), noCache);
        audit.record(ctx, AuditAction.TEMPLATE_BUILD_STARTED, b.name(), Map.of("build_id", b.id(), "rebuild", true));
        ctx.status(202).json(BuildView.of(b));
    }

    private void cancel(Context ctx) {
        var b = builds.cancel(team(ctx), ctx.pathParam("id"));
        audit.record(ctx, AuditAction.TEMPLATE_BUILD_CANCELLED, b.name(), Map.of("build_id", b.id()));
        ctx.json(BuildView.of(b));
    }

    /**
     * The build's log after {@code after} (a line's {@code seq}); with {@code follow=true} it stays open
     * until the build's {@code end} line, so a reconnecting client passes the last seq it saw.
     */
    private void logs(Context ctx) throws IOException, InterruptedException {
        String team = team(ctx);
        String id = ctx.pathParam("id");
        builds.get(team, id);
        boolean follow = "true".equals(ctx.queryParam("follow"));
        int after;
        try {
            after = ctx.queryParam("after") == null ? 0 : Integer.parseInt(ctx.queryParam("after"));
        } catch (NumberFormatException e) {
            throw ApiException.invalid("'after' must be a line's seq (an integer)");
        }
        ctx.status(200).contentType("application/x-ndjson");
        OutputStream out = ctx.res().getOutputStream();
        while (true) {
            var lines = builds.log().read(id, after, 500);
            boolean ended = false;
            for (var l : lines) {
                var node = JsonBody.MAPPER.createObjectNode();
                node.put("seq", l.seq());
                node.put("at", l.at().toString());
                node.put("kind", l.kind());
                if (l.step() != null) node.put("line", l.step());
                node.put("text", l.text());
                out.write((JsonBody.MAPPER.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8));
                after = l.seq();
                ended |= l.kind().equals("end");
            }
            out.flush();
            if (ended || !follow) return;
            if (lines.isEmpty()) {
                // A build that ended without an end line (a server stopped under it) must not hold the stream.
                if (builds.get(team, id).finished()
                        && builds.log().read(id, after, 1).isEmpty()) return;
                builds.log().awaitAfter(id, after, FOLLOW_WAIT);
            }
        }
    }
}
