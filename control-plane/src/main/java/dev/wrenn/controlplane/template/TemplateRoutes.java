package dev.wrenn.controlplane.template;

import dev.wrenn.controlplane.audit.AuditAction;
import dev.wrenn.controlplane.audit.AuditLog;
import dev.wrenn.controlplane.auth.Authenticator;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.http.JsonBody;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Map;

/**
 * {@code /v1/snapshots}: the team's templates (saved sandboxes: type {@code snapshot} in the contract) and
 * the base images everyone shares.
 */
public final class TemplateRoutes {
    private final TemplateService templates;
    private final AuditLog audit;

    public TemplateRoutes(TemplateService templates, AuditLog audit) {
        this.templates = templates;
        this.audit = audit;
    }

    public void register(RoutesConfig routes, Authenticator auth) {
        routes.post("/v1/snapshots", auth.withApiKey(this::create));
        routes.get("/v1/snapshots", auth.withApiKey(this::list));
        routes.delete("/v1/snapshots/{name}", auth.withApiKey(this::delete));
    }

    private static String team(Context ctx) {
        return Authenticator.principal(ctx).teamId();
    }

    private void create(Context ctx) {
        var body = JsonBody.of(ctx);
        String overwrite = ctx.queryParam("overwrite");
        if (overwrite != null && !overwrite.equals("true"))
            throw ApiException.invalid("'overwrite' may only be \"true\"");
        var template = templates.create(
                team(ctx), body.requiredString("sandbox_id"), body.optionalString("name"), overwrite != null);
        audit.record(
                ctx,
                AuditAction.TEMPLATE_CREATED,
                template.name(),
                Map.of("sandbox_id", body.requiredString("sandbox_id")));
        ctx.status(201).json(template);
    }

    private void list(Context ctx) {
        ctx.json(templates.list(team(ctx), ctx.queryParam("type")));
    }

    private void delete(Context ctx) {
        templates.delete(team(ctx), ctx.pathParam("name"));
        audit.record(ctx, AuditAction.TEMPLATE_DELETED, ctx.pathParam("name"), Map.of());
        ctx.status(204);
    }
}
