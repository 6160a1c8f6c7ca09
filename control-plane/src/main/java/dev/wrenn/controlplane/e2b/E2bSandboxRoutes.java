package dev.wrenn.controlplane.e2b;

import dev.wrenn.controlplane.audit.AuditAction;
import dev.wrenn.controlplane.audit.AuditLog;
import dev.wrenn.controlplane.auth.Authenticator;
import dev.wrenn.controlplane.http.ApiError;
import dev.wrenn.controlplane.http.ApiException;
import dev.wrenn.controlplane.http.JsonBody;
import dev.wrenn.controlplane.sandbox.Lifetimes;
import dev.wrenn.controlplane.sandbox.MetricsQuery;
import dev.wrenn.controlplane.sandbox.OnTimeout;
import dev.wrenn.controlplane.sandbox.SandboxFilter;
import dev.wrenn.controlplane.sandbox.SandboxService;
import dev.wrenn.controlplane.sandbox.SandboxStatus;
import dev.wrenn.controlplane.sandbox.SandboxStore;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Set;

/**
 * E2B's sandbox routes over the same services as {@code /v1}. E2B knows two states: a sandbox
 * that is not running or paused (killed, expired, failed, still being created) is a 404 here,
 * as it is to E2B's own API, though {@code /v1} still shows its row.
 */
final class E2bSandboxRoutes {
    static final String NEXT_TOKEN = "X-Next-Token";

    private final SandboxStore store;
    private final SandboxService sandboxes;
    private final Lifetimes lifetimes;
    private final MetricsQuery metrics;
    private final E2bViews views;
    private final int defaultTimeoutSec;
    private final AuditLog audit;

    E2bSandboxRoutes(
            SandboxStore store,
            SandboxService sandboxes,
            Lifetimes lifetimes,
            MetricsQuery metrics,
            E2bViews views,
            int defaultTimeoutSec,
            AuditLog audit) {
        this.audit = audit;
        this.store = store;
        this.sandboxes = sandboxes;
        this.lifetimes = lifetimes;
        this.metrics = metrics;
        this.views = views;
        this.defaultTimeoutSec = defaultTimeoutSec;
    }

    private static String team(Context ctx) {
        return Authenticator.principal(ctx).teamId();
    }

    /** The team's sandbox as E2B sees it: running or paused, else 404. */
    private SandboxStore.Row visible(Context ctx) {
        String id = ctx.pathParam("sandboxID");
        return store.get(team(ctx), id)
                .filter(r -> r.status() == SandboxStatus.RUNNING || r.status() == SandboxStatus.PAUSED)
                .orElseThrow(() -> ApiException.notFound("sandbox '" + id + "' not found"));
    }

    private SandboxStore.Row reread(Context ctx, String id) {
        return store.get(team(ctx), id).orElseThrow(() -> ApiException.notFound("sandbox '" + id + "' not found"));
    }

    void create(Context ctx) {
        var req = E2bCreate.parse(
                JsonBody.of(ctx).root(), defaultTimeoutSec, sandboxes.limits().maxTimeoutSec());
        var created = sandboxes.create(team(ctx), req);
        audit.record(ctx, AuditAction.SANDBOX_CREATED, created.id(), Map.of("template", req.template(), "api", "e2b"));
        E2bJson.send(ctx, 201, views.sandbox(reread(ctx, created.id())));
    }

    void get(Context ctx) {
        E2bJson.send(ctx, 200, views.detail(visible(ctx)));
    }

    void list(Context ctx) {
        send(ctx, store.page(team(ctx), E2bListQuery.v2(ctx)));
    }

    void listRunning(Context ctx) {
        send(ctx, store.page(team(ctx), E2bListQuery.legacy(ctx)));
    }

    private void send(Context ctx, SandboxFilter.Page page) {
        if (page.next() != null) ctx.header(NEXT_TOKEN, page.next().encode());
        E2bJson.send(ctx, 200, page.rows().stream().map(views::listed).toList());
    }

    void kill(Context ctx) {
        var row = visible(ctx);
        sandboxes.destroy(team(ctx), row.id());
        audit.record(ctx, AuditAction.SANDBOX_DESTROYED, row.id(), Map.of("api", "e2b"));
        ctx.status(204);
    }

    void timeout(Context ctx) {
        var row = visible(ctx);
        var body = JsonBody.of(ctx).root();
        E2bRequests.onlyKnown(body, "", Set.of("timeout"));
        int timeout =
                E2bRequests.integer(body, "timeout").orElseThrow(() -> ApiException.invalid("'timeout' is required"));
        if (timeout < 0) throw ApiException.invalid("'timeout' must be at least 0 seconds");
        if (timeout == 0) {
            lifetimes.endNow(team(ctx), row.id());
        } else {
            lifetimes.setTtl(team(ctx), row.id(), timeout);
        }
        ctx.status(204);
    }

    /** E2B's updateNetwork: the whole egress policy replaced (an omitted list is cleared), live. */
    void network(Context ctx) {
        var row = visible(ctx);
        var body = JsonBody.of(ctx).root();
        if (!body.isObject()) throw ApiException.invalid("the body must be a JSON object");
        E2bRequests.onlyKnown(body, "", Set.of("allowOut", "denyOut", "egressProxy", "rules", "allow_internet_access"));
        E2bRequests.unsupportedUnlessEmpty(body, "rules", "per-domain transform rules are not supported");
        E2bRequests.unsupportedUnlessEmpty(
                body, "egressProxy", "Wrenn sandboxes reach the internet through their host");
        var policy =
                E2bCreate.egress(E2bRequests.bool(body, "allow_internet_access").orElse(true), body);
        sandboxes.updateNetwork(team(ctx), row.id(), policy);
        ctx.status(204);
    }

    void pause(Context ctx) {
        var row = visible(ctx);
        var body = JsonBody.of(ctx).root();
        E2bRequests.onlyKnown(body, "", Set.of("memory"));
        E2bRequests.memoryKept(body, "memory");
        if (row.status() == SandboxStatus.PAUSED) {
            throw new ApiException(ApiError.SANDBOX_NOT_RUNNING, "sandbox '" + row.id() + "' is already paused");
        }
        sandboxes.pause(team(ctx), row.id());
        ctx.status(204);
    }

    void connect(Context ctx) {
        var row = visible(ctx);
        var body = JsonBody.of(ctx).root();
        E2bRequests.onlyKnown(body, "", Set.of("timeout", "memory"));
        E2bRequests.memoryKept(body, "memory");
        var connected = lifetimes.connect(team(ctx), row.id(), E2bRequests.integer(body, "timeout"));
        E2bJson.send(ctx, connected.resumed() ? 201 : 200, views.sandbox(reread(ctx, row.id())));
    }

    /** The older resume: 409 unless paused; {@code autoPause} sets what the time-to-live does from now on. */
    void resume(Context ctx) {
        var row = visible(ctx);
        var body = JsonBody.of(ctx).root();
        E2bRequests.onlyKnown(body, "", Set.of("timeout", "autoPause", "memory"));
        E2bRequests.memoryKept(body, "memory");
        var timeout = E2bRequests.integer(body, "timeout");
        var autoPause = E2bRequests.bool(body, "autoPause");
        if (row.status() != SandboxStatus.PAUSED) {
            throw new ApiException(ApiError.SANDBOX_NOT_PAUSED, "sandbox '" + row.id() + "' is already running");
        }
        autoPause.ifPresent(p -> store.setOnTimeout(row.id(), p ? OnTimeout.PAUSE : OnTimeout.KILL));
        lifetimes.resume(team(ctx), row.id(), timeout);
        E2bJson.send(ctx, 201, views.sandbox(reread(ctx, row.id())));
    }

    void metrics(Context ctx) {
        var row = visible(ctx);
        var samples = metrics.read(team(ctx), row.id(), ctx.queryParam("start"), ctx.queryParam("end"));
        E2bJson.send(ctx, 200, samples.stream().map(E2bViews::metric).toList());
    }
}
