package dev.wrenn.controlplane.e2b;

import dev.wrenn.controlplane.audit.AuditLog;
import dev.wrenn.controlplane.auth.Authenticator;
import dev.wrenn.controlplane.sandbox.AccessTokens;
import dev.wrenn.controlplane.sandbox.Lifetimes;
import dev.wrenn.controlplane.sandbox.MetricsQuery;
import dev.wrenn.controlplane.sandbox.SandboxService;
import dev.wrenn.controlplane.sandbox.SandboxStore;
import dev.wrenn.controlplane.template.TemplateService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * E2B's REST API at the root of the same port as {@code /v1} (E2B's paths never start with
 * {@code /v1}): the subset its SDKs use for sandboxes, with E2B's JSON and errors, authenticated by
 * the same team API keys in {@code X-API-KEY}. Its own OpenAPI document is served at
 * {@link #OPENAPI_PATH}. Unknown routes under E2B's top-level paths answer E2B's 404.
 */
public final class E2bRoutes {
    public static final String OPENAPI_PATH = "/e2b/openapi.yaml";
    public static final String OPENAPI_RESOURCE = "/dev/wrenn/controlplane/api/e2b-openapi.yaml";
    /** E2B's top-level paths; whatever Wrenn does not serve under them gets E2B's 404, not the /v1 envelope. */
    static final List<String> PREFIXES = List.of(
            "/sandboxes",
            "/v2",
            "/v3",
            "/templates",
            "/snapshots",
            "/volumes",
            "/volumecontent",
            "/secrets",
            "/teams",
            "/access-tokens",
            "/api-keys",
            "/nodes",
            "/admin");

    private static final List<HandlerType> METHODS =
            List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE);

    private final E2bSandboxRoutes sandboxes;
    private final TemplateService templates;
    private final byte[] openapi;

    public E2bRoutes(
            SandboxStore store,
            SandboxService sandboxes,
            Lifetimes lifetimes,
            MetricsQuery metrics,
            TemplateService templates,
            AccessTokens tokens,
            SandboxDomain domain,
            int defaultTimeoutSec,
            AuditLog audit) {
        this.sandboxes = new E2bSandboxRoutes(
                store, sandboxes, lifetimes, metrics, new E2bViews(tokens, domain), defaultTimeoutSec, audit);
        this.templates = templates;
        this.openapi = load();
    }

    public void register(RoutesConfig routes, Authenticator auth) {
        routes.get(OPENAPI_PATH, ctx -> ctx.contentType("application/yaml").result(openapi));
        var served = new HashSet<String>();
        var s = sandboxes;
        serve(routes, served, HandlerType.POST, "/v2/sandboxes", key(auth, s::create));
        serve(routes, served, HandlerType.POST, "/sandboxes", key(auth, s::create));
        serve(routes, served, HandlerType.GET, "/v2/sandboxes", key(auth, s::list));
        serve(routes, served, HandlerType.GET, "/sandboxes", key(auth, s::listRunning));
        serve(routes, served, HandlerType.GET, "/sandboxes/{sandboxID}", key(auth, s::get));
        serve(routes, served, HandlerType.DELETE, "/sandboxes/{sandboxID}", key(auth, s::kill));
        serve(routes, served, HandlerType.POST, "/sandboxes/{sandboxID}/timeout", key(auth, s::timeout));
        serve(routes, served, HandlerType.POST, "/sandboxes/{sandboxID}/pause", key(auth, s::pause));
        serve(routes, served, HandlerType.PUT, "/sandboxes/{sandboxID}/network", key(auth, s::network));
        serve(routes, served, HandlerType.POST, "/v2/sandboxes/{sandboxID}/connect", key(auth, s::connect));
        serve(routes, served, HandlerType.POST, "/sandboxes/{sandboxID}/connect", key(auth, s::connect));
        serve(routes, served, HandlerType.POST, "/sandboxes/{sandboxID}/resume", key(auth, s::resume));
        serve(routes, served, HandlerType.GET, "/sandboxes/{sandboxID}/metrics", key(auth, s::metrics));
        serve(routes, served, HandlerType.GET, "/templates", key(auth, this::listTemplates));
        // Registered last: Javalin tries routes in the order they were added, so these catch only the rest.
        var noRoute = E2bErrors.wrap(E2bRoutes::noRoute);
        for (var prefix : PREFIXES) {
            for (var method : METHODS) {
                serve(routes, served, method, prefix, noRoute);
                serve(routes, served, method, prefix + "/<rest>", noRoute);
            }
        }
    }

    private static void serve(
            RoutesConfig routes, Set<String> served, HandlerType method, String path, Handler handler) {
        if (served.add(method + " " + path)) routes.addHttpHandler(method, path, handler);
    }

    private static Handler key(Authenticator auth, Handler handler) {
        return E2bErrors.wrap(auth.withApiKey(handler));
    }

    private void listTemplates(Context ctx) {
        var team = Authenticator.principal(ctx).teamId();
        E2bJson.send(
                ctx,
                200,
                templates.list(team, null).stream().map(E2bViews::template).toList());
    }

    private static void noRoute(Context ctx) {
        E2bErrors.send(ctx, 404, "no route for " + ctx.method().name() + " " + ctx.path() + " in Wrenn's E2B API");
    }

    private static byte[] load() {
        try (InputStream in = E2bRoutes.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) throw new IllegalStateException(OPENAPI_RESOURCE + " missing from the build");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
