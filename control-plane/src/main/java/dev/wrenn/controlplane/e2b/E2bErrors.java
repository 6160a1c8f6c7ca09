package dev.wrenn.controlplane.e2b;

import dev.wrenn.controlplane.db.Ids;
import dev.wrenn.controlplane.http.ApiException;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * E2B's error shape, {@code {"code": <HTTP status>, "message": "..."}} with that status: the SDKs
 * read {@code code}, not the status line, to tell "already gone" (404) and "already paused" (409)
 * from real failures. Every E2B route answers its failures so, authentication included.
 */
final class E2bErrors {
    private static final Logger log = LoggerFactory.getLogger(E2bErrors.class);

    record Body(int code, String message) {}

    private E2bErrors() {}

    /** The handler with every failure it throws answered in E2B's shape. */
    static Handler wrap(Handler handler) {
        return ctx -> {
            try {
                handler.handle(ctx);
            } catch (ApiException e) {
                dev.wrenn.controlplane.http.HttpApp.retryAfter(ctx, e);
                send(ctx, e.status(), e.getMessage());
            } catch (HttpResponseException e) {
                send(ctx, e.getStatus(), e.getMessage());
            } catch (Exception e) {
                String ref = Ids.random("err_", 12);
                log.error("unhandled error {} on {} {}", ref, ctx.method().name(), ctx.path(), e);
                send(ctx, 500, "internal error (reference " + ref + ")");
            }
        };
    }

    static void send(Context ctx, int status, String message) {
        E2bJson.send(ctx, status, new Body(status, message));
        // The server's own error handlers (the /v1 envelope for 404, 405, 413) must not rewrite it.
        ctx.skipRemainingHandlers();
    }
}
