package dev.wrenn.controlplane.dashboard;

import dev.wrenn.controlplane.http.ApiException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * The web dashboard: a single-page app of plain ES modules that talks to the public API like any client. Its pages
 * and files live under {@value #PREFIX}, the one top-level path no API uses (E2B's API owns {@code /sandboxes} and
 * {@code /templates}); {@code /} and the OAuth landing page {@code /auth/{provider}/callback} (where the login
 * redirect sends the browser, docs: api/openapi.yaml) load the app too. A path under {@value #PREFIX} whose last
 * segment has a dot is a file, served or a 404 in the envelope; any other is a page of the app, which routes it in
 * the browser. Every other path keeps its API answer, JSON 404s included.
 */
public final class DashboardRoutes {
    public static final String PREFIX = "/ui";

    private final DashboardAssets assets;

    public DashboardRoutes() {
        this(new DashboardAssets());
    }

    DashboardRoutes(DashboardAssets assets) {
        this.assets = assets;
        // Read now, so a build without the dashboard fails at start rather than on the first visit.
        assets.index();
    }

    public void register(RoutesConfig routes) {
        routes.get("/", this::page);
        routes.get("/auth/{provider}/callback", this::page);
        routes.get(PREFIX, this::page);
        routes.get(PREFIX + "/<path>", this::file);
    }

    private void page(Context ctx) {
        AssetResponse.send(ctx, assets.index());
    }

    private void file(Context ctx) {
        String path = ctx.pathParam("path");
        if (!isFile(path)) {
            page(ctx);
            return;
        }
        var asset = assets.find(path)
                .orElseThrow(() -> ApiException.notFound("the dashboard has no file " + PREFIX + "/" + path));
        AssetResponse.send(ctx, asset);
    }

    /** The app's own routes never have a dot in their last segment; its files always do (or are LICENSE texts). */
    static boolean isFile(String path) {
        String last = path.substring(path.lastIndexOf('/') + 1);
        return last.contains(".") || last.equals("LICENSE");
    }
}
