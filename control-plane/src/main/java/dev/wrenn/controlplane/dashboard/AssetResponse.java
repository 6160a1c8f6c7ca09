package dev.wrenn.controlplane.dashboard;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

/**
 * Writes one dashboard file: gzip-compressed when the client takes it (the compressed copy is made once, so Javalin's
 * own compression, which skips a response that already has a {@code Content-Encoding}, never runs on these), and
 * revalidated by its ETag. The files' names carry no version, so every response says {@code no-cache}: a browser
 * keeps its copy and asks again, and an unchanged file costs a 304 without a body, while a new server's files are
 * never mixed with an old server's cached ones.
 */
final class AssetResponse {
    /**
     * The app loads only its own scripts and styles and talks only to its own origin (WebSockets included, which
     * CSP 3's 'self' covers); the terminal sets inline styles, hence the one 'unsafe-inline' for styles.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'"
            + " 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none';"
            + " base-uri 'none'; form-action 'self'";

    private AssetResponse() {}

    static void send(Context ctx, Asset asset) {
        ctx.header("Cache-Control", "no-cache");
        ctx.header("ETag", asset.etag());
        ctx.header("Vary", "Accept-Encoding");
        ctx.header("X-Content-Type-Options", "nosniff");
        if (asset.contentType().startsWith("text/html")) {
            ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            // The OAuth landing page carries the session token in its query until the app removes it.
            ctx.header("Referrer-Policy", "no-referrer");
        }
        if (matches(ctx.header("If-None-Match"), asset.etag())) {
            ctx.status(HttpStatus.NOT_MODIFIED);
            return;
        }
        ctx.contentType(asset.contentType());
        if (AcceptEncoding.allowsGzip(ctx.header("Accept-Encoding"))) {
            ctx.header("Content-Encoding", "gzip");
            ctx.result(asset.gzip());
        } else {
            ctx.result(asset.bytes());
        }
    }

    /** {@code If-None-Match}: a list of entity tags (weak ones compare by their opaque part) or {@code *}. */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) return false;
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.strip();
            if (t.startsWith("W/")) t = t.substring(2);
            if (t.equals("*") || t.equals(etag)) return true;
        }
        return false;
    }
}
